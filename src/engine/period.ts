/** The span of the data, and how monthly averages are taken over it. */
import { DAYS_PER_MONTH, daysInMonth, fromYmd, isoDate, ymd } from './calendar.ts';
import { round1 } from './stats.ts';

export interface Period {
  first: number;
  last: number;
  days: number;
  monthsExact: number;
  monthsAnalyzed: number;
  /** Divisor for monthly averages: the exact months, never less than one (a short history is not scaled up). */
  averagingMonths: number;
  /** Calendar months wholly inside the span, as `y*12+m`. */
  completeMonths: number[];
}

export function periodOf(days: readonly number[]): Period | undefined {
  if (days.length === 0) return undefined;
  let first = Infinity,
    last = -Infinity;
  for (const d of days) {
    if (d < first) first = d;
    if (d > last) last = d;
  }
  const span = last - first + 1;
  const monthsExact = span / DAYS_PER_MONTH;
  const complete: number[] = [];
  const a = ymd(first);
  for (let y = a.y, m = a.m; ;) {
    const start = fromYmd(y, m, 1),
      end = fromYmd(y, m, daysInMonth(y, m));
    if (start > last) break;
    if (start >= first && end <= last) complete.push(y * 12 + m);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
  return {
    first,
    last,
    days: span,
    monthsExact,
    monthsAnalyzed: round1(monthsExact),
    averagingMonths: Math.max(1, monthsExact),
    completeMonths: complete,
  };
}

export function monthIndex(day: number): number {
  const { y, m } = ymd(day);
  return y * 12 + m;
}

/** How many calendar months the rows fall in. */
export function monthsWith(rows: readonly { day: number }[]): number {
  return new Set(rows.map((r) => monthIndex(r.day))).size;
}

export { isoDate };
