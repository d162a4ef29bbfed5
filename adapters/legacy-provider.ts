/**
 * Wire conventions of the legacy affordability provider (its public API page), shared by its two
 * outputs that the gateway maps: labelled transactions and BYOD account uploads.
 *
 * The page gives the fields but not their conventions; these are the choices (docs/sources.md):
 * - **Sign**: a bank-statement amount — negative is money out of the account (a debit), positive is
 *   money in. The one model uses Plaid's sign (positive = out), so the amount is negated.
 * - **Date-time**: ISO 8601 (`2019-08-24T14:15:22Z`). With an offset it is an instant, booked on its
 *   date in the account's time zone (`time_zone`, default Europe/London); without one it is local.
 * - **Currency**: ISO 4217 per transaction (BYOD: else the account's). One assessment is one currency.
 * - **Balance**: the running balance after the transaction, same units, positive = in credit.
 * - **Amounts** are major units with at most two decimals.
 */
import { z } from 'zod';
import { bookingDate } from '../src/model/dates.ts';
import { toMinor } from '../src/model/money.ts';
import { dateTime, money, opt } from './schema.ts';

export const legacyAmount = money(-100_000_000, 100_000_000);

export const LegacyTransactionFields = {
  id: opt(z.string().max(200)),
  datetime: dateTime,
  amount: legacyAmount,
  description: opt(z.string().max(1000)),
  reference: opt(z.string().max(1000)),
  balance: opt(legacyAmount),
};

/** Provider sign (negative = out) → model sign (positive = out), in minor units. */
export const legacyToMinor = (amount: number): number => toMinor(-amount);

export const legacyDate = bookingDate;

/** The booking date of every transaction of a legacy source, with its path (for the date window). */
export function* legacyDates(input: {
  accounts: ReadonlyArray<{ transactions: ReadonlyArray<{ datetime: string }> }>;
  time_zone: string;
}): Iterable<{ path: string; date: string }> {
  for (const [i, account] of input.accounts.entries())
    for (const [j, t] of account.transactions.entries())
      yield {
        path: `accounts[${i}].transactions[${j}].datetime`,
        date: bookingDate(t.datetime, input.time_zone),
      };
}

/** Merchant name and narrative from the provider's two free-text fields. */
export function legacyNarrative(
  description: string | undefined,
  reference: string | undefined,
  fallback: string,
): { merchant_name: string; description?: string } {
  const d = description?.trim();
  const r = reference?.trim();
  if (d) return r && r !== d ? { merchant_name: d, description: r } : { merchant_name: d };
  if (r) return { merchant_name: r };
  return { merchant_name: fallback };
}
