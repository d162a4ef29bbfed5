/**
 * The legacy provider's data both ways: the lender's Veqtrx transactions as a BYOD upload, and the
 * provider's answer (labelled transactions, affordability, income analysis, risk and expense insights)
 * onto the one model and a `ThirdPartyVerdict`.
 *
 * - Transactions: the provider's labelled transactions through the existing `labelled_transactions`
 *   mapping (adapters/labelled_transactions/: sign, date-time, labels as category hints), then marked as
 *   coming from this provider.
 * - Figures: the provider's monthly averages over its full months, major units of the account currency
 *   (ZAR; the currency of the labelled transactions when they state one) → minor units. Income is primary
 *   plus secondary income, expenditure discretionary plus non-discretionary, the affordable amount its
 *   `average_full_month_affordability`. The provider gives no overall score or risk level: none is mapped.
 * - Indicators: the risk insights that the provider found in the data, in its own words (`gambling`,
 *   `overdraft`, `returned_debit_orders`, `social_security_income`, `net_spender`).
 * Pure: no I/O, no clock.
 */
import { toMinor } from '../../src/model/money.ts';
import type { Transaction } from '../../src/model/transaction.ts';
import type { AnalysisOutput, ThirdPartyFigures } from '../analysis.ts';
import { labelledTransactions, type LabelledTransactionsInput } from '../labelled_transactions/index.ts';
import type { TransactionInput } from '../transactions/index.ts';
import type { components } from './generated.ts';
import type { Affordability, Expenses, Income, Risk } from './wire.ts';

/** The provider's market: its page's BYOD sample is in ZAR. */
export const LEGACY_DEFAULT_CURRENCY = 'ZAR';
/** The API version the adapter speaks (the provider's page: "FastAPI (0.1.0)"). */
export const LEGACY_API_VERSION = '0.1.0';

/** What a finished analysis holds: the answers, parsed, and as the provider sent them. */
export interface LegacyResult {
  application_id: string;
  /** The labelled transactions as the `labelled_transactions` source reads them; null when there are none. */
  labelled: LabelledTransactionsInput | null;
  affordability: Affordability;
  income: Income;
  risk: Risk;
  expenses: Expenses;
  /** The four analysis answers, as returned (no transactions, no personal data). */
  raw: {
    affordability: unknown;
    income_analysis: unknown;
    risk_insights: unknown;
    expense_insights: unknown;
  };
}

/** Per-account details of the upload that Veqtrx transactions do not carry. */
export interface UploadAccount {
  account_id: string;
  account_number?: string | undefined;
  account_name?: string | undefined;
  account_type?: string | undefined;
  bank_slug?: string | undefined;
  account_holder_name?: string | undefined;
  balance?: number | undefined;
}

type ByodRequest = components['schemas']['ByodRequest'];

/**
 * Veqtrx transactions (major units, positive = money out, booking dates) as a BYOD upload: one account per
 * `account_id` ("default" when none), the provider's sign (negative = a debit), each dated at local noon
 * without an offset (so it is booked on its own date whatever the time zone), the merchant name as the
 * description and the narrative as the reference.
 */
export function toByodRequest(
  transactions: readonly TransactionInput[],
  currency: string,
  details: readonly UploadAccount[] = [],
): ByodRequest {
  const byAccount = new Map<string, TransactionInput[]>();
  for (const t of transactions) {
    const a = t.account_id ?? 'default';
    let list = byAccount.get(a);
    if (!list) byAccount.set(a, (list = []));
    list.push(t);
  }
  const known = new Map(details.map((d) => [d.account_id, d]));
  return {
    accounts: [...byAccount].map(([account, list]) => {
      const d = known.get(account);
      return {
        ...(d?.account_number ? { account_number: d.account_number } : {}),
        account_name: d?.account_name ?? account,
        ...(d?.account_type ? { account_type: d.account_type } : {}),
        ...(d?.balance !== undefined ? { balance: d.balance } : {}),
        currency,
        ...(d?.bank_slug ? { bank_slug: d.bank_slug } : {}),
        ...(d?.account_holder_name ? { account_holder_name: d.account_holder_name } : {}),
        transactions: list.map((t) => ({
          datetime: `${t.date}T12:00:00`,
          amount: t.amount === 0 ? 0 : -t.amount,
          ...(t.balance !== undefined ? { balance: t.balance } : {}),
          description: t.merchant_name,
          ...(t.description ? { reference: t.description } : {}),
          currency,
        })),
      };
    }),
  };
}

