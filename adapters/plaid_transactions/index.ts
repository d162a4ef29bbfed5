/**
 * `plaid_transactions`: the body of a Plaid `/transactions/get` response (`accounts`, `transactions`)
 * or `/transactions/sync` response (`added`, `modified`, `removed`, `accounts`), as many lenders
 * already store it, sent as `{"type": "plaid_transactions", …that body…}`. Fields the gateway does not
 * use (`item`, `next_cursor`, `request_id`, …) are accepted and ignored.
 *
 * Conventions:
 * - **Sign**: Plaid's own — positive is money out — which is the model's: amounts map unchanged.
 * - **Date**: `date` (`YYYY-MM-DD`, the posted date as the institution reports it, already a local
 *   date): used as is; `datetime` / `authorized_date` are not needed.
 * - **Currency**: `iso_currency_code`, else `unofficial_currency_code`; one is required.
 * - **Balance**: Plaid transactions carry none; the accounts' balances are kept in the evidence.
 * - **Pending** transactions are left out (they may change or vanish; their posted version replaces
 *   them). `modified` replaces the transaction with the same id; `removed` ids are dropped.
 * - **Category**: `personal_finance_category.detailed` (else `.primary`) is the category hint.
 * - **Accounts**: `type`/`subtype` (Plaid's account type schema: depository `checking` is a current
 *   account; `savings`, `money market`, `cd`, … are savings; `credit`, `loan`, `investment` are not
 *   current accounts) and `holder_category` (`business` / `personal`) state what each account is; the
 *   assessment warns about accounts that are not the customer's own current account.
 */
import { present } from '../../src/lib/narrow.ts';
import { z } from 'zod';
import type { AccountFacts, AccountType } from '../../src/model/accounts.ts';
import { toMinor } from '../../src/model/money.ts';
import type { Transaction } from '../../src/model/transaction.ts';
import { MAX_TRANSACTIONS, currencyCode, isoDate, money, opt } from '../schema.ts';
import { SourceInputError, type MappingSource } from '../source.ts';

const PlaidTransaction = z.object({
  transaction_id: z.string().min(1).max(200),
  account_id: z.string().min(1).max(200),
  amount: money(-100_000_000, 100_000_000),
  iso_currency_code: opt(currencyCode),
  unofficial_currency_code: opt(z.string().max(20)),
  date: isoDate,
  name: opt(z.string().max(1000)),
  merchant_name: opt(z.string().max(500)),
  original_description: opt(z.string().max(1000)),
  personal_finance_category: opt(
    z.object({
      primary: z.string().max(100),
      detailed: opt(z.string().max(100)),
      confidence_level: opt(z.string().max(50)),
    }),
  ),
  pending: z.boolean({ error: 'is required (true or false)' }),
});

const PlaidAccount = z.object({
  account_id: z.string().min(1).max(200),
  name: opt(z.string().max(200)),
  official_name: opt(z.string().max(200)),
  mask: opt(z.string().max(10)),
  type: opt(z.string().max(50)),
  subtype: opt(z.string().max(50)),
  holder_category: opt(z.string().max(50)),
  balances: opt(
    z.object({
      available: opt(z.number()),
      current: opt(z.number()),
      limit: opt(z.number()),
      iso_currency_code: opt(z.string().max(3)),
      unofficial_currency_code: opt(z.string().max(20)),
    }),
  ),
});

const list = <T extends z.ZodType>(s: T) => opt(z.array(s).max(MAX_TRANSACTIONS * 2));

export const PlaidTransactionsSchema = z
  .object({
    type: z.literal('plaid_transactions'),
    accounts: opt(z.array(PlaidAccount).max(100)),
    transactions: list(PlaidTransaction),
    added: list(PlaidTransaction),
    modified: list(PlaidTransaction),
    removed: list(
      z.object({ transaction_id: z.string().min(1).max(200), account_id: opt(z.string().max(200)) }),
    ),
  })
  .superRefine((s, ctx) => {
    if (!s.transactions && !s.added && !s.modified)
      ctx.addIssue({
        code: 'custom',
        path: ['transactions'],
        message:
          'is required: send the body of /transactions/get (transactions) or /transactions/sync (added, modified, removed)',
      });
    for (const field of ['transactions', 'added', 'modified'] as const) {
      s[field]?.forEach((t, i) => {
        if (!t.iso_currency_code && !t.unofficial_currency_code)
          ctx.addIssue({
            code: 'custom',
            path: [field, i, 'iso_currency_code'],
            message: 'is required (or unofficial_currency_code)',
          });
      });
    }
  });

export type PlaidTransactionsInput = z.output<typeof PlaidTransactionsSchema>;
type PlaidTx = z.output<typeof PlaidTransaction>;
type PlaidAccountInput = z.output<typeof PlaidAccount>;

