/**
 * The monthly series (docs/engine.md § Monthly series): what the transactions show per calendar month —
 * income by stream, spending by category and class, savings, the end-of-month balance where balances are
 * known, days in overdraft — and the trends read from them, each with the rule that computed it.
 *
 * Every monthly amount is a sum of ledger rows (pence, exact), so the series add up to the ledger to the
 * penny. The assessment's monthly figures are the same transactions averaged by the engine's rules
 * (monthly.ts): a figure averaged over the window is the series' sum ÷ the averaging months; a figure read
 * from a schedule (a salary, a rent) is the payment per period × periods a month, and differs from the
 * window's sum ÷ months by what the window happened to hold. `reconciliation` states both for the two
 * headline figures. Amounts here are pence; wire.ts writes them in pounds.
 */
import { isCategory, type Category } from '../model/assessment.ts';
import { daysInMonth, fromYmd, ymd } from './calendar.ts';
import type { Row } from './classify.ts';
import type { ExpenditureResult } from './expenditure.ts';
import type { IncomeResult } from './income.ts';
import { monthIndex, type Period } from './period.ts';
import { viaPounds } from './monthly.ts';
import { sum } from './stats.ts';
import { THRESHOLDS } from './thresholds.ts';
import type { SeriesTrendId } from './types.ts';

/** The rule ids of the series (each a heading anchor in docs/engine.md § Monthly series). */
export const SERIES_RULES = {
  months: 'series.months',
  balance: 'series.end_balance',
  overdraft: 'series.overdraft_days',
  income_slope: 'series.income_slope',
  spending_slope: 'series.spending_slope',
  gambling_share: 'series.gambling_share',
  cash_share: 'series.cash_share',
} as const;

/** One calendar month of the history, pence. */
export interface MonthMinor {
  /** `y*12+m`. */
  index: number;
  /** Days of the month inside the history. */
  days: number;
  complete: boolean;
  /** Income rows by stream id (active streams: what monthly_income is made of). */
  incomeByStream: Map<string, number>;
  /** Payments of streams that have ended (excluded from income), by stream id. */
  endedByStream: Map<string, number>;
  /** Spending net of refunds (and, for Gambling, of winnings) by category. */
  byCategory: Map<Category, number>;
  /** The same by class: committed, essential, discretionary. */
  byClass: { committed: number; essential: number; discretionary: number };
  refunds: number;
  savings: number;
  gamblingGross: number;
  /** End-of-month balance of each account that reports balances: [account, pence, the day it is from]. */
  balances: Array<{ account: string; minor: number; day: number }>;
  /** Days ending overdrawn in any account; undefined when no account reports balances. */
  overdraftDays: number | undefined;
}

export interface TrendMinor {
  id: SeriesTrendId;
  rule: string;
  /** Per month: pence for the amounts, a fraction for the shares; undefined when too few months. */
  slope: number | undefined;
  /** The slope as a fraction of the mean of the months used (amounts only). */
  relative: number | undefined;
  /** The month indexes used. */
  months: number[];
}

export interface SeriesMinor {
  months: MonthMinor[];
  trends: TrendMinor[];
}

const emptyMonth = (index: number, days: number, complete: boolean): MonthMinor => ({
  index,
  days,
  complete,
  incomeByStream: new Map(),
  endedByStream: new Map(),
  byCategory: new Map(),
  byClass: { committed: 0, essential: 0, discretionary: 0 },
  refunds: 0,
  savings: 0,
  gamblingGross: 0,
  balances: [],
  overdraftDays: undefined,
});

const add = <K>(m: Map<K, number>, k: K, v: number) => m.set(k, (m.get(k) ?? 0) + v);

/** A refund or winnings row reduces the class of what it is netted against; a savings-class payee is discretionary. */
const classOf = (r: Row): 'committed' | 'essential' | 'discretionary' =>
  r.cls === 'savings' ? 'discretionary' : r.cls;

/** Rows that left the account or arrived in it (their balance counts), whatever their treatment. */
const booked = (r: Row) => r.reason !== 'future_dated' && r.reason !== 'duplicate';

