/**
 * Recurrence: does a series of payment days follow a schedule — weekly, fortnightly, four-weekly,
 * semi-monthly (two fixed days a month, such as the 15th and the last working day), monthly or
 * quarterly — allowing for pay-day drift (the working-day shift around weekends and bank holidays,
 * plus a small tolerance) and for the odd missed payment?
 *
 * A schedule is a list of nominal dates. Each payment is matched to the nominal date it lies closest
 * to (after the working-day shift); a fit needs every payment within the tolerance of its own slot and
 * no two payments in one slot. Nothing depends on the weekday the history starts on: schedules are
 * anchored on the payments themselves (periodic ones) or on the calendar (monthly ones), never on the
 * first day of the window.
 */
import { at } from '../lib/narrow.ts';
import { driftFrom, daysInMonth, DAYS_PER_MONTH, fromYmd, weekday, ymd } from './calendar.ts';

export type Cadence = 'weekly' | 'fortnightly' | 'four_weekly' | 'semi_monthly' | 'monthly' | 'quarterly';

/** Payments per month for each cadence: 52/12, 26/12, 13/12, 2, 1, 1/3. */
export const PER_MONTH: Record<Cadence, number> = {
  weekly: 52 / 12,
  fortnightly: 26 / 12,
  four_weekly: 13 / 12,
  semi_monthly: 2,
  monthly: 1,
  quarterly: 1 / 3,
};
export const PERIOD_DAYS: Record<Cadence, number> = {
  weekly: 7,
  fortnightly: 14,
  four_weekly: 28,
  semi_monthly: DAYS_PER_MONTH / 2,
  monthly: DAYS_PER_MONTH,
  quarterly: 3 * DAYS_PER_MONTH,
};

/** Days a payment may sit from its (working-day adjusted) nominal date. */
export const DRIFT_TOLERANCE: Record<Cadence, number> = {
  weekly: 1,
  fortnightly: 2,
  four_weekly: 2,
  semi_monthly: 2,
  monthly: 2,
  quarterly: 3,
};

export interface CadenceFit {
  cadence: Cadence;
  /** Schedule slots covered from first to last payment (payments + missed). */
  slots: number;
  /** Slots with no payment. */
  missed: number;
  /** Largest distance of a payment from its slot's nominal date, in days. */
  max_drift: number;
}

interface Candidate {
  slots: number;
  missed: number;
  maxDrift: number;
  outliers: number;
}

/**
 * Accepts a fit when missed slots are at most 20% of payments, and one missed slot in four or more
 * payments: three payments with a gap are no evidence of a schedule.
 */
function acceptable(n: number, c: Candidate | undefined): c is Candidate {
  return !!c && c.missed <= Math.max(n >= 4 ? 1 : 0, Math.floor(0.2 * n));
}

/**
 * Payments allowed further from their slot (up to the tolerance + OUTLIER_EXTRA_DAYS): one in four
 * (rounded), and one in any three or more. Easter and the May bank holidays move a payday three or four days;
 * read against another year's calendar (or shifted by a few days) those moves are no longer excused by
 * the holidays, and the schedule must still fit. A run of drifting dates does not.
 */
const OUTLIER_EXTRA_DAYS = 2;
const outliersAllowed = (n: number) => (n >= 3 ? Math.max(1, Math.round(n / 4)) : 0);

const better = (c: Candidate, best: Candidate | undefined) =>
  !best ||
  c.missed < best.missed ||
  (c.missed === best.missed &&
    (c.outliers < best.outliers || (c.outliers === best.outliers && c.maxDrift < best.maxDrift)));

