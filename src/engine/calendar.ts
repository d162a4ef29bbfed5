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
  return fromYmd(y, m, d);
}

export function isoDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Civil date of a day number (Howard Hinnant's days-to-civil algorithm; no Date allocation). */
export function ymd(day: number): { y: number; m: number; d: number } {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export function daysInMonth(y: number, m: number): number {
  return m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1]!;
}

/** Day number of a civil date (Hinnant's days-from-civil). */
export function fromYmd(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
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
