/**
 * `transactions`: the native Veqtrx call — the lender sends the transactions themselves (major units,
 * Plaid sign: positive = money out, dates `YYYY-MM-DD` as booked). The first adapter: raw
 * transactions go through the same interface as every other source.
 * Currency (an extension): the request's `currency`, GBP when it has none; a transaction may state its
 * own `currency`, which must be the request's (the request decoder refuses a mix: src/contract/assess-request.ts).
 */
import { isRecord } from '../../src/lib/narrow.ts';
import { z } from 'zod';
import { fromVeqtrx } from '../../src/model/veqtrx.ts';
import { isRealIsoDate } from '../../src/model/dates.ts';
import { DEFAULT_CURRENCY, hasAtMostTwoDecimals } from '../../src/model/money.ts';
import type { Transaction } from '../../src/model/transaction.ts';
import { MAX_TRANSACTIONS, isoCurrency, isoDate, money, opt, quickIsoCurrency } from '../schema.ts';
import type { MappingSource } from '../source.ts';

const AMOUNT = { min: -10_000_000, max: 10_000_000 } as const;
const BALANCE = { min: -100_000_000, max: 100_000_000 } as const;

export const TransactionSchema = z.object({
  date: isoDate,
  amount: money(AMOUNT.min, AMOUNT.max),
  merchant_name: z.string({ error: 'is required' }).trim().min(1, 'must not be empty').max(500),
  description: opt(z.string().max(1000)),
  category_hint: opt(z.string().max(100)),
  account_id: opt(z.string().trim().min(1).max(100)),
  balance: opt(money(BALANCE.min, BALANCE.max)),
  currency: opt(isoCurrency),
});

export type TransactionInput = z.output<typeof TransactionSchema>;

const isMoney = (v: unknown, r: { min: number; max: number }): v is number =>
  typeof v === 'number' && v >= r.min && v <= r.max && hasAtMostTwoDecimals(v);

/** An optional field as TransactionSchema gives it: `null` is absent, present keys stay present. */
function optional<T>(
  o: Record<string, unknown>,
  key: string,
  out: Record<string, unknown>,
  check: (v: unknown) => T | undefined,
): boolean {
  if (!(key in o)) return true;
  const v = o[key];
  if (v === null || v === undefined) {
    out[key] = undefined;
    return true;
  }
  const ok = check(v);
  if (ok === undefined) return false;
  out[key] = ok;
  return true;
}

const description = (d: unknown) => (typeof d === 'string' && d.length <= 1000 ? d : undefined);
const categoryHint = (c: unknown) => (typeof c === 'string' && c.length <= 100 ? c : undefined);
const accountId = (a: unknown) => {
  const t = typeof a === 'string' ? a.trim() : '';
  return t.length >= 1 && t.length <= 100 ? t : undefined;
};
const balance = (b: unknown) => (isMoney(b, BALANCE) ? b : undefined);

/**
 * The fast path for a transaction with nothing to report: exactly what TransactionSchema outputs for it,
 * or undefined when anything is off (TransactionSchema then says what). It checks the same rules in one
 * pass without zod's per-field machinery, which costs about 2 µs and 3 KB of garbage per transaction —
 * most of the decoding time of a 10,000-transaction request. A property test holds it to the schema.
 */
export function quickTransaction(v: unknown): TransactionInput | undefined {
  if (!isRecord(v) || Array.isArray(v)) return undefined;
  const o = v;
  const { date, amount } = o;
  if (
    typeof date !== 'string' ||
    !isRealIsoDate(date) ||
    !isMoney(amount, AMOUNT) ||
    typeof o.merchant_name !== 'string'
  )
    return undefined;
  const merchant_name = o.merchant_name.trim();
  if (merchant_name.length < 1 || merchant_name.length > 500) return undefined;
  const out: Record<string, unknown> = { date, amount, merchant_name };
  const ok =
    optional(o, 'description', out, description) &&
    optional(o, 'category_hint', out, categoryHint) &&
    optional(o, 'account_id', out, accountId) &&
    optional(o, 'balance', out, balance) &&
    optional(o, 'currency', out, quickIsoCurrency);
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- built field by field to what TransactionSchema outputs; a property test (test/unit/adapters/transactions-fast-path.test.ts) holds it to the schema
  return ok ? (out as TransactionInput) : undefined;
}

/**
 * Each transaction takes the fast path when it can and TransactionSchema otherwise, so the output and
 * every error report are TransactionSchema's (paths `transactions.<i>.<field>` as before).
 */
export const TransactionsSchema = z
  .array(z.unknown(), { error: 'is required and must be an array' })
  .min(1, 'must hold at least 1 transaction')
  .max(MAX_TRANSACTIONS, 'must hold at most 10,000 transactions')
  .transform((items, ctx) => {
    const out = new Array<TransactionInput>(items.length);
    for (let i = 0; i < items.length; i++) {
      const quick = quickTransaction(items[i]);
      if (quick) {
        out[i] = quick;
        continue;
      }
      const r = TransactionSchema.safeParse(items[i]);
      if (r.success) out[i] = r.data;
      else
        for (const issue of r.error.issues)
          // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- the element's own issue moved under its index; zod types a raw issue per code, which a spread of a parsed one cannot be matched to
          ctx.issues.push({
            ...issue,
            path: [i, ...issue.path],
            input: items[i],
          } as (typeof ctx.issues)[number]);
    }
    return out;
  });

export type TransactionsInput = z.output<typeof TransactionsSchema>;

/** Raw transactions onto the model; those that state no currency are in `currency` (the request's). */
export const mapTransactions = (input: TransactionsInput, currency: string): Transaction[] =>
  input.map((t) => fromVeqtrx(t, 'transactions', currency));

export const transactions: MappingSource<TransactionsInput> = {
  id: 'transactions',
  kind: 'mapping',
  schema: TransactionsSchema,
  map: (input) => ({ transactions: mapTransactions(input, DEFAULT_CURRENCY), metadata: {}, warnings: [] }),
};