export function monthlySeries(
  rows: readonly Row[],
  period: Period | undefined,
  income: IncomeResult,
  exp: ExpenditureResult,
): SeriesMinor {
  if (!period) return { months: [], trends: trendsOf([]) };
  const complete = new Set(period.completeMonths);
  const months: MonthMinor[] = [];
  /** The month of each day of the history, by its offset from the first (rows are many, days few). */
  const monthOfDay: MonthMinor[] = [];
  for (let i = monthIndex(period.first); i <= monthIndex(period.last); i++) {
    const y = Math.floor((i - 1) / 12),
      mo = i - y * 12;
    const start = Math.max(fromYmd(y, mo, 1), period.first);
    const end = Math.min(fromYmd(y, mo, daysInMonth(y, mo)), period.last);
    const m = emptyMonth(i, end - start + 1, complete.has(i));
    months.push(m);
    for (let d = start; d <= end; d++) monthOfDay[d - period.first] = m;
  }
  const ended = new Set(income.streams.filter((s) => s.status === 'ended').map((s) => s.id));
  for (const r of rows) {
    const m = monthOfDay[r.day - period.first];
    if (!m) continue; // future-dated
    if (r.treatment === 'income' && r.stream) add(m.incomeByStream, r.stream, r.abs);
    else if (r.reason === 'income_stream_ended' && r.stream && ended.has(r.stream))
      add(m.endedByStream, r.stream, r.abs);
    else if (r.treatment === 'expenditure') {
      add(m.byCategory, r.category, r.abs);
      m.byClass[classOf(r)] += r.abs;
      if (r.category === 'Gambling') m.gamblingGross += r.abs;
    } else if (r.treatment === 'refund' && r.stream && isCategory(r.stream)) {
      // A refund's stream is the category it is netted against (income.ts).
      add(m.byCategory, r.stream, -r.abs);
      m.byClass[classOf(r)] -= r.abs;
      m.refunds += r.abs;
    } else if (r.reason === 'gambling_winnings' && exp.figures.Gambling) {
      // Winnings are netted against gambling spend (expenditure.ts), never income.
      add(m.byCategory, 'Gambling', -r.abs);
      m.byClass.discretionary -= r.abs;
    } else if (r.treatment === 'savings') m.savings += r.abs;
  }
  balancesOf(rows.filter(booked), period, months);
  return { months, trends: trendsOf(months) };
}

/** The month's spending: the sum of its categories. */
export const spendingOf = (m: MonthMinor): number => sum([...m.byCategory.values()]);
export const incomeOf = (m: MonthMinor): number => sum([...m.incomeByStream.values()]);
/** Gross gambling stakes over the month's income, as the `gambling` flag measures them. */
export const gamblingShareOf = (m: MonthMinor): number | undefined => {
  const inc = incomeOf(m);
  return inc > 0 ? m.gamblingGross / inc : undefined;
};
/** Cash withdrawals over the month's spending, as the `high_cash_usage` flag measures them. */
export const cashShareOf = (m: MonthMinor): number | undefined => {
  const spend = spendingOf(m);
  return spend > 0 ? (m.byCategory.get('Cash Withdrawals') ?? 0) / spend : undefined;
};

/**
 * The end-of-day balance of each account, from the running balances the transactions carry. Rows of one
 * day are in canonical order, not booking order: the day's last balance is the one no other row of the day
 * starts from (a row's balance before it is its balance after plus what left the account); when that does
 * not single one out, the last in canonical order.
 */
function endOfDay(rows: readonly Row[]): Map<string, Array<{ day: number; minor: number }>> {
  // Rows come in canonical order, by day first: each account's rows are in day order.
  const byAccount = new Map<string, Row[]>();
  for (const r of rows) {
    if (r.tx.balance_minor === undefined) continue;
    const list = byAccount.get(r.tx.account_id);
    if (list) list.push(r);
    else byAccount.set(r.tx.account_id, [r]);
  }
  const out = new Map<string, Array<{ day: number; minor: number }>>();
  for (const [account, list] of byAccount) {
    const eod: Array<{ day: number; minor: number }> = [];
    for (let i = 0; i < list.length;) {
      const day = list[i]?.day;
      let j = i + 1;
      while (j < list.length && list[j]?.day === day) j++;
      const pick = j - i === 1 ? list[i] : lastOfDay(list.slice(i, j));
      if (day !== undefined && pick?.tx.balance_minor !== undefined)
        eod.push({ day, minor: pick.tx.balance_minor });
      i = j;
    }
    out.set(account, eod);
  }
  return out;
}

/** Of one account's rows of one day, the one that ends the day (see endOfDay). */
function lastOfDay(day: readonly Row[]): Row | undefined {
  const before = new Set(day.map((r) => (r.tx.balance_minor ?? 0) + r.tx.amount_minor));
  const last = day.filter((r) => !before.has(r.tx.balance_minor ?? 0));
  return last.length === 1 ? last[0] : day[day.length - 1];
}

/**
 * Each month's end balance per account (the last end-of-day balance on or before the month's last day in
 * the history), and the days that ended overdrawn: a balance holds until the next one, so a day without a
 * transaction after an overdrawn day is overdrawn too. Days before an account's first balance are unknown
 * for it.
 */