const minor = (major: number | undefined): number | undefined =>
  major === undefined ? undefined : toMinor(Math.round(major * 100) / 100);

const sum = (...xs: Array<number | undefined>): number | undefined =>
  xs.every((x) => x === undefined) ? undefined : xs.reduce<number>((s, x) => s + (x ?? 0), 0);

/** The indicators the risk insights raise, in the provider's words. */
export function legacyIndicators(risk: Risk): string[] {
  const r = risk.risk_insights.risk_insights;
  if (!r) return [];
  const out: string[] = [];
  if ((r.gambling_insights?.monthly_average_gambling_spend ?? 0) > 0) out.push('gambling');
  if ((r.overdraft_insights?.total_days_in_overdraft ?? 0) > 0) out.push('overdraft');
  const rd = r.returned_debit_orders_insights;
  if ((rd?.last_12_months_count ?? rd?.last_6_months_count ?? rd?.last_3_months_count ?? 0) > 0)
    out.push('returned_debit_orders');
  if ((r.ssi_insights?.monthly_average_ssi ?? 0) > 0) out.push('social_security_income');
  if (/spender/i.test(r.net_saver_spender_insights?.net_saver_spender ?? '')) out.push('net_spender');
  return out;
}

/** The provider's figures in the gateway's terms, each only where the provider states it. */
export function legacyFigures(result: LegacyResult, currency: string): ThirdPartyFigures {
  const a = result.affordability.affordability;
  const out: ThirdPartyFigures = { currency };
  const income = minor(sum(a.average_full_month_primary_income, a.average_full_month_secondary_income));
  const spend = minor(
    sum(a.average_full_month_discretionary_expenses, a.average_full_month_non_discretionary_expenses),
  );
  const affordable = minor(a.average_full_month_affordability);
  if (income !== undefined) out.monthly_income_minor = income;
  if (spend !== undefined) out.monthly_expenditure_minor = spend;
  if (affordable !== undefined) out.affordable_amount_minor = affordable;
  const indicators = legacyIndicators(result.risk);
  if (indicators.length) out.indicators = indicators;
  return out;
}

/** The one currency the labelled transactions state, else the upload's, else the provider's (ZAR). */
function currencyOf(txs: readonly Transaction[], fallback: string): string {
  const seen = new Set(txs.map((t) => t.currency));
  const [only] = seen;
  return seen.size === 1 && only ? only : fallback;
}

export function normaliseLegacy(
  result: LegacyResult,
  opts: { currency?: string | undefined; uploaded?: number | undefined },
): AnalysisOutput {
  const mapped = result.labelled ? labelledTransactions.map(result.labelled) : undefined;
  const transactions = (mapped?.transactions ?? []).map((t) => ({ ...t, source: 'legacy_provider' }));
  const warnings = [...(mapped?.warnings ?? [])];
  if (!mapped)
    warnings.push(
      'The legacy provider returned no labelled transactions: only its own figures are kept, and there is nothing for the engine to assess',
    );
  if (opts.uploaded !== undefined && transactions.length !== opts.uploaded)
    warnings.push(
      `The legacy provider returned ${transactions.length} labelled transactions for the ${opts.uploaded} uploaded`,
    );
  const currency = currencyOf(transactions, opts.currency ?? LEGACY_DEFAULT_CURRENCY);
  const a = result.affordability.affordability;
  return {
    transactions,
    metadata: {
      provider: 'legacy_provider',
      application_id: result.application_id,
      bank_connection: result.affordability.bank_connection ?? null,
      months: a.monthly_affordability?.length ?? 0,
      full_months: a.monthly_affordability?.filter((m) => m.full_month).length ?? 0,
      period: {
        begin: result.risk.risk_insights.begin_date ?? null,
        end: result.risk.risk_insights.end_date ?? null,
      },
      ...(mapped ? { labelled: mapped.metadata } : {}),
      ...(opts.uploaded !== undefined ? { uploaded: opts.uploaded } : {}),
    },
    warnings,
    third_party: {
      provider: 'legacy_provider',
      product: 'affordability',
      version: LEGACY_API_VERSION,
      analysis_id: result.application_id,
      raw: result.raw,
      mapped: legacyFigures(result, currency),
    },
  };
}
