/**
 * What a statement prints outside its table: the period, the account (sort code, last four digits,
 * holder) and the summary box (opening and closing balances, money in and out).
 */
import { at } from '../../src/lib/narrow.ts';
import { COMMON_SUMMARY } from './banks/common.ts';
import type { BankProfile, SummaryKey } from './banks/profile.ts';
import {
  inferYear,
  norm,
  parseDate,
  parseMoney,
  toIso,
  type Line,
  type Money,
  type PrintedDate,
} from './text.ts';
import type { AccountDetails, Period } from './types.ts';

const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const DATE_TEXT = `(?:\\d{1,2}(?:st|nd|rd|th)?[\\s.-]*${MONTH}\\.?(?:[\\s.,-]*(?:\\d{4}|'?\\d{2}(?![\\d:])))?|\\d{1,2}[/.-]\\d{1,2}[/.-](?:\\d{4}|\\d{2}))`;
const PERIOD_RE = new RegExp(`(${DATE_TEXT})\\s*(?:to|-|–|—|until|through|and)\\s*(${DATE_TEXT})`, 'gi');
const STATEMENT_DATE_RE = new RegExp(`statement date:?\\s*(${DATE_TEXT})`, 'i');

/** The statement period: two dates joined by "to" or a dash, the second with its year. */
export function findPeriod(lines: Line[]): Period | null {
  for (const l of lines) {
    for (const m of l.text.matchAll(PERIOD_RE)) {
      const a = parseDate(at(m, 1).trim());
      const b = parseDate(at(m, 2).trim());
      if (!a || !b || b.y === null) continue;
      const end = toIso(b); // a string: b has its year
      if (end === null) continue;
      let start: string | null;
      if (a.y !== null) start = toIso(a);
      else start = toIso({ ...a, y: a.m > b.m || (a.m === b.m && a.d > b.d) ? b.y - 1 : b.y });
      if (!start || start > end) continue;
      if (Date.parse(end) - Date.parse(start) > 400 * 86_400_000) continue;
      return { start, end };
    }
  }
  return null;
}

export function findStatementDate(lines: Line[]): string | null {
  for (const l of lines) {
    const m = STATEMENT_DATE_RE.exec(l.text);
    const d = m ? parseDate(at(m, 1).trim()) : null;
    if (d && d.y !== null) return toIso(d);
  }
  return null;
}

const TITLES = /^(mr|mrs|ms|miss|mx|dr|prof|sir|lady|rev)\.?\s+[a-z]/i;

export function findAccount(lines: Line[]): AccountDetails {
  let sort: string | null = null;
  let last4: string | null = null;
  let holder: string | null = null;
  for (const l of lines) {
    const t = l.text;
    if (!sort) {
      const m =
        /sort\s*code:?\s*(\d{2})[\s-]?(\d{2})[\s-]?(\d{2})\b/i.exec(t) ??
        (/\b(\d{2})-(\d{2})-(\d{2})\b/.exec(t) && /\b\d{8}\b/.test(t)
          ? /\b(\d{2})-(\d{2})-(\d{2})\b/.exec(t)
          : null);
      if (m) sort = `${m[1]}-${m[2]}-${m[3]}`;
    }
    if (!last4) {
      const m =
        /account\s*(?:number|no\.?|num)\s*:?\s*(\d[\d\s]{5,12}\d)\b/i.exec(t) ??
        /\b\d{2}-\d{2}-\d{2}\s+(\d{8})\b/.exec(t);
      if (m) last4 = at(m, 1).replace(/\s/g, '').slice(-4);
    }
    if (!holder) {
      const m = /\b(?:account name|account holder|name of account holder|customer name)s?\s*:?\s+(.+)$/i.exec(
        t,
      );
      if (m && /[a-z]/i.test(at(m, 1)) && !/sort|account number/i.test(at(m, 1)))
        holder = cleanName(at(m, 1));
      else if (TITLES.test(t)) holder = cleanName(firstRun(l));
    }
  }
  return { sort_code: sort, last4, holder };
}

/** A line's first run of words: up to a gap wider than two characters (the next column). */
function firstRun(l: Line): string {
  const out: string[] = [];
  for (let i = 0; i < l.words.length; i++) {
    const w = at(l.words, i);
    if (i && w.x0 - at(l.words, i - 1).x1 > 2 * w.size) break;
    out.push(w.s);
  }
  return out.join(' ');
}

const cleanName = (s: string) =>
  s
    .replace(/\s{2,}.*$/, '')
    .replace(/\s+\d{2}-\d{2}-\d{2}.*$/, '')
    .trim()
    .slice(0, 120) || null;

export interface Summary {
  opening?: { money: Money; page: number };
  closing?: { money: Money; page: number };
  in?: { money: Money; page: number };
  out?: { money: Money; page: number };
}

