/**
 * Request schemas. Each is tied to the type generated from openapi/*.yaml (src/contract/generated/), so a
 * change to one without the other is a compile error. Optional fields accept `null` as absent (many
 * clients serialise an unset field as null).
 */
import { errorMessage } from '../lib/narrow.ts';
import { z } from 'zod';
import { SourceInputSchema } from '../../adapters/registry.ts';
import { isoCurrency, money, opt, printableToken } from '../../adapters/schema.ts';
import { ACCOUNT_HOLDERS, ACCOUNT_TYPES } from '../model/accounts.ts';
import { TransactionSchema, TransactionsSchema } from '../../adapters/transactions/index.ts';
import type { AssessmentResponse } from '../model/assessment.ts';
import type { MonthlySeries } from '../engine/types.ts';
import type { SourceRecord } from '../model/assessment.ts';
import { HOUSING_TYPES } from '../model/circumstances.ts';
import { toMinor } from '../model/money.ts';
import { percentToFraction, type ProposedCredit } from '../engine/credit.ts';
import { DEFAULT_ACCOUNT_ID } from '../model/transaction.ts';
import type { VeqtrxTransaction } from '../model/veqtrx.ts';
import { checkUrlForm } from '../lib/ssrf.ts';
import { ASSESSMENT_ID } from '../lib/ids.ts';
import type { components } from './generated/partner-v1.ts';
import { assertType, type Binds, type Matches, type Sends } from '../lib/contract-types.ts';

export const CircumstancesSchema = z.object({
  housing: opt(z.enum(HOUSING_TYPES, { error: `must be one of ${HOUSING_TYPES.join(', ')}` })),
  household_adults: opt(z.number().int().min(1).max(10)),
  children_u16: opt(z.number().int().min(0).max(10)),
  children_16_18: opt(z.number().int().min(0).max(10)),
  vulnerabilities: opt(z.array(z.string().trim().min(1).max(100)).max(50)),
});

/** A webhook target (partner webhook_url, per-call callback_url): the SSRF guard's form check. */
export const WebhookUrlSchema = z
  .string()
  .max(2000)
  .superRefine((u, ctx) => {
    try {
      checkUrlForm(u);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: errorMessage(e) });
    }
  });

/**
 * Extension: what the lender knows about the raw transactions' accounts (by the transactions'
 * `account_id`), so that the assessment can warn when one is not the customer's own current account.
 */
export const AccountStatementSchema = z.object({
  account_id: z.string({ error: 'is required' }).trim().min(1, 'must not be empty').max(100),
  type: opt(z.enum(ACCOUNT_TYPES, { error: `must be one of ${ACCOUNT_TYPES.join(', ')}` })),
  holder: opt(z.enum(ACCOUNT_HOLDERS, { error: `must be one of ${ACCOUNT_HOLDERS.join(', ')}` })),
});

/**
 * Extension: the credit the assessment is for. `apr` (in percent: 6.9 is 6.9%) or `monthly_repayment`,
 * exactly one; the engine amortises the repayment from the APR (docs/engine.md § Proposed credit).
 */
export const ProposedCreditSchema = z
  .object({
    amount: money(0.01, 10_000_000),
    term_months: z
      .number({ error: 'must be a whole number of months' })
      .int('must be a whole number of months')
      .min(1, 'must be at least 1')
      .max(600, 'must be at most 600 (50 years)'),
    apr: opt(
      z
        .number({ error: 'must be a number (a percentage: 6.9 is 6.9% APR)' })
        .finite()
        .min(0, 'must be at least 0')
        .max(10_000, 'must be at most 10,000 (a percentage)'),
    ),
    monthly_repayment: opt(money(0.01, 10_000_000)),
  })
  .superRefine((c, ctx) => {
    if ((c.apr === undefined) === (c.monthly_repayment === undefined))
      ctx.addIssue({
        code: 'custom',
        path: c.apr === undefined ? ['apr'] : ['monthly_repayment'],
        message:
          c.apr === undefined
            ? 'send apr or monthly_repayment (exactly one of them)'
            : 'cannot be sent with apr: send apr or monthly_repayment, not both',
      });
    else if (
      c.monthly_repayment !== undefined &&
      toMinor(c.monthly_repayment) * c.term_months < toMinor(c.amount)
    )
      ctx.addIssue({
        code: 'custom',
        path: ['monthly_repayment'],
        message: `× term_months (${c.term_months}) is less than amount: the repayments would not repay the credit`,
      });
  });

/** The request's `proposed_credit` in the engine's units (pence, the APR as a fraction). */
export function proposedCreditOf(c: z.output<typeof ProposedCreditSchema>): ProposedCredit {
  const out: ProposedCredit = { amountMinor: toMinor(c.amount), termMonths: c.term_months };
  if (c.apr !== undefined) out.apr = percentToFraction(c.apr);
  if (c.monthly_repayment !== undefined) out.repaymentMinor = toMinor(c.monthly_repayment);
  return out;
}

