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
