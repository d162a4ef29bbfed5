/**
 * Stage 3: credits. Each credit is income (in a stream), a refund (netted against the category of
 * what was bought), or excluded with a reason. Streams are grouped by payer and type, their cadence is
 * found, and each contributes a monthly figure that does not depend on how many pay-days fell in the
 * window.
 */
import type { Category } from '../model/assessment.ts';
import { toMajor } from '../model/money.ts';
import { detectCadence, DRIFT_TOLERANCE, PER_MONTH, PERIOD_DAYS } from './cadence.ts';
import { exclude, type Row } from './classify.ts';
import { isoDate } from './calendar.ts';
import type { CreditMeaning } from './kinds.ts';
import { monthIndex, type Period } from './period.ts';
import { cv, median, sum } from './stats.ts';
import { THRESHOLDS } from './thresholds.ts';
import type { IncomeStream, IncomeType } from './types.ts';

type Meaning = CreditMeaning | 'returned' | 'unknown';

const INCOME_MEANINGS: ReadonlySet<CreditMeaning> = new Set(['employment', 'benefit', 'pension', 'gig', 'interest']);

/** What a credit is, most specific evidence first (docs/engine.md § Income). */
export function creditMeaning(r: Row): Meaning {
  if (r.signals.returned) return 'returned';
  if (r.signals.refund) return 'refund';
  const dict = r.match?.entry.credit;
  if (dict && INCOME_MEANINGS.has(dict)) return dict;
  if (r.signals.salary || r.signals.giro) return 'employment';
  if (r.hint?.credit) return r.hint.credit;
  if (dict) return dict;
  return 'unknown';
}

const TYPE_OF: Partial<Record<Meaning, IncomeType>> = {
  employment: 'employment',
  benefit: 'benefit',
  pension: 'pension',
  gig: 'self_employment',
  interest: 'interest',
};

export interface IncomeResult {
  streams: IncomeStream[];
  /** Sum of active streams' monthly amounts, pence. */
  verifiedMinor: number;
  /** Refund rows netted per category. */
  refunds: Map<Category, Row[]>;
  winnings: Row[];
}

function completeMonthTotals(rows: readonly Row[], period: Period): number[] {
  const totals = new Map<number, number>(period.completeMonths.map((m) => [m, 0]));
  for (const r of rows) {
    const m = monthIndex(r.day);
    if (totals.has(m)) totals.set(m, totals.get(m)! + r.abs);
  }
  return [...totals.values()];
}

interface Group { id: string; meaning: Meaning; rows: Row[] }

/**
 * @param credits rows with money in and no treatment yet
 * @param payeeCategory the category of each counterparty the customer paid (for refunds)
 */
