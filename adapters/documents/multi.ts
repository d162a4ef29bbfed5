/**
 * Several documents together: statements of one account whose periods overlap (each row once) or leave
 * gaps (reported), and payslips matched to the credits that carried the pay.
 */
import { at } from '../../src/lib/narrow.ts';
import { dayNumber, isoDate } from '../../src/model/dates.ts';
import type { Transaction } from '../../src/model/transaction.ts';
import type {
  PayslipMatch,
  PayslipRead,
  PayslipResult,
  ReconciledStatements,
  StatementGap,
  StatementRead,
  StatementResult,
} from './types.ts';

const accountKey = (s: StatementRead): string =>
  s.account.sort_code || s.account.last4
    ? `${s.account.sort_code ?? '?'} ${s.account.last4 ?? '?'}`
    : (s.transactions[0]?.account_id ?? `${s.bank}`);

const words = (t: Transaction) =>
  new Set(
    (t.description ?? t.merchant_name)
      .toUpperCase()
      .split(/[^A-Z0-9]+/)
      .filter(Boolean),
  );
const narrativeWithin = (a: Transaction, b: Transaction) => {
  const [x, y] = [words(a), words(b)];
  const [small, big] = x.size <= y.size ? [x, y] : [y, x];
  return [...small].every((w) => big.has(w));
};

const rowKey = (t: Transaction) =>
  `${t.date}|${t.amount_minor}|${(t.description ?? t.merchant_name)
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, ' ')
    .trim()}`;

/**
 * De-duplicates the rows of overlapping statements and reports the gaps between statement periods, per
 * account (sort code and last four digits when printed). A row inside the overlap of two statements is
 * the same row when its date, amount and narrative are the same, counted with multiplicity (two
 * identical coffees on one day in both statements are two rows, not four and not one).
 */
export function reconcileStatements(statements: readonly StatementResult[]): ReconciledStatements {
  const warnings: string[] = [];
  const read = statements.filter((s): s is StatementRead => s.ok);
  if (read.length < statements.length)
    warnings.push(
      `${statements.length - read.length} of ${statements.length} documents could not be read and are left out`,
    );
  const byAccount = new Map<string, StatementRead[]>();
  for (const s of read) {
    const k = accountKey(s);
    let list = byAccount.get(k);
    if (!list) byAccount.set(k, (list = []));
    list.push(s);
  }
  const out: Transaction[] = [];
  const gaps: StatementGap[] = [];
  const accounts: ReconciledStatements['accounts'] = [];
  let removed = 0;
  for (const [key, list] of byAccount) {
    list.sort((a, b) =>
      a.period.start < b.period.start
        ? -1
        : a.period.start > b.period.start
          ? 1
          : a.period.end < b.period.end
            ? -1
            : 1,
    );
    const accountId = at(list, 0).transactions[0]?.account_id ?? key;
    const kept: Transaction[] = [];
    let coveredEnd = -Infinity;
    let prev: StatementRead | null = null;
    for (const s of list) {
      const start = dayNumber(s.period.start);
      const end = dayNumber(s.period.end);
      if (prev && start > coveredEnd + 1) {
        gaps.push({
          account_id: accountId,
          from: isoDate(coveredEnd + 1),
          to: isoDate(start - 1),
          days: start - coveredEnd - 1,
        });
      }
      if (prev && start === coveredEnd + 1 && prev.closing_balance_minor !== s.opening_balance_minor) {
        warnings.push(
          `account ${accountId}: the statement from ${s.period.start} opens at ${s.opening_balance_minor} but the one before it closed at ${prev.closing_balance_minor}`,
        );
      }
      const overlapEnd = Math.min(end, coveredEnd);
      // Rows already kept that fall in this statement's period: each may be claimed once.
      const open =
        start <= overlapEnd
          ? kept.filter((t) => dayNumber(t.date) >= start && dayNumber(t.date) <= overlapEnd)
          : [];
      const claimed = new Set<Transaction>();
      const claim = (t: Transaction, same: (k: Transaction) => boolean) => {
        const hit = open.find((k) => !claimed.has(k) && same(k));
        if (hit) claimed.add(hit);
        return !!hit;
      };
      let onlyHere = 0;
      const fresh: Transaction[] = [];
      const unsure: Transaction[] = [];
      for (const t of s.transactions) {
        const d = dayNumber(t.date);
        if (d < start || d > overlapEnd) fresh.push(t);
        else if (claim(t, (k) => rowKey(k) === rowKey(t))) removed++;
        else unsure.push(t);
      }
      // Then the same date and amount with one narrative inside the other (a statement may print a type
      // code or a shorter narrative for the same row).
      for (const t of unsure) {
        if (claim(t, (k) => k.date === t.date && k.amount_minor === t.amount_minor && narrativeWithin(k, t)))
          removed++;
        else {
          onlyHere++;
          fresh.push(t);
        }
      }
      kept.push(...fresh);
      if (onlyHere)
        warnings.push(
          `account ${accountId}: ${onlyHere} rows in the overlap with an earlier statement appear only in the statement from ${s.period.start}`,
        );
      coveredEnd = Math.max(coveredEnd, end);
      prev = s;
    }
    kept.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    out.push(...kept);
    accounts.push({
      account_id: accountId,
      bank: at(list, 0).bank,
      period: { start: at(list, 0).period.start, end: isoDate(coveredEnd) },
      statements: list.length,
    });
  }
  for (const g of gaps)
    warnings.push(`account ${g.account_id}: no statement covers ${g.from} to ${g.to} (${g.days} days)`);
  return { transactions: out, duplicates_removed: removed, gaps, accounts, warnings };
}

