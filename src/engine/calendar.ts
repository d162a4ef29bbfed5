/**
 * Calendar arithmetic on whole days, and the bank holidays of England and Wales (the calendar UK payroll
 * and BACS run on), computed rather than listed so that any year works. Pay-day drift — a salary due on
 * a Saturday or a bank holiday paid on the working day before — is judged against this calendar.
 */

// Day numbers and civil dates are the model's (adapters and request validation use them too).
import { dayNumber, daysInMonth, fromYmd, isoDate, ymd } from '../model/dates.ts';

export { dayNumber, daysInMonth, fromYmd, isoDate, ymd };

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** Months are counted in this many days (365.25 / 12), so a 6-month span reads as 6.0. */
export const DAYS_PER_MONTH = 30.4375;

/** Easter Sunday (Gregorian), by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
function easterSunday(y: number): number {
  const a = y % 19,
    b = Math.floor(y / 100),
    c = y % 100,
    d = Math.floor(b / 4),
    e = b % 4;
  const f = Math.floor((b + 8) / 25),
    g = Math.floor((b - f + 1) / 3),
    h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4),
    k = c % 4,
    l = (32 + 2 * e + 2 * i - h - k) % 7,
    m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31),
    day = ((h + l - 7 * m + 114) % 31) + 1;
  return fromYmd(y, month, day);
}

function firstMonday(y: number, m: number): number {
  const first = fromYmd(y, m, 1);
  return first + ((8 - weekday(first)) % 7);
}

function lastMonday(y: number, m: number): number {
  const last = fromYmd(y, m, daysInMonth(y, m));
  return last - ((weekday(last) + 6) % 7);
}

/** Substitute day: a holiday on a weekend moves to the next weekday not already a holiday. */
function substitute(day: number, taken: Set<number>): number {
  let d = day;
  while (weekday(d) === 0 || weekday(d) === 6 || taken.has(d)) d++;
  return d;
}

const holidayCache = new Map<number, ReadonlySet<number>>();

/** Bank holidays of England and Wales for a year (one-off royal holidays are not included). */
export function bankHolidays(y: number): ReadonlySet<number> {
  const cached = holidayCache.get(y);
  if (cached) return cached;
  const set = new Set<number>();
  set.add(substitute(fromYmd(y, 1, 1), set));
  const easter = easterSunday(y);
  set.add(easter - 2); // Good Friday
  set.add(easter + 1); // Easter Monday
  set.add(firstMonday(y, 5));
  set.add(lastMonday(y, 5));
  set.add(lastMonday(y, 8));
  const christmas = substitute(fromYmd(y, 12, 25), set);
  set.add(christmas);
  set.add(substitute(Math.max(fromYmd(y, 12, 26), christmas + 1), set));
  holidayCache.set(y, set);
  return set;
}

const workingDayCache = new Map<number, boolean>();

export function isWorkingDay(day: number): boolean {
  const w = weekday(day);
  if (w === 0 || w === 6) return false;
  let working = workingDayCache.get(day);
  if (working === undefined) {
    if (workingDayCache.size > 50_000) workingDayCache.clear(); // a bounded memo, not a store
    working = !bankHolidays(ymd(day).y).has(day);
    workingDayCache.set(day, working);
  }
  return working;
}

export function previousWorkingDay(day: number): number {
  let d = day;
  while (!isWorkingDay(d)) d--;
  return d;
}

export function nextWorkingDay(day: number): number {
  let d = day;
  while (!isWorkingDay(d)) d++;
  return d;
}

/** Distance in days from `actual` to a nominal pay date, allowing for the working-day shift either way. */
export function driftFrom(nominal: number, actual: number): number {
  return Math.min(
    Math.abs(actual - nominal),
    Math.abs(actual - previousWorkingDay(nominal)),
    Math.abs(actual - nextWorkingDay(nominal)),
  );
}