const SUMMARY_KEYS: readonly SummaryKey[] = ['opening', 'closing', 'in', 'out'];

function summaryKey(label: string, profile: BankProfile): SummaryKey | 'balance_on' | null {
  const n = norm(label);
  if (/^balance (on|at|as at)\b/.test(n)) return 'balance_on';
  for (const key of SUMMARY_KEYS) {
    if ((profile.summary?.[key] ?? []).some((r) => r.test(n))) return key;
  }
  for (const key of SUMMARY_KEYS) {
    if (COMMON_SUMMARY[key].some((r) => r.test(n))) return key;
  }
  return null;
}

/**
 * The summary box: a label followed by an amount on its line, or a row of labels with their amounts on
 * the line below. "Balance on <date>" is the opening or the closing balance by its date.
 */
export function findSummary(lines: Line[], profile: BankProfile, period: Period | null): Summary {
  const pairs: { label: string; money: Money; page: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = at(lines, i);
    let label: string[] = [];
    let labelWords: { s: string; x0: number; x1: number }[] = [];
    const labelsNoMoney: { text: string; x0: number; x1: number }[] = [];
    for (let j = 0; j < l.words.length; j++) {
      const w = at(l.words, j);
      // "£1,234.56 CR" / "- £12.00": the amount may be split across words.
      let money = parseMoney(w.s);
      let used = 1;
      const next = l.words[j + 1];
      if (next && next.x0 - w.x1 < 1.2 * w.size) {
        const two = parseMoney(`${w.s} ${next.s}`) ?? parseMoney(`${w.s}${next.s}`);
        if (two && (!money || two.mark || w.s === '-' || w.s === '£')) {
          money = two;
          used = 2;
        }
      }
      if (money && label.length) {
        pairs.push({ label: label.join(' '), money, page: l.page });
        label = [];
        labelWords = [];
        j += used - 1;
        continue;
      }
      if (money) {
        j += used - 1;
        continue;
      }
      if (labelWords.length && w.x0 - at(labelWords, labelWords.length - 1).x1 > 2.5 * w.size) {
        labelsNoMoney.push({
          text: label.join(' '),
          x0: at(labelWords, 0).x0,
          x1: at(labelWords, labelWords.length - 1).x1,
        });
        label = [];
        labelWords = [];
      }
      label.push(w.s);
      labelWords.push(w);
    }
    if (label.length)
      labelsNoMoney.push({
        text: label.join(' '),
        x0: at(labelWords, 0).x0,
        x1: at(labelWords, labelWords.length - 1).x1,
      });
    // Labels with their amounts on the next line, under them.
    const below = lines[i + 1];
    if (labelsNoMoney.length && below && below.page === l.page && below.y - l.y < 2.2 * l.size) {
      const amounts = below.words.flatMap((w) => {
        const m = parseMoney(w.s);
        return m ? [{ w, m }] : [];
      });
      if (amounts.length && amounts.length >= below.words.filter((w) => !/^[£-]$/.test(w.s)).length - 1) {
        for (const lab of labelsNoMoney) {
          const c = (lab.x0 + lab.x1) / 2;
          const hit =
            amounts.find((a) => a.w.x1 >= lab.x0 - 4 && a.w.x0 <= lab.x1 + 4) ??
            amounts.sort(
              (p, q) => Math.abs((p.w.x0 + p.w.x1) / 2 - c) - Math.abs((q.w.x0 + q.w.x1) / 2 - c),
            )[0];
          if (hit && Math.abs((hit.w.x0 + hit.w.x1) / 2 - c) < 80)
            pairs.push({ label: lab.text, money: hit.m, page: l.page });
        }
      }
    }
  }
  const out: Summary = {};
  const balanceOn: { date: string; money: Money; page: number }[] = [];
  for (const p of pairs) {
    const key = summaryKey(p.label, profile);
    if (!key) continue;
    if (key === 'balance_on') {
      const m = /balance (?:on|at|as at)\s+(.+)$/i.exec(p.label);
      const d: PrintedDate | null = m ? parseDate(at(m, 1).replace(/[:£]/g, '').trim()) : null;
      const iso = d ? inferYear(d, period, null) : null;
      if (iso) balanceOn.push({ date: iso, money: p.money, page: p.page });
      continue;
    }
    if (key === 'closing') out.closing = { money: p.money, page: p.page };
    else out[key] ??= { money: p.money, page: p.page };
  }
  if (balanceOn.length >= 2) {
    balanceOn.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    out.opening ??= { money: at(balanceOn, 0).money, page: at(balanceOn, 0).page };
    out.closing ??= {
      money: at(balanceOn, balanceOn.length - 1).money,
      page: at(balanceOn, balanceOn.length - 1).page,
    };
  }
  return out;
}