/** Every `period` days from one of the payments. */
function fitPeriod(days: readonly number[], period: number, tol: number): Candidate | undefined {
  let best: Candidate | undefined;
  for (const anchor of days) {
    let maxDrift = 0;
    let lo = Infinity,
      hi = -Infinity;
    const seen = new Set<number>();
    let ok = true;
    let outliers = outliersAllowed(days.length);
    for (const d of days) {
      const k = Math.round((d - anchor) / period);
      if (seen.has(k)) {
        ok = false;
        break;
      }
      seen.add(k);
      const drift = driftFrom(anchor + k * period, d);
      if (drift > tol && (drift > tol + OUTLIER_EXTRA_DAYS || outliers-- <= 0)) {
        ok = false;
        break;
      }
      if (drift > maxDrift) maxDrift = drift;
      if (k < lo) lo = k;
      if (k > hi) hi = k;
    }
    if (!ok) continue;
    const slots = hi - lo + 1;
    const c = {
      slots,
      missed: slots - days.length,
      maxDrift,
      outliers: outliersAllowed(days.length) - Math.max(0, outliers),
    };
    if (better(c, best)) best = c;
  }
  return best;
}

/**
 * Matches sorted payment days to a sorted list of nominal dates: each payment to the nominal date
 * with the least drift among its neighbours; every payment within `tol` (but the few outliers allowed),
 * and no two in one slot.
 */
function fitNominals(
  days: readonly number[],
  nominals: readonly number[],
  tol: number,
): Candidate | undefined {
  let j = 0,
    prev = -1,
    first = -1,
    maxDrift = 0;
  let outliers = outliersAllowed(days.length);
  for (const d of days) {
    // (past the end reads as Infinity: the loop stops there, as the length check says)
    while ((nominals[j + 1] ?? Infinity) <= d) j++;
    let bestIdx = -1,
      bestNominal = NaN,
      bestDrift = Infinity;
    for (let i = Math.max(0, j - 1); i <= Math.min(nominals.length - 1, j + 2); i++) {
      const n = nominals[i] ?? NaN; // i is within the bounds of the loop
      const drift = driftFrom(n, d);
      if (drift < bestDrift || (drift === bestDrift && Math.abs(n - d) < Math.abs(bestNominal - d))) {
        bestDrift = drift;
        bestIdx = i;
        bestNominal = n;
      }
    }
    if (bestIdx <= prev) return undefined;
    if (bestDrift > tol && (bestDrift > tol + OUTLIER_EXTRA_DAYS || outliers-- <= 0)) return undefined;
    if (first < 0) first = bestIdx;
    prev = bestIdx;
    if (bestDrift > maxDrift) maxDrift = bestDrift;
  }
  const slots = prev - first + 1;
  return {
    slots,
    missed: slots - days.length,
    maxDrift,
    outliers: outliersAllowed(days.length) - Math.max(0, outliers),
  };
}

/** Months (as y*12 + m-1) from two before the first payment to two after the last. */
function monthRange(days: readonly number[]): number[] {
  const a = ymd(at(days, 0, 'payment day')),
    b = ymd(at(days, days.length - 1, 'payment day'));
  const out: number[] = [];
  for (let s = a.y * 12 + a.m - 1 - 2; s <= b.y * 12 + b.m - 1 + 2; s++) out.push(s);
  return out;
}

/** The nominal date of day-of-month `dom` in month serial `s` (31 = the month's last day). */
function nominal(s: number, dom: number): number {
  const y = Math.floor(s / 12),
    m = (s % 12) + 1;
  return fromYmd(y, m, Math.min(dom, daysInMonth(y, m)));
}

/** Candidate days of the month: those the payments fall on, and 31 (the month end). */
function dayOfMonthCandidates(days: readonly number[]): number[] {
  return [...new Set([...days.map((d) => ymd(d).d), 31])].sort((a, b) => a - b);
}

/** The last given weekday (0 = Sunday) of month serial `s`: "the last Friday of the month". */
function lastWeekdayOf(s: number, w: number): number {
  const end = nominal(s, 31);
  return end - ((weekday(end) - w + 7) % 7);
}

