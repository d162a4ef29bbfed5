/**
 * The legacy provider's answers as the adapter reads them (openapi/providers/legacy-provider.yaml; the
 * types generated from it bind these schemas below). Lenient where the page is silent: every figure is
 * optional and a `null` is absent, so an answer with fewer fields still maps what it states; a field of
 * the wrong type is a malformed answer.
 */
import { z } from 'zod';
import { assertType, type Binds } from '../../src/lib/contract-types.ts';
import { opt } from '../schema.ts';
import type { components } from './generated.ts';

type Schemas = components['schemas'];

const num = opt(z.number().finite());

export const WireToken = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  expires_in: opt(z.number().int().positive()),
});

export const WireApplication = z.object({
  id: z.string().min(1).max(200),
  applicant: z.string(),
  proxy_id: opt(z.string()),
});

export const WireStatements = z.object({
  accounts_summary: opt(
    z.array(
      z.object({
        account: opt(z.string()),
        account_type: opt(z.string()),
        bank: opt(z.string()),
        is_manual_upload: opt(z.boolean()),
        total_transactions: opt(z.number().int()),
      }),
    ),
  ),
  primary_income: num,
});

const Monthly = z.object({
  year: z.number().int(),
  month: z.number().int().min(1).max(12),
  primary_income: num,
  secondary_income: num,
  non_discretionary_expenses: num,
  discretionary_expenses: num,
  affordability_amount: num,
  full_month: opt(z.boolean()),
});

export const WireAffordability = z.object({
  bank_connection: opt(z.string()),
  affordability: z.object({
    monthly_affordability: opt(z.array(Monthly)),
    average_full_month_primary_income: num,
    average_full_month_secondary_income: num,
    average_full_month_discretionary_expenses: num,
    average_full_month_non_discretionary_expenses: num,
    average_full_month_affordability: num,
  }),
});

export const WireIncome = z.object({
  bank_connection: opt(z.string()),
  income_analysis: z.object({
    consistency_score: num,
    longevity_score: num,
    regularity_score: num,
    income_month_breaks: num,
    income_indicator: num,
    months_back: num,
    income_heatmap: opt(z.record(z.string(), z.number())),
    strike_date: num,
  }),
});

const monthlyRows = opt(z.array(z.record(z.string(), z.unknown())));

export const WireRisk = z.object({
  bank_connection: opt(z.string()),
  risk_insights: z.object({
    begin_date: opt(z.string()),
    end_date: opt(z.string()),
    risk_insights: opt(
      z.object({
        gambling_insights: opt(
          z.object({
            monthly_gambling_analysis: monthlyRows,
            monthly_average_gambling_spend: num,
            monthly_average_gambling_proportion: num,
          }),
        ),
        overdraft_insights: opt(
          z.object({
            total_days_in_overdraft: num,
            total_proportion_of_days_in_overdraft: num,
            unique_months: num,
            monthly_average_days_in_overdraft: num,
            monthly_overdraft_analysis: monthlyRows,
          }),
        ),
        returned_debit_orders_insights: opt(
          z.object({
            last_month_count: num,
            last_3_months_count: num,
            last_6_months_count: num,
            last_12_months_count: num,
            monthly_average_debit_order_value: num,
          }),
        ),
        atm_and_cash_insights: opt(
          z.object({
            monthly_atm_and_cash_spend_analysis: monthlyRows,
            atm_and_cash_average_amount: num,
            average_withdrawal_proportion: num,
          }),
        ),
        net_saver_spender_insights: opt(z.object({ net_saver_spender: opt(z.string()) })),
        ssi_insights: opt(z.object({ monthly_ssi_analysis: monthlyRows, monthly_average_ssi: num })),
      }),
    ),
  }),
});

export const WireExpenses = z.object({
  bank_connection: opt(z.string()),
  expenses_insights: z.object({
    top_expense_amounts: opt(
      z.array(
        z.object({
          label: opt(z.string()),
          amount: num,
          average_monthly_spend: num,
          percentage_of_total_spend: num,
        }),
      ),
    ),
    unique_months: num,
    spend_split: opt(
      z.object({ discretionary_spend_percentage: num, non_discretionary_spend_percentage: num }),
    ),
  }),
});

export type Affordability = z.output<typeof WireAffordability>;
export type Income = z.output<typeof WireIncome>;
export type Risk = z.output<typeof WireRisk>;
export type Expenses = z.output<typeof WireExpenses>;

// The schemas read what the spec describes: a field that drifts in name, type or optionality is a compile
// error naming it (src/lib/contract-types.ts). The nested insight objects are bound through their parents.
assertType<Binds<typeof WireToken, Schemas['TokenResponse'], 'TokenResponse'>>();
assertType<Binds<typeof WireApplication, Schemas['Application'], 'Application'>>();
assertType<Binds<typeof WireAffordability, Schemas['AffordabilityResponse'], 'AffordabilityResponse'>>();
assertType<Binds<typeof WireExpenses, Schemas['ExpenseInsightsResponse'], 'ExpenseInsightsResponse'>>();
