/**
 * Recurrence: does a series of payment days follow a weekly, fortnightly, four-weekly or monthly
 * schedule, allowing for pay-day drift (the working-day shift around weekends and bank holidays, plus
 * a small tolerance) and for the odd missed payment?
 */
import { driftFrom, daysInMonth, DAYS_PER_MONTH, fromYmd, ymd } from './calendar.ts';

export type Cadence = 'weekly' | 'fortnightly' | 'four_weekly' | 'monthly';

/** Payments per month for each cadence: 52/12, 26/12, 13/12, 1. */
export const PER_MONTH: Record<Cadence, number> = { weekly: 52 / 12, fortnightly: 26 / 12, four_weekly: 13 / 12, monthly: 1 };
export const PERIOD_DAYS: Record<Cadence, number> = { weekly: 7, fortnightly: 14, four_weekly: 28, monthly: DAYS_PER_MONTH };

/** Days a payment may sit from its (working-day adjusted) nominal date. */
export const DRIFT_TOLERANCE: Record<Cadence, number> = { weekly: 1, fortnightly: 2, four_weekly: 2, monthly: 2 };

export interface CadenceFit {
  cadence: Cadence;
  /** Schedule slots covered from first to last payment (payments + missed). */
  slots: number;
  /** Slots with no payment. */
  missed: number;
  /** Largest distance of a payment from its slot's nominal date, in days. */
  max_drift: number;
}

interface Candidate { slots: number; missed: number; maxDrift: number }

/** Accepts a fit when missed slots are at most max(1, 20% of payments). */
function acceptable(n: number, c: Candidate | undefined): c is Candidate {
  return !!c && c.missed <= Math.max(1, Math.floor(0.2 * n));
}

function fitPeriod(days: readonly number[], period: number, tol: number): Candidate | undefined {
  let best: Candidate | undefined;
  for (const anchor of days) {
    let maxDrift = 0;
    let lo = Infinity, hi = -Infinity;
    const seen = new Set<number>();
    let ok = true;
    for (const d of days) {
      const k = Math.round((d - anchor) / period);
      if (seen.has(k)) { ok = false; break; }
      seen.add(k);
      const drift = driftFrom(anchor + k * period, d);
      if (drift > tol) { ok = false; break; }
      if (drift > maxDrift) maxDrift = drift;
      if (k < lo) lo = k;
      if (k > hi) hi = k;
    }
    if (!ok) continue;
    const slots = hi - lo + 1;
    const c = { slots, missed: slots - days.length, maxDrift };
    if (!best || c.missed < best.missed || (c.missed === best.missed && c.maxDrift < best.maxDrift)) best = c;
  }
  return best;
}

function fitMonthly(days: readonly number[], tol: number): Candidate | undefined {
  const nominalDays = new Set<number>([31]);
  for (const d of days) nominalDays.add(ymd(d).d);
  let best: Candidate | undefined;
  for (const D of nominalDays) {
    let maxDrift = 0;
    let lo = Infinity, hi = -Infinity;
    const seen = new Set<number>();
    let ok = true;
    for (const d of days) {
      const { y, m } = ymd(d);
      // The slot may be this month's, or a neighbour's (a payment due on the 1st paid on the 30th).
      let bestDrift = Infinity, bestK = 0;
      for (const dm of [-1, 0, 1]) {
        const mm = ((m - 1 + dm + 12) % 12) + 1;
        const yy = y + Math.floor((m - 1 + dm) / 12);
        const nominal = fromYmd(yy, mm, Math.min(D, daysInMonth(yy, mm)));
        const drift = driftFrom(nominal, d);
        if (drift < bestDrift) { bestDrift = drift; bestK = yy * 12 + mm; }
      }
      if (bestDrift > tol || seen.has(bestK)) { ok = false; break; }
      seen.add(bestK);
      if (bestDrift > maxDrift) maxDrift = bestDrift;
      if (bestK < lo) lo = bestK;
      if (bestK > hi) hi = bestK;
    }
    if (!ok) continue;
    const slots = hi - lo + 1;
    const c = { slots, missed: slots - days.length, maxDrift };
    if (!best || c.missed < best.missed || (c.missed === best.missed && c.maxDrift < best.maxDrift)) best = c;
  }
  return best;
}

/**
 * Fits a schedule to payment days (any order; same-day payments count once). Needs at least two
 * distinct days. Among schedules that fit, the one with fewest missed slots wins, then the longer period.
 */
export function detectCadence(paymentDays: readonly number[]): CadenceFit | undefined {
  const days = [...new Set(paymentDays)].sort((a, b) => a - b);
  if (days.length < 2) return undefined;
  const fits: Array<[Cadence, Candidate | undefined]> = [
    ['monthly', fitMonthly(days, DRIFT_TOLERANCE.monthly)],
    ['four_weekly', fitPeriod(days, 28, DRIFT_TOLERANCE.four_weekly)],
    ['fortnightly', fitPeriod(days, 14, DRIFT_TOLERANCE.fortnightly)],
    ['weekly', fitPeriod(days, 7, DRIFT_TOLERANCE.weekly)],
  ];
  let best: [Cadence, Candidate] | undefined;
  for (const [cadence, c] of fits) {
    if (!acceptable(days.length, c)) continue;
    if (!best || c.missed < best[1].missed) best = [cadence, c];
  }
  return best ? { cadence: best[0], slots: best[1].slots, missed: best[1].missed, max_drift: best[1].maxDrift } : undefined;
}
