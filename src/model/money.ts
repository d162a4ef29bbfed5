/**
 * Money is integer minor units (pence) inside the gateway; numbers with at most two decimals at the
 * API edge. These helpers are the only place where the two meet.
 */

/** Converts a major-unit amount (e.g. 12.34) to integer minor units (1234). */
export function toMinor(major: number): number {
  if (!Number.isFinite(major)) throw new RangeError('amount must be a finite number');
  // x * 100 is within one ulp of an integer for any value with <= 2 decimals, so rounding is exact.
  const minor = Math.round(major * 100);
  return minor === 0 ? 0 : minor; // no negative zero
}

/** Converts integer minor units to a major-unit number with at most two decimals. */
export function toMajor(minor: number): number {
  const rounded = Math.round(minor);
  return rounded === 0 ? 0 : rounded / 100;
}

/** True when `major` has no more than two decimal places (tolerating binary representation). */
export function hasAtMostTwoDecimals(major: number): boolean {
  return Number.isFinite(major) && Math.abs(major * 100 - Math.round(major * 100)) < 1e-6;
}

/** The currency of an assessment when the request does not say (the Veqtrx contract is GBP). */
export const DEFAULT_CURRENCY = 'GBP';

/**
 * The ISO 4217 codes this runtime knows (ICU's list: current currencies, not funds or test codes).
 * A request's `currency` must be one of them: a well-formed but unknown code ("GBX", "ABC") is a typo
 * that would otherwise be assessed and printed as if it were money.
 */
const ISO_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** True for an upper-case ISO 4217 code in the runtime's list (`GBP`, `EUR`; not `gbp`, `XXX`). */
export function isIsoCurrency(code: string): boolean {
  return ISO_CURRENCIES.has(code);
}

const formats = new Map<string, Intl.NumberFormat>();

/** Writes an amount in minor units as text in one currency (the engine's basis texts take one). */
export type Money = (minor: number) => string;

/**
 * Minor units as money for people to read, with the currency's symbol as a UK reader expects it:
 * `£1,234.50`, `-£12.00`, `€80.00`, `US$15.99`, `ZAR 1,234.50`. Always two decimals, whatever the
 * currency's own minor unit: amounts inside the gateway are hundredths of the major unit for every
 * currency (toMinor), so ¥ or BHD amounts keep the precision they were received with.
 */
export function formatMoney(minor: number, currency: string): string {
  let f = formats.get(currency);
  if (!f) {
    f = new Intl.NumberFormat('en-GB', {
      style: 'currency',
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    });
    formats.set(currency, f);
  }
  return f.format(toMajor(minor));
}
