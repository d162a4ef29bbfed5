/**
 * Wire primitives shared by the source adapters' input schemas (zod). Optional fields accept `null` as
 * absent, because many clients and providers serialise an unset field as null.
 */
import { z } from 'zod';
import { isDateTime, isRealIsoDate, isTimeZone } from '../src/model/dates.ts';
import { hasAtMostTwoDecimals, isIsoCurrency } from '../src/model/money.ts';

/** `null` is absent. The input is typed (not `unknown`) so that `z.input` of a schema says what a client may send (src/lib/contract-types.ts). */
export const opt = <T extends z.ZodType>(s: T) =>
  z.preprocess((v: z.input<T> | null | undefined) => (v === null ? undefined : v), s.optional());

/** A major-unit amount with at most two decimals, within [min, max]. */
export const money = (min: number, max: number) =>
  z
    .number({ error: 'must be a number' })
    .finite()
    .min(min, `must be at least ${min.toLocaleString('en-GB')}`)
    .max(max, `must be at most ${max.toLocaleString('en-GB')}`)
    .refine(hasAtMostTwoDecimals, 'must have at most 2 decimal places');

export const isoDate = z
  .string({ error: 'must be a string' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be an ISO 8601 date (YYYY-MM-DD)')
  .refine(isRealIsoDate, 'is not a real calendar date');

export const dateTime = z
  .string({ error: 'must be a string' })
  .refine(
    isDateTime,
    'must be an ISO 8601 date or date-time (e.g. 2026-05-01T09:30:00Z) naming a real day and time',
  );

/** ISO 4217 alphabetic code, any case on the wire, upper case after parsing. */
export const currencyCode = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z]{3}$/, 'must be an ISO 4217 currency code (e.g. GBP)')
  .transform((c) => c.toUpperCase());

/**
 * An ISO 4217 code that exists (Intl's list), any case on the wire, upper case after parsing: the
 * currency the lender states for an assessment or a raw transaction. Provider fields keep the looser
 * `currencyCode`, which takes what the provider sends as it comes.
 */
export const ISO_CURRENCY_MESSAGE = 'must be an ISO 4217 currency code, e.g. GBP, EUR or USD';
export const isoCurrency = z
  .string({ error: `${ISO_CURRENCY_MESSAGE} (a string)` })
  .regex(/^[A-Za-z]{3}$/, ISO_CURRENCY_MESSAGE)
  .transform((c) => c.toUpperCase())
  .refine(isIsoCurrency, ISO_CURRENCY_MESSAGE);

/** The same rule in one step for the raw-transactions fast path: the upper-case code, or undefined. */
export function quickIsoCurrency(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length !== 3 || !/^[A-Za-z]{3}$/.test(v)) return undefined;
  const c = v.toUpperCase();
  return isIsoCurrency(c) ? c : undefined;
}

/** IANA time zone of the account's calendar; by default London time (UK lenders' data). */
export const timeZone = (defaultZone = 'Europe/London') =>
  z.string().refine(isTimeZone, `must be an IANA time zone, e.g. ${defaultZone}`).default(defaultZone);

/** An opaque identifier or key: printable ASCII, no spaces (Idempotency-Key, provider account tokens). */
export const PRINTABLE = /^[\x21-\x7E]+$/;
export const printableToken = (max: number) =>
  z.string().min(1).max(max).regex(PRINTABLE, 'must be printable ASCII without spaces');

/** The most transactions one assessment takes, whatever the source (the Veqtrx limit). */
export const MAX_TRANSACTIONS = 10_000;

/** For sources whose transactions sit in accounts: at least one transaction, at most 10,000 in all. */
export function checkAccountTransactions(
  accounts: ReadonlyArray<{ transactions: readonly unknown[] }>,
  ctx: z.RefinementCtx,
): void {
  const n = accounts.reduce((k, a) => k + a.transactions.length, 0);
  if (n === 0) ctx.addIssue({ code: 'custom', path: ['accounts'], message: 'hold no transactions' });
  if (n > MAX_TRANSACTIONS)
    ctx.addIssue({
      code: 'custom',
      path: ['accounts'],
      message: `hold ${n} transactions; at most 10,000 in one assessment`,
    });
}

/** The fields of a source whose transactions sit in accounts (the legacy provider's two outputs). */
export const accountsSource = <T extends string, A extends z.ZodType>(type: T, account: A) => ({
  type: z.literal(type),
  accounts: z.array(account).min(1, 'must hold at least 1 account').max(50),
  time_zone: timeZone(),
});