export function findIncome(credits: readonly Row[], period: Period, payeeCategory: ReadonlyMap<string, Category>): IncomeResult {
  const groups = new Map<string, Group>();
  const refunds = new Map<Category, Row[]>();
  const winnings: Row[] = [];
  const add = (id: string, meaning: Meaning, r: Row) => {
    const g = groups.get(id) ?? { id, meaning, rows: [] };
    g.rows.push(r);
    groups.set(id, g);
  };

  for (const r of credits) {
    if (r.abs === 0) continue;
    const meaning = creditMeaning(r);
    switch (meaning) {
      case 'returned': exclude(r, 'returned_payment_reversal'); break;
      case 'loan': exclude(r, 'loan_disbursement'); break;
      case 'transfer': exclude(r, 'transfer_in'); break;
      case 'gambling_winnings': exclude(r, 'gambling_winnings'); winnings.push(r); break;
      case 'employment': add(`employment:${r.key.replace(/^u:/, '')}`, meaning, r); break;
      case 'benefit': add(`benefit:${r.match?.entry.benefit ?? 'other'}`, meaning, r); break;
      case 'pension': add(`pension:${r.key.replace(/^u:/, '')}`, meaning, r); break;
      case 'gig': add(`self_employment:${r.key.replace(/^u:/, '')}`, meaning, r); break;
      case 'interest': add(`interest:${r.tx.account_id}`, meaning, r); break;
      case 'refund':
      case 'unknown': {
        const category = payeeCategory.get(r.key);
        if (category) {
          r.treatment = 'refund';
          r.stream = category;
          const list = refunds.get(category);
          if (list) list.push(r);
          else refunds.set(category, [r]);
        } else if (meaning === 'refund') {
          exclude(r, 'refund_unmatched');
        } else {
          add(`other:${r.key.replace(/^u:/, '')}`, meaning, r);
        }
        break;
      }
    }
  }

  const streams: IncomeStream[] = [];
  for (const g of [...groups.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const s = buildStream(g, period);
    if (!s) continue;
    streams.push(s);
  }
  const verifiedMinor = sum(streams.map((s) => Math.round(s.monthly_amount * 100)));
  return { streams, verifiedMinor, refunds, winnings };
}

function buildStream(g: Group, period: Period): IncomeStream | undefined {
  const rows = g.rows;
  const amounts = rows.map((r) => r.abs);
  const days = rows.map((r) => r.day);
  const total = sum(amounts);
  const fit = detectCadence(days);
  const first = rows[0]!, last = rows[rows.length - 1]!;
  let type: IncomeType | undefined = TYPE_OF[g.meaning];

  if (!type) {
    // An unrecognised payer is income only when it pays regularly, like clockwork.
    const regular = fit && rows.length >= THRESHOLDS.unknownPayerMinPayments && cv(amounts) <= THRESHOLDS.unknownPayerMaxCv;
    if (!regular) {
      for (const r of rows) exclude(r, rows.length === 1 ? 'one_off_transfer_in' : 'irregular_transfer_in');
      return undefined;
    }
    type = rows.some((r) => r.signals.company) ? 'employment' : 'other_regular';
  }

  let cadence: IncomeStream['cadence'];
  let monthly: number;
  let basis: string;
  let status: IncomeStream['status'] = 'active';
  let variability: number;
  let missed = 0;
  if (fit) {
    cadence = fit.cadence;
    missed = fit.missed;
    const overdueBy = period.last - last.day - THRESHOLDS.endedAfterPeriods * PERIOD_DAYS[fit.cadence] - DRIFT_TOLERANCE[fit.cadence];
    const perSlot = total / fit.slots;
    variability = cv(amounts);
    if (overdueBy > 0) {
      status = 'ended';
      monthly = 0;
      basis = `${fit.cadence} payments stopped after ${isoDate(last.day)}; not counted as current income`;
    } else {
      monthly = (perSlot * PER_MONTH[fit.cadence]) / 100;
      basis = `${fit.cadence}: £${toMajor(Math.round(perSlot)).toFixed(2)} per pay period × ${PER_MONTH[fit.cadence].toFixed(4)} periods a month`;
    }
  } else if (rows.length === 1 && period.days < THRESHOLDS.singlePaymentMonthlyMaxSpanDays && (type === 'employment' || type === 'benefit' || type === 'pension')) {
    cadence = 'assumed_monthly';
    monthly = total / 100;
    variability = 0;
    basis = `one payment in a ${period.days}-day history, taken as monthly`;
  } else {
    cadence = 'irregular';
    monthly = total / period.averagingMonths / 100;
    variability = cv(completeMonthTotals(rows, period));
    basis = `irregular: total £${toMajor(total).toFixed(2)} over ${period.averagingMonths.toFixed(2)} months`;
  }

  for (const r of rows) {
    r.stream = g.id;
    if (status === 'ended') exclude(r, 'income_stream_ended');
    else r.treatment = 'income';
  }
  const stream: IncomeStream = {
    id: g.id,
    type,
    payer: first.payee,
    cadence,
    status,
    payments: rows.length,
    missed_payments: missed,
    first_date: isoDate(first.day),
    last_date: isoDate(last.day),
    typical_amount: toMajor(median(amounts)),
    monthly_amount: Math.round(monthly * 100) / 100,
    variability: Math.round(variability * 1000) / 1000,
    basis,
    refs: rows.map((r) => r.ref),
  };
  if (first.match?.entry.benefit) stream.benefit = first.match.entry.benefit;
  return stream;
}
