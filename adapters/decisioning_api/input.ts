/**
 * What a lender sends as the `source` of `POST /assess` for the credit-decisioning API
 * (`"type": "decisioning_api"`), and the credentials a partner stores for it.
 *
 * Two forms, exactly one of them:
 * - the data to submit: `transactions` in the Veqtrx format (the native source's TransactionSchema and
 *   limits: 1 to 10,000), optional `accounts` describing the accounts those transactions name
 *   (`account_id`; a transaction without one is in account `default`), optional `customer_identifier`
 *   (the lender's own reference for the customer at the provider; by default the gateway's analysis
 *   reference is used, one provider customer per analysis);
 * - an analysis the lender already started at the provider: `customer_id` and `analysis_id`.
 * `time_zone` (default Europe/London) is the calendar the provider's date-times are booked in.
 *
 * The parsed value has the shape of the input (no field added), so that it parses again unchanged.
 */
import { z } from 'zod';
import { DEFAULT_CURRENCY } from '../../src/model/money.ts';
import { DEFAULT_ACCOUNT_ID } from '../../src/model/transaction.ts';
import { providerBaseUrl } from '../provider-common.ts';
import { isoCurrency, isoDate, money, opt, printableToken, timeZone } from '../schema.ts';
import { TransactionsSchema } from '../transactions/index.ts';

/** At most this many accounts in one submission (as the other account-based sources). */
export const MAX_ACCOUNTS = 50;

export const ACCOUNT_TYPES = ['current', 'savings', 'credit_card', 'loan', 'other'] as const;

export const DecisioningAccountSchema = z.strictObject({
  /** The `account_id` its transactions carry (`default` for those that carry none). */
  id: z.string({ error: 'is required' }).trim().min(1, 'must not be empty').max(100),
  /** Sent as the provider's account type; `current` (CHECKING) when not given. */
  type: opt(z.enum(ACCOUNT_TYPES, { error: `must be one of ${ACCOUNT_TYPES.join(', ')}` })),
  /** `business` is the provider's PROFESSIONAL usage; `personal` when not given. */
  usage: opt(z.enum(['personal', 'business'], { error: 'must be personal or business' })),
  /** The balance at `balance_date`, major units; else the last transaction's `balance` (one of them is required). */
  balance: opt(money(-100_000_000, 100_000_000)),
  /** Else the date of the account's last transaction. */
  balance_date: opt(isoDate),
  /** Else its transactions' currency, else GBP. */
  currency: opt(isoCurrency),
  /** The account holder as the bank names them (the provider's `owners`). */
  holder_name: opt(z.string().trim().min(1).max(200)),
});
export type DecisioningAccountInput = z.output<typeof DecisioningAccountSchema>;

const ATTACH_KEYS = ['customer_id', 'analysis_id'] as const;
const SUBMIT_ONLY_KEYS = ['accounts', 'customer_identifier'] as const;

export const DecisioningSourceSchema = z
  .strictObject({
    type: z.literal('decisioning_api'),
    transactions: opt(TransactionsSchema),
    accounts: opt(
      z
        .array(DecisioningAccountSchema, { error: 'must be an array' })
        .min(1, 'must hold at least 1 account')
        .max(MAX_ACCOUNTS, `must hold at most ${MAX_ACCOUNTS} accounts`),
    ),
    customer_identifier: opt(printableToken(200)),
    customer_id: opt(printableToken(200)),
    analysis_id: opt(printableToken(200)),
    time_zone: timeZone(),
  })
  .superRefine((s, ctx) => {
    const attach = ATTACH_KEYS.filter((k) => s[k] !== undefined);
    if (s.transactions === undefined && attach.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['transactions'],
        message:
          'is required: send the transactions to submit, or customer_id and analysis_id of an analysis already started at the provider',
      });
      return;
    }
    if (s.transactions !== undefined) {
      for (const k of attach)
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message:
            'must not be sent with transactions: send either the data to submit or an analysis to attach to',
        });
      checkAccounts(s.transactions, s.accounts, ctx);
      return;
    }
    for (const k of ATTACH_KEYS)
      if (s[k] === undefined)
        ctx.addIssue({ code: 'custom', path: [k], message: `is required with ${attach.join(', ')}` });
    for (const k of SUBMIT_ONLY_KEYS)
      if (s[k] !== undefined)
        ctx.addIssue({ code: 'custom', path: [k], message: 'is only for submitting transactions' });
  });

