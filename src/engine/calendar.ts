/**
 * Calendar arithmetic on whole days, and the bank holidays of England and Wales (the calendar UK payroll
 * and BACS run on), computed rather than listed so that any year works. Pay-day drift — a salary due on
 * a Saturday or a bank holiday paid on the working day before — is judged against this calendar.
 */

const MS_PER_DAY = 86_400_000;

/** Day number (days since 1970-01-01) of an ISO `YYYY-MM-DD` date; NaN when it is not a real date. */
export function dayNumber(iso: string): number {
  if (iso.length !== 10 || iso[4] !== '-' || iso[7] !== '-') return NaN;
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || m < 1 || m > 12 || d < 1) return NaN;
  if (d > daysInMonth(y, m)) return NaN;
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

export function isoDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function ymd(day: number): { y: number; m: number; d: number } {
  const dt = new Date(day * MS_PER_DAY);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function fromYmd(y: number, m: number, d: number): number {
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

/** Months are counted in this many days (365.25 / 12), so a 6-month span reads as 6.0. */
export const DAYS_PER_MONTH = 30.4375;

/** Easter Sunday (Gregorian), by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
function easterSunday(y: number): number {
  const a = y % 19, b = Math.floor(y / 100), c = y % 100, d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31), day = ((h + l - 7 * m + 114) % 31) + 1;
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

export function isWorkingDay(day: number): boolean {
  const w = weekday(day);
  if (w === 0 || w === 6) return false;
  return !bankHolidays(ymd(day).y).has(day);
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