/** A fixed day of the month (the 25th, the month end), or the last given weekday of the month. */
function fitMonthly(days: readonly number[], tol: number): Candidate | undefined {
  const months = monthRange(days);
  let best: Candidate | undefined;
  for (const D of dayOfMonthCandidates(days)) {
    const c = fitNominals(
      days,
      months.map((s) => nominal(s, D)),
      tol,
    );
    if (c && better(c, best)) best = c;
  }
  for (const w of new Set(days.map(weekday))) {
    const c = fitNominals(
      days,
      months.map((s) => lastWeekdayOf(s, w)),
      tol,
    );
    if (c && better(c, best)) best = c;
  }
  return best;
}

/** Two fixed days a month, 10 to 20 days apart: the 15th and the month end, the 1st and the 16th … */
function fitSemiMonthly(days: readonly number[], tol: number): Candidate | undefined {
  if (days.length < 3) return undefined;
  const months = monthRange(days);
  const doms = dayOfMonthCandidates(days);
  let best: Candidate | undefined;
  for (const D1 of doms) {
    for (const D2 of doms) {
      const gap = Math.min(D2, 30) - D1;
      if (gap < 10 || gap > 20) continue;
      const nominals: number[] = [];
      for (const s of months) nominals.push(nominal(s, D1), nominal(s, D2));
      const c = fitNominals(days, nominals, tol);
      if (c && better(c, best)) best = c;
    }
  }
  return best;
}

function fitQuarterly(days: readonly number[], tol: number): Candidate | undefined {
  const months = monthRange(days);
  let best: Candidate | undefined;
  for (let phase = 0; phase < 3; phase++) {
    const quarterMonths = months.filter((s) => s % 3 === phase);
    for (const D of dayOfMonthCandidates(days)) {
      const c = fitNominals(
        days,
        quarterMonths.map((s) => nominal(s, D)),
        tol,
      );
      if (c && better(c, best)) best = c;
    }
  }
  return best;
}

export interface CadenceOptions {
  /**
   * Fewest payments a schedule is read from (default 2). A quarterly schedule may always be read from
   * two payments: a six-month window holds only two.
   */
  minPayments?: number;
}

/**
 * Fits a schedule to payment days (any order; same-day payments count once). Among schedules that fit,
 * the one with fewest missed slots wins, then the one with fewest outliers, then the longer period.
 */
export function detectCadence(
  paymentDays: readonly number[],
  options: CadenceOptions = {},
): CadenceFit | undefined {
  const days = [...new Set(paymentDays)].sort((a, b) => a - b);
  if (days.length < 2) return undefined;
  const enough = days.length >= Math.max(2, options.minPayments ?? 2);
  // Longest period first: on a tie in missed slots, the longer period wins.
  const fits: Array<[Cadence, () => Candidate | undefined]> = [
    ['quarterly', () => fitQuarterly(days, DRIFT_TOLERANCE.quarterly)],
    ['monthly', () => (enough ? fitMonthly(days, DRIFT_TOLERANCE.monthly) : undefined)],
    ['four_weekly', () => (enough ? fitPeriod(days, 28, DRIFT_TOLERANCE.four_weekly) : undefined)],
    ['semi_monthly', () => (enough ? fitSemiMonthly(days, DRIFT_TOLERANCE.semi_monthly) : undefined)],
    ['fortnightly', () => (enough ? fitPeriod(days, 14, DRIFT_TOLERANCE.fortnightly) : undefined)],
    ['weekly', () => (enough ? fitPeriod(days, 7, DRIFT_TOLERANCE.weekly) : undefined)],
  ];
  let best: [Cadence, Candidate] | undefined;
  for (const [cadence, fit] of fits) {
    if (best && best[1].missed === 0 && best[1].outliers === 0) break;
    const c = fit();
    if (!acceptable(days.length, c)) continue;
    if (!best || c.missed < best[1].missed || (c.missed === best[1].missed && c.outliers < best[1].outliers))
      best = [cadence, c];
  }
  return best
    ? { cadence: best[0], slots: best[1].slots, missed: best[1].missed, max_drift: best[1].maxDrift }
    : undefined;
}
