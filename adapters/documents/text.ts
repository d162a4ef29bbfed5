/**
 * Geometry and tokens: text items become words (with estimated positions when a PDF draws a whole line
 * as one item), words become lines (same page, same baseline), and strings become money and dates as UK
 * statements print them. Nothing here knows about a bank.
 */
import { at, present } from '../../src/lib/narrow.ts';
import { daysInMonth, isoDate, fromYmd, dayNumber } from '../../src/model/dates.ts';
import type { PageText, TextItem } from './pdf.ts';

export interface Word {
  s: string;
  x0: number;
  x1: number;
  y: number;
  size: number;
  font: string;
  page: number;
}

export interface Line {
  page: number;
  y: number;
  size: number;
  words: Word[];
  text: string;
}

/**
 * Splits an item at runs of spaces into words. A PDF that draws "01 May  CARD PAYMENT" as one item gives
 * no position per word: each word's x is estimated in proportion to its characters (close for the fonts
 * statements use; only which column a word falls in depends on it).
 */
function itemWords(it: TextItem, page: number): Word[] {
  const out: Word[] = [];
  const n = it.str.length;
  const per = n ? it.width / n : 0;
  for (const m of it.str.matchAll(/\S+/g)) {
    const i = m.index ?? 0;
    out.push({
      s: m[0],
      x0: it.x + i * per,
      x1: it.x + (i + m[0].length) * per,
      y: it.y,
      size: it.size,
      font: it.font,
      page,
    });
  }
  return out;
}

/** Words on one page grouped into lines by baseline (within a third of the font size), left to right. */
export function pageLines(p: PageText): Line[] {
  const words = p.items.flatMap((it) => itemWords(it, p.number)).sort((a, b) => a.y - b.y || a.x0 - b.x0);
  const lines: Line[] = [];
  let cur: Word[] = [];
  let y = -Infinity;
  let size = 0;
  const flush = () => {
    if (!cur.length) return;
    cur.sort((a, b) => a.x0 - b.x0);
    // Glyph-by-glyph items: join words that touch (gap under a fifth of the font size).
    const merged: Word[] = [];
    for (const w of cur) {
      const last = merged[merged.length - 1];
      const gap = last ? w.x0 - last.x1 : Infinity;
      // Touching, not overlapping: text drawn over other text stays two words (tamper.ts looks for it).
      // (Kerning can make touching glyphs overlap a little: up to a quarter of the font size, and
      // only when the new glyph starts past the middle of the previous word.)
      if (
        last &&
        gap > -0.25 * w.size &&
        gap < 0.15 * w.size &&
        w.x0 > (last.x0 + last.x1) / 2 &&
        last.font === w.font
      ) {
        merged[merged.length - 1] = { ...last, s: last.s + w.s, x1: Math.max(last.x1, w.x1) };
      } else merged.push(w);
    }
    const ys = merged.map((w) => w.y).sort((a, b) => a - b);
    lines.push({
      page: p.number,
      y: at(ys, Math.floor(ys.length / 2)),
      size: Math.max(...merged.map((w) => w.size)),
      words: merged,
      text: merged.map((w) => w.s).join(' '),
    });
    cur = [];
  };
  for (const w of words) {
    if (cur.length && Math.abs(w.y - y) > Math.max(1, 0.35 * Math.min(size, w.size))) flush();
    if (!cur.length) {
      y = w.y;
      size = w.size;
    }
    cur.push(w);
  }
  flush();
  return lines;
}

/** Lower case, without the currency sign, brackets and punctuation that headers and labels decorate with. */
export const norm = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[£€$():*]/g, ' ')
    .replace(/\bgbp\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

// ---------------------------------------------------------------------------------------------------
// Money

/** An amount as statements print it: `1,234.56`, `£1,234.56`, `-12.00`, `(12.00)`, `12.00-`, `12.00 CR`, `12.00DR`, `12.00 OD`. */
const MONEY =
  /^(?<lead>[-−–+])?\s*(?<open>\()?\s*(?<lead2>[-−–])?\s*£?\s*(?<lead3>[-−–])?(?<int>\d{1,3}(?:,\d{3})+|\d+)\.(?<dec>\d{2})\s*(?<close>\))?\s*(?<trail>[-−–])?\s*(?<mark>CR|DR|C|D|OD|CREDIT|DEBIT)?\.?$/i;

export interface Money {
  /** Absolute value in minor units. */
  minor: number;
  /** The printed sign: -1 for a minus, brackets, DR/D/OD; +1 for CR/C or a plus; 0 when unsigned. */
  sign: -1 | 0 | 1;
  /** The marker printed, upper case (CR, DR, OD …), if any. */
  mark: string | null;
}

export function parseMoney(raw: string): Money | null {
  const s = raw.replace(/\u00a0/g, ' ').trim();
  const m = MONEY.exec(s);
  if (!m?.groups) return null;
  const g = m.groups;
  if (!!g.open !== !!g.close) return null;
  const minor = Number(present(g.int, 'integer part').replace(/,/g, '')) * 100 + Number(g.dec); // a group the pattern always fills
  if (!Number.isSafeInteger(minor)) return null;
  const mark = g.mark ? g.mark.toUpperCase() : null;
  let sign: -1 | 0 | 1 = 0;
  if ((g.lead && g.lead !== '+') || g.lead2 || g.lead3 || g.trail || g.open) sign = -1;
  else if (g.lead === '+') sign = 1;
  if (mark) sign = mark === 'CR' || mark === 'C' || mark === 'CREDIT' ? 1 : -1;
  return { minor, sign, mark };
}

/** A word that is an amount, or part of one (`£`, `CR`, a lone minus) that sits beside one. */
export const isMoneyWord = (s: string): boolean => parseMoney(s) !== null;
export const isMoneyMark = (s: string): boolean => /^(CR|DR|OD|C|D|-|£|\(|\))$/i.test(s.trim());

// ---------------------------------------------------------------------------------------------------
// Dates

const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};
const MONTH =
  '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';