export type DecisioningSourceInput = z.output<typeof DecisioningSourceSchema>;

/** The input names an analysis already started (else it holds the transactions to submit). */
export const isAttach = (
  i: DecisioningSourceInput,
): i is DecisioningSourceInput & { customer_id: string; analysis_id: string } =>
  i.transactions === undefined && i.customer_id !== undefined && i.analysis_id !== undefined;

/**
 * Accounts are unique, each names an account the transactions use, and every transaction is in its
 * account's currency (the provider's accounts each have one currency).
 */
function checkAccounts(
  txs: z.output<typeof TransactionsSchema>,
  accounts: DecisioningAccountInput[] | undefined,
  ctx: z.RefinementCtx,
): void {
  const used = new Set(txs.map((t) => t.account_id ?? DEFAULT_ACCOUNT_ID));
  const seen = new Set<string>();
  (accounts ?? []).forEach((a, i) => {
    if (seen.has(a.id))
      ctx.addIssue({ code: 'custom', path: ['accounts', i, 'id'], message: `repeats account ${a.id}` });
    seen.add(a.id);
    if (!used.has(a.id))
      ctx.addIssue({
        code: 'custom',
        path: ['accounts', i, 'id'],
        message: `names no account of the transactions (their account_id; ${DEFAULT_ACCOUNT_ID} when they have none)`,
      });
  });
  // The provider requires each account's balance; a made-up one (0) would have it read overdrafts that
  // never were, so an account whose balance is not known is refused.
  const withBalance = new Set(
    txs.filter((t) => t.balance !== undefined).map((t) => t.account_id ?? DEFAULT_ACCOUNT_ID),
  );
  for (const a of accounts ?? []) if (a.balance !== undefined) withBalance.add(a.id);
  for (const id of used)
    if (!withBalance.has(id))
      ctx.addIssue({
        code: 'custom',
        path: ['accounts'],
        message: `must give the balance of account ${id} (accounts[].balance, or the transactions' running balance): the provider requires each account's balance, and reads overdrafts from it`,
      });
  const currencies = accountCurrencies(txs, accounts);
  txs.forEach((t, i) => {
    const c = currencies.get(t.account_id ?? DEFAULT_ACCOUNT_ID);
    if (t.currency !== undefined && t.currency !== c)
      ctx.addIssue({
        code: 'custom',
        path: ['transactions', i, 'currency'],
        message: `must be its account's currency (${c ?? DEFAULT_CURRENCY}): an account at the provider has one currency`,
      });
  });
}

/** Each account's currency: the one stated for it, else its first transaction's, else GBP. */
export function accountCurrencies(
  txs: ReadonlyArray<{ account_id?: string | undefined; currency?: string | undefined }>,
  accounts: readonly DecisioningAccountInput[] | undefined,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of accounts ?? []) if (a.currency) out.set(a.id, a.currency);
  for (const t of txs) {
    const id = t.account_id ?? DEFAULT_ACCOUNT_ID;
    if (!out.has(id)) out.set(id, t.currency ?? DEFAULT_CURRENCY);
  }
  return out;
}

/** What the admin API stores for a partner (sealed at rest, never returned). */
export const DecisioningCredentialsSchema = z.strictObject({
  client_id: z.string().min(1).max(200),
  client_secret: z.string().min(1).max(1000),
  base_url: providerBaseUrl,
  /** The secret of the partner's webhook subscription at the provider (X-Hub-Signature); without it, webhooks are ignored. */
  webhook_secret: opt(z.string().min(1).max(1000)),
});
export type DecisioningCredentials = z.output<typeof DecisioningCredentialsSchema>;
