/**
 * Calendar dates: day numbers (days since 1970-01-01) and civil dates without Date allocations — the
 * engine's day arithmetic (engine/calendar.ts adds working days and bank holidays) — checking that a
 * `YYYY-MM-DD` date exists, and turning a provider's date-time into the booking date in the account's
 * calendar (adapters and request validation, which must not import the engine, use these too).
 */

const MS_PER_DAY = 86_400_000;

/** Day number (days since 1970-01-01) of an ISO `YYYY-MM-DD` date; NaN when it is not a real date. */
export function dayNumber(iso: string): number {
  if (iso.length !== 10 || iso[4] !== '-' || iso[7] !== '-') return NaN;
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d) || m < 1 || m > 12 || d < 1)
    return NaN;
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
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

export function daysInMonth(y: number, m: number): number {
  // NaN for a month outside 1–12: every comparison with it is false, so no day is in such a month.
  return m === 2 && isLeap(y) ? 29 : (MONTH_DAYS[m - 1] ?? NaN);
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

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a `YYYY-MM-DD` string naming a day that exists (no 30 February). */
export function isRealIsoDate(s: string): boolean {
  return ISO_DATE.test(s) && !Number.isNaN(dayNumber(s));
}

/**
 * A provider date-time: a date, or a date and time with an optional offset (`Z`, `+02:00`, `+0200`).
 * Seconds and fractions are optional; `T` or a space separates date and time.
 */
export const DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

export function isDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  const date = m?.[1];
  if (!m || date === undefined || !isRealIsoDate(date)) return false;
  if (m[2] !== undefined && (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59)) return false;
  return true;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Whether `zone` is an IANA time zone this runtime knows (e.g. `Europe/London`). */
export function isTimeZone(zone: string): boolean {
  try {
    zoneFormatter(zone);
    return true;
  } catch {
    return false;
  }
}

function zoneFormatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/**
 * The booking date of a provider date-time in the account's time zone:
 * - a bare date is that date;
 * - a date-time with an offset (`Z`, `+02:00`) is an instant, shown as a date in `zone` — so
 *   `2026-03-31T23:30:00Z` is 1 April in London in summer time and 31 March in winter;
 * - a date-time without an offset is already local: its date part.
 * The caller has checked the string with `isDateTime`.
 */
export function bookingDate(dateTime: string, zone: string): string {
  const instant = instantOf(dateTime);
  return instant === undefined ? dateTime.slice(0, 10) : zoneFormatter(zone).format(instant);
}

/**
 * The instant of a provider date-time that has an offset (`Z`, `+02:00`, `+0200`), in epoch ms;
 * `undefined` for a bare date or a local date-time (no offset), whose date part is its booking date.
 * The caller has checked the string with `isDateTime`.
 */
export function instantOf(dateTime: string): number | undefined {
  const m = DATE_TIME.exec(dateTime);
  if (!m) throw new TypeError('instantOf: not a date-time (the caller checks with isDateTime)');
  if (m[5] === undefined) return undefined;
  const offset =
    m[5].toUpperCase() === 'Z' ? 'Z' : m[5].length === 5 ? `${m[5].slice(0, 3)}:${m[5].slice(3)}` : m[5];
  return Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}${offset}`);
}

/**
 * The accepted window of transaction dates for an assessment made at `now`: from the same calendar day
 * 24 months before (UTC date of `now`; 29 February falls back to the 28th) to the day after (UTC), both
 * inclusive. A date outside it is refused with a 400 naming it, whatever the source (one shared check:
 * `outsideDateWindow`); inside it, a date after the assessment's own day (UK time) is still left out of
 * the figures as `future_dated`, the day of slack being for time zones.
 */
export const DATE_WINDOW_MONTHS = 24;

export interface DateWindow {
  /** First accepted date, `YYYY-MM-DD`. */
  first: string;
  /** Last accepted date, `YYYY-MM-DD`. */
  last: string;
  /** The UTC date of `now`: a request needs at least one transaction on or before it. */
  today: string;
}

export function dateWindow(now: Date): DateWindow {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + 1;
  const d = now.getUTCDate();
  const today = fromYmd(y, m, d);
  const back = y * 12 + (m - 1) - DATE_WINDOW_MONTHS;
  const by = Math.floor(back / 12);
  const bm = (back % 12) + 1;
  return {
    first: isoDate(fromYmd(by, bm, Math.min(d, daysInMonth(by, bm)))),
    last: isoDate(today + 1),
    today: isoDate(today),
  };
}

/** Why `date` (`YYYY-MM-DD`) is outside `w`, in words for a 400, or undefined when it is inside. */
export function outsideDateWindow(date: string, w: DateWindow): string | undefined {
  if (date >= w.first && date <= w.last) return undefined;
  return `is ${date}, outside the accepted window ${w.first} to ${w.last} (the ${DATE_WINDOW_MONTHS} months before the assessment to the day after it)`;
}