function balancesOf(rows: readonly Row[], period: Period, months: MonthMinor[]): void {
  const eod = endOfDay(rows);
  if (eod.size === 0) return;
  const accounts = [...eod.keys()].sort();
  const cursor = new Map<string, number>(accounts.map((a) => [a, -1]));
  const current = new Map<string, { day: number; minor: number }>();
  let mi = 0;
  let month = months[0];
  if (month) month.overdraftDays = 0;
  for (let d = period.first; d <= period.last; d++) {
    for (const a of accounts) {
      const list = eod.get(a) ?? [];
      let i = cursor.get(a) ?? -1;
      while (i + 1 < list.length && (list[i + 1]?.day ?? Infinity) <= d) i++;
      cursor.set(a, i);
      const b = list[i];
      if (b) current.set(a, b);
    }
    while (month && monthIndex(d) !== month.index) {
      month = months[++mi];
      if (month) month.overdraftDays = 0;
    }
    if (!month) break;
    if ([...current.values()].some((b) => b.minor < 0)) month.overdraftDays = (month.overdraftDays ?? 0) + 1;
    const { y, m } = ymd(d);
    if (d === period.last || d === fromYmd(y, m, daysInMonth(y, m)))
      month.balances = accounts
        .filter((a) => current.has(a))
        .map((a) => ({ account: a, minor: current.get(a)?.minor ?? 0, day: current.get(a)?.day ?? d }));
  }
}

/** Ordinary least-squares slope of y on 0, 1, 2, … */
function slope(ys: readonly number[]): number {
  const n = ys.length;
  const mx = (n - 1) / 2;
  const my = sum(ys) / n;
  let num = 0,
    den = 0;
  ys.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  });
  return den === 0 ? 0 : num / den;
}

/**
 * Trends over the complete calendar months (a part month at either end of the history would read as a
 * fall or a rise), each needing at least `minMonths` of them; a share is left out of its regression in a
 * month where it is undefined (no income, no spending).
 */
function trendsOf(months: readonly MonthMinor[]): TrendMinor[] {
  const whole = months.filter((m) => m.complete);
  const trend = (
    id: SeriesTrendId,
    rule: string,
    value: (m: MonthMinor) => number | undefined,
    relative: boolean,
  ): TrendMinor => {
    const used = whole.filter((m) => value(m) !== undefined);
    const ys = used.map((m) => value(m) ?? 0);
    const enough = used.length >= THRESHOLDS.minMonths;
    const s = enough ? slope(ys) : undefined;
    const mean = ys.length ? sum(ys) / ys.length : 0;
    return {
      id,
      rule,
      slope: s,
      relative: relative && s !== undefined && mean !== 0 ? s / Math.abs(mean) : undefined,
      months: used.map((m) => m.index),
    };
  };
  return [
    trend('income_slope', SERIES_RULES.income_slope, incomeOf, true),
    trend('spending_slope', SERIES_RULES.spending_slope, spendingOf, true),
    trend('gambling_share', SERIES_RULES.gambling_share, gamblingShareOf, false),
    trend('cash_share', SERIES_RULES.cash_share, cashShareOf, false),
  ];
}

/** A headline figure beside the series' own average of it, and the rules that make the two differ. */
export interface ReconciliationMinor {
  figure: 'monthly_income' | 'monthly_expenditure';
  /** The months' sum ÷ the averaging months, rounded to the penny as the engine rounds a monthly figure. */
  observedMinor: number;
  /** The engine's figure (verified income; expenditure). */
  assessmentMinor: number;
  rules: string[];
}

/**
 * What the series average to against the assessment's figures. They are equal when every stream and
 * every expenditure line is averaged over the window; otherwise the rules listed account for the
 * difference: `schedule` (a figure read from a schedule, or a single payment taken as monthly),
 * `guideline` (a flexible category lifted to its spending guideline), `floor` (refunds and winnings above
 * a category's spending in the window: its figure is never below zero).
 */
export function reconcile(
  s: SeriesMinor,
  averagingMonths: number,
  income: IncomeResult,
  exp: ExpenditureResult,
  expenditureMinor: number,
): ReconciliationMinor[] {
  const avg = (total: number) => Math.round(viaPounds(total / averagingMonths));
  const incomeRules: string[] = [];
  if (income.streams.some((x) => x.status === 'active' && x.cadence !== 'irregular'))
    incomeRules.push('income.schedule');
  const expRules: string[] = [];
  const figures = Object.values(exp.figures);
  if (figures.some((f) => f.lines.some((l) => l.cadence !== 'irregular')))
    expRules.push('expenditure.schedule');
  if (figures.some((f) => f.guideline?.applied)) expRules.push('expenditure.guideline');
  const totals = new Map<Category, number>();
  for (const m of s.months) for (const [c, v] of m.byCategory) add(totals, c, v);
  if ([...totals.values()].some((v) => v < 0)) expRules.push('expenditure.floor');
  return [
    {
      figure: 'monthly_income',
      observedMinor: avg(sum(s.months.map(incomeOf))),
      assessmentMinor: income.verifiedMinor,
      rules: incomeRules,
    },
    {
      figure: 'monthly_expenditure',
      observedMinor: avg(sum(s.months.map(spendingOf))),
      assessmentMinor: expenditureMinor,
      rules: expRules,
    },
  ];
}

/** `YYYY-MM` of a month index. */
export function monthLabel(index: number): string {
  const y = Math.floor((index - 1) / 12);
  return `${y}-${String(index - y * 12).padStart(2, '0')}`;
}