/**
 * `transactions` (the Veqtrx field) or, as an extension, `source` (another place the data comes
 * from: adapters/registry.ts) — exactly one of the two.
 */
export const AssessRequestSchema = z
  .object({
    customer_ref: z.string({ error: 'is required' }).trim().min(1, 'must not be empty').max(200),
    partner_ref: opt(z.string().trim().min(1).max(200)),
    transactions: opt(TransactionsSchema),
    source: opt(SourceInputSchema),
    circumstances: opt(CircumstancesSchema),
    declared_income: opt(money(0, 10_000_000)),
    callback_url: opt(WebhookUrlSchema),
    currency: opt(isoCurrency),
    accounts: opt(z.array(AccountStatementSchema).max(50, 'must hold at most 50 accounts')),
    proposed_credit: opt(ProposedCreditSchema),
  })
  .superRefine((b, ctx) => {
    if (b.transactions === undefined && b.source === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['transactions'],
        message: 'is required (or, instead, a source object)',
      });
    if (b.transactions !== undefined && b.source !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['source'],
        message: 'cannot be sent with transactions: send one or the other',
      });
    if (b.accounts !== undefined)
      checkAccountStatements(b.accounts, b.transactions, b.source !== undefined, ctx);
  });

/** Each statement names an account the transactions use, once; a source states its own accounts. */
function checkAccountStatements(
  accounts: ReadonlyArray<{ account_id: string }>,
  transactions: ReadonlyArray<{ account_id?: string | undefined }> | undefined,
  withSource: boolean,
  ctx: z.RefinementCtx,
): void {
  if (withSource) {
    ctx.addIssue({
      code: 'custom',
      path: ['accounts'],
      message:
        "describes raw transactions' accounts; a source states its own (send accounts only with transactions)",
    });
    return;
  }
  if (!transactions) return;
  const used = new Set(transactions.map((t) => t.account_id ?? DEFAULT_ACCOUNT_ID));
  const seen = new Set<string>();
  accounts.forEach((a, i) => {
    if (seen.has(a.account_id))
      ctx.addIssue({
        code: 'custom',
        path: ['accounts', i, 'account_id'],
        message: `repeats "${a.account_id}"`,
      });
    else if (!used.has(a.account_id))
      ctx.addIssue({
        code: 'custom',
        path: ['accounts', i, 'account_id'],
        message: `names no account of the transactions ("${a.account_id}"; a transaction without account_id is in "${DEFAULT_ACCOUNT_ID}")`,
      });
    seen.add(a.account_id);
  });
}

export type AssessRequest = z.output<typeof AssessRequestSchema>;

// Bound to the spec (src/lib/contract-types.ts): a field that drifts in type, optionality or presence
// is a compile error naming it. Responses are also checked against the spec at run time by the contract tests.
type Spec = components['schemas'];
assertType<Binds<typeof AssessRequestSchema, Spec['AssessRequest'], 'AssessRequest'>>();
assertType<Binds<typeof TransactionSchema, Spec['Transaction'], 'Transaction'>>();
assertType<Binds<typeof CircumstancesSchema, Spec['Circumstances'], 'Circumstances'>>();
assertType<Binds<typeof AccountStatementSchema, Spec['AccountStatement'], 'AccountStatement'>>();
assertType<Binds<typeof ProposedCreditSchema, Spec['ProposedCredit'], 'ProposedCredit'>>();
assertType<Binds<typeof SourceInputSchema, Spec['SourceInput'], 'SourceInput'>>();
assertType<Matches<VeqtrxTransaction, Spec['Transaction'], 'VeqtrxTransaction'>>();
assertType<Sends<AssessmentResponse, Spec['AssessmentResponse'], 'AssessmentResponse'>>();
assertType<Sends<MonthlySeries, Spec['MonthlySeries'], 'MonthlySeries'>>();
// The evidence's `source` (written by the worker from a SourceRecord): `transactions`, `documents` (a
// document job) or a source's `type`.
type EvidenceSource = NonNullable<Spec['Evidence']['source']>;
assertType<
  Matches<
    'transactions' | 'documents' | z.output<typeof SourceInputSchema>['type'],
    EvidenceSource['type'],
    'Evidence.source.type'
  >
>();
assertType<Sends<Omit<SourceRecord, 'type'>, Omit<EvidenceSource, 'type'>, 'Evidence.source'>>();

export const IdempotencyKeySchema = printableToken(255);

export const DeliveriesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  assessment_id: z.string().regex(ASSESSMENT_ID).optional(),
});