const PLAID_SAVINGS_SUBTYPES: ReadonlySet<string> = new Set([
  'savings',
  'money market',
  'cd',
  'hsa',
  'cash isa',
  'isa',
  'health reimbursement arrangement',
]);
const PLAID_CURRENT_SUBTYPES: ReadonlySet<string> = new Set([
  'checking',
  'current',
  'paypal',
  'prepaid',
  'cash management',
  'ebt',
]);
const PLAID_OTHER_TYPES: Record<string, AccountType> = {
  credit: 'credit_card',
  loan: 'loan',
  investment: 'investment',
  brokerage: 'investment',
};

/** What a Plaid account says about itself (Plaid's account type schema), or undefined when it says nothing. */
export function plaidAccountFacts(a: PlaidAccountInput): AccountFacts | undefined {
  const type = a.type?.trim().toLowerCase();
  const subtype = a.subtype?.trim().toLowerCase();
  let t: AccountType | undefined;
  if (a.holder_category?.trim().toLowerCase() === 'business') t = 'business';
  else if (type && PLAID_OTHER_TYPES[type]) t = PLAID_OTHER_TYPES[type];
  else if (subtype && PLAID_SAVINGS_SUBTYPES.has(subtype)) t = 'savings';
  else if (subtype && PLAID_CURRENT_SUBTYPES.has(subtype)) t = 'current';
  else if (type === 'other') t = 'other';
  if (!t) return undefined;
  const stated = [a.type, a.subtype, a.holder_category ? `holder_category ${a.holder_category}` : undefined]
    .filter(Boolean)
    .join(' / ');
  return { account_id: a.account_id, type: t, stated };
}

export const plaidTransactions: MappingSource<PlaidTransactionsInput> = {
  id: 'plaid_transactions',
  kind: 'mapping',
  schema: PlaidTransactionsSchema,
  *dates(input) {
    for (const list of ['transactions', 'added', 'modified'] as const) {
      const ts = input[list] ?? [];
      for (const [i, t] of ts.entries()) yield { path: `${list}[${i}].date`, date: t.date };
    }
  },
  map(input) {
    const byId = new Map<string, PlaidTx>();
    for (const t of input.transactions ?? []) byId.set(t.transaction_id, t);
    for (const t of input.added ?? []) byId.set(t.transaction_id, t);
    let modified = 0;
    for (const t of input.modified ?? []) {
      byId.set(t.transaction_id, t);
      modified++;
    }
    let removed = 0;
    for (const r of input.removed ?? []) if (byId.delete(r.transaction_id)) removed++;
    let pending = 0;
    const out: Transaction[] = [];
    for (const t of byId.values()) {
      if (t.pending) {
        pending++;
        continue;
      }
      const name = t.merchant_name?.trim() || t.name?.trim() || t.original_description?.trim() || 'UNKNOWN';
      const tx: Transaction = {
        date: t.date,
        amount_minor: toMinor(t.amount),
        // The schema asks for one of the two.
        currency: t.iso_currency_code ?? present(t.unofficial_currency_code, 'currency code').toUpperCase(),
        merchant_name: name,
        account_id: t.account_id,
        source: 'plaid_transactions',
        source_ref: t.transaction_id,
      };
      const narrative = t.original_description?.trim() || t.name?.trim();
      if (narrative && narrative !== name) tx.description = narrative;
      const pfc = t.personal_finance_category;
      if (pfc) tx.category_hint = pfc.detailed ?? pfc.primary;
      out.push(tx);
    }
    if (out.length === 0)
      throw new SourceInputError(
        pending
          ? `all ${pending} transactions are pending; assess once they have posted`
          : 'the response holds no transactions',
      );
    if (out.length > MAX_TRANSACTIONS)
      throw new SourceInputError(
        `the response holds ${out.length} posted transactions; at most 10,000 in one assessment`,
      );
    const warnings: string[] = [];
    if (pending)
      warnings.push(`${pending} pending transactions were left out; only posted transactions are assessed`);
    const accounts = (input.accounts ?? []).map((a) => ({
      account_id: a.account_id,
      name: a.name ?? null,
      mask: a.mask ?? null,
      type: a.type ?? null,
      subtype: a.subtype ?? null,
      holder_category: a.holder_category ?? null,
      balances: a.balances ?? null,
    }));
    const facts = (input.accounts ?? [])
      .map(plaidAccountFacts)
      .filter((f): f is AccountFacts => f !== undefined);
    return {
      transactions: out,
      metadata: { accounts, counts: { posted: out.length, pending_excluded: pending, modified, removed } },
      warnings,
      accounts: facts,
    };
  },
};