// ---------------------------------------------------------------------------------------------------
// Payslips

/** Monday to Friday. Bank holidays are not counted as non-working here: that only narrows the window. */
const isWeekday = (day: number) => {
  const w = new Date(day * 86_400_000).getUTCDay();
  return w !== 0 && w !== 6;
};

/** Working days from a to b (0 when the same day; counts the weekdays stepped over). */
export function workingDaysBetween(a: string, b: string): number {
  let x = dayNumber(a);
  let y = dayNumber(b);
  if (x > y) [x, y] = [y, x];
  let n = 0;
  for (let d = x + 1; d <= y; d++) if (isWeekday(d)) n++;
  return n;
}

const NOISE = new Set([
  'LTD',
  'LIMITED',
  'PLC',
  'LLP',
  'LLC',
  'THE',
  'AND',
  'CO',
  'COMPANY',
  'UK',
  'GB',
  'INC',
  'SALARY',
  'WAGES',
  'PAY',
  'PAYROLL',
  'BGC',
  'BACS',
  'FPI',
  'CR',
]);
const tokens = (s: string) =>
  s
    .toUpperCase()
    .replace(/&/g, ' AND ')
    .replace(/[^A-Z0-9]+/g, ' ')
    .split(' ')
    .filter((t) => t.length > 1 && !NOISE.has(t));

/** The payslip's employer in the credit's payer: its first significant word and at least half the rest. */
export function employerMatches(employer: string, t: Transaction): boolean {
  const want = tokens(employer);
  if (!want.length) return false;
  const have = new Set(tokens(`${t.merchant_name} ${t.description ?? ''}`));
  const hits = want.filter((w) => have.has(w)).length;
  return have.has(at(want, 0)) && hits * 2 >= want.length;
}

/**
 * Each payslip matched to a credit: the same employer, the net pay within 1%, dated within 3 working
 * days of the pay date; each credit used once, the closest in days (then in amount) first. A payslip
 * with no such credit is `unmatched` with a warning saying what was looked for and what came nearest.
 */
export function matchPayslips(
  payslips: readonly PayslipResult[],
  transactions: readonly Transaction[],
): PayslipMatch[] {
  const used = new Set<Transaction>();
  const credits = transactions.filter((t) => t.amount_minor < 0);
  return payslips.map((p, i): PayslipMatch => {
    if (!p.ok)
      return { payslip: i, status: 'unmatched', warning: `payslip ${i} could not be read (${p.reason})` };
    const slip: PayslipRead = p;
    const employer = slip.employer ?? '';
    const candidates = credits
      .filter((t) => !used.has(t))
      .map((t) => ({
        t,
        days: workingDaysBetween(slip.pay_date, t.date),
        diff: Math.abs(-t.amount_minor - slip.net_minor),
      }))
      .filter(
        (c) => c.days <= 3 && c.diff <= slip.net_minor / 100 && (!employer || employerMatches(employer, c.t)),
      )
      .sort((a, b) => a.days - b.days || a.diff - b.diff);
    const best = candidates[0];
    if (best) {
      used.add(best.t);
      return { payslip: i, status: 'matched', transaction: best.t, days_apart: best.days };
    }
    const near = credits
      .filter((t) => !employer || employerMatches(employer, t))
      .sort(
        (a, b) =>
          Math.abs(dayNumber(a.date) - dayNumber(slip.pay_date)) -
          Math.abs(dayNumber(b.date) - dayNumber(slip.pay_date)),
      )[0];
    const net = `£${(slip.net_minor / 100).toFixed(2)}`;
    const nearest = near
      ? ` (nearest from that employer: £${(-near.amount_minor / 100).toFixed(2)} on ${near.date})`
      : employer
        ? ' (no credit from that employer at all)'
        : '';
    return {
      payslip: i,
      status: 'unmatched',
      warning: `no credit${employer ? ` from ${employer}` : ''} of ${net} ± 1% within 3 working days of ${slip.pay_date}${nearest}`,
    };
  });
}
