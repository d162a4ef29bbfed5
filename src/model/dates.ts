/**
 * Calendar dates at the edge: checking that a `YYYY-MM-DD` date exists, and turning a provider's
 * date-time into the booking date in the account's calendar. (The engine has its own day arithmetic;
 * this module is for adapters and request validation, which must not import the engine.)
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a `YYYY-MM-DD` string naming a day that exists (no 30 February). */
export function isRealIsoDate(s: string): boolean {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/**
 * A provider date-time: a date, or a date and time with an optional offset (`Z`, `+02:00`, `+0200`).
 * Seconds and fractions are optional; `T` or a space separates date and time.
 */
export const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

export function isDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  if (!m || !isRealIsoDate(m[1]!)) return false;
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
    f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
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
  const m = DATE_TIME.exec(dateTime)!;
  if (m[5] === undefined) return m[1]!;
  const offset = m[5].toUpperCase() === 'Z' ? 'Z' : m[5].length === 5 ? `${m[5].slice(0, 3)}:${m[5].slice(3)}` : m[5];
  const instant = new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}${offset}`);
  return zoneFormatter(zone).format(instant);
}