/** A date as printed: day, month and the year when printed (UK order; two-digit years are 20xx). */
export interface PrintedDate {
  d: number;
  m: number;
  y: number | null;
}

/** A month's number by its printed name; NaN for a spelling MONTH matches but MONTHS lacks (no date then). */
const monthOf = (name: string): number => MONTHS[name.toLowerCase()] ?? NaN;

const DATE_PATTERNS: { re: RegExp; get: (m: RegExpExecArray) => PrintedDate }[] = [
  // 2026-05-01
  { re: /^(\d{4})-(\d{2})-(\d{2})$/, get: (m) => ({ y: +at(m, 1), m: +at(m, 2), d: +at(m, 3) }) },
  // 01/05/2026, 01-05-26, 01.05.2026, 1/5
  {
    re: /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$/,
    get: (m) => ({ d: +at(m, 1), m: +at(m, 2), y: m[3] ? year(m[3]) : null }),
  },
  // 01 May 2026, 1st May, 01-May-26, 01MAY26, 1 May '26
  {
    re: new RegExp(`^(\\d{1,2})(?:st|nd|rd|th)?[\\s.-]*${MONTH}\\.?(?:[\\s.,-]*'?(\\d{4}|\\d{2}))?$`, 'i'),
    get: (m) => ({ d: +at(m, 1), m: monthOf(at(m, 2)), y: m[3] ? year(m[3]) : null }),
  },
  // May 1, 2026 (rare in the UK, but some exports)
  {
    re: new RegExp(`^${MONTH}\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?(?:\\s+(\\d{4}))?$`, 'i'),
    get: (m) => ({ m: monthOf(at(m, 1)), d: +at(m, 2), y: m[3] ? +m[3] : null }),
  },
];

function year(s: string): number {
  const n = Number(s);
  return s.length === 2 ? 2000 + n : n;
}

/** Parses a whole string as one date, or null. Impossible dates (31 Feb) are null. */
export function parseDate(raw: string): PrintedDate | null {
  const s = raw.replace(/\s+/g, ' ').trim();
  for (const p of DATE_PATTERNS) {
    const m = p.re.exec(s);
    if (!m) continue;
    const r = p.get(m);
    if (!(r.m >= 1 && r.m <= 12 && r.d >= 1)) return null;
    if (r.d > (r.y ? daysInMonth(r.y, r.m) : r.m === 2 ? 29 : daysInMonth(2025, r.m))) return null;
    if (r.y !== null && (r.y < 1990 || r.y > 2100)) return null;
    return r;
  }
  return null;
}

/**
 * The longest date at the start of a string of words: returns the date and how many words it used.
 * `01 May 2026 CARD PAYMENT` → 3 words; `01/05/26 DD` → 1.
 */
export function leadingDate(words: string[]): { date: PrintedDate; used: number } | null {
  for (let n = Math.min(4, words.length); n >= 1; n--) {
    const d = parseDate(words.slice(0, n).join(' '));
    if (d) return { date: d, used: n };
  }
  return null;
}

/**
 * A date without a year placed in the statement period: the year that puts it inside the period (with a
 * week's slack either side, for rows booked around the period's edges), else the year nearest the period.
 * A December row on a December–January statement is the earlier year; a January row the later.
 */
export function inferYear(
  d: PrintedDate,
  period: { start: string; end: string } | null,
  previous: string | null,
): string | null {
  if (d.y !== null) return isoDate(fromYmd(d.y, d.m, d.d));
  const anchor = period ?? (previous ? { start: previous, end: previous } : null);
  if (!anchor) return null;
  const s = dayNumber(anchor.start) - 7;
  const e = dayNumber(anchor.end) + 7;
  const y0 = Number(anchor.start.slice(0, 4));
  let best: { day: number; dist: number } | null = null;
  for (const y of [y0 - 1, y0, y0 + 1, y0 + 2]) {
    if (d.d > daysInMonth(y, d.m)) continue;
    const day = fromYmd(y, d.m, d.d);
    const dist = day < s ? s - day : day > e ? day - e : 0;
    if (!best || dist < best.dist) best = { day, dist };
  }
  return best ? isoDate(best.day) : null;
}

export const toIso = (d: PrintedDate): string | null =>
  d.y === null ? null : isoDate(fromYmd(d.y, d.m, d.d));
