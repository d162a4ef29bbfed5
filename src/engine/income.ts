/**
 * Stage 3: credits. Each credit is income (in a stream), a refund (netted against the category of
 * what was bought), or excluded with a reason. Streams are grouped by payer and type, their cadence is
 * found, and each contributes a monthly figure that does not depend on how many pay-days fell in the
 * window nor on the weekday the window starts on.
 *
 * Income does not depend on the dictionary's opinion of the payer: a credit from a counterparty the
 * dictionary knows as a merchant (a supermarket, a retailer, a streaming service) is a refund only
 * when it does not look like pay. Regular credits of wage size from one payer are wages, whoever the
 * payer is (docs/engine.md § Income).
 */
import { at, first } from '../lib/narrow.ts';
import type { Category } from '../model/assessment.ts';
import type { Money } from '../model/money.ts';
import { detectCadence, PER_MONTH, type CadenceFit } from './cadence.ts';
import { exclude, type Row } from './classify.ts';
import { isoDate } from './calendar.ts';
import type { CreditMeaning } from './kinds.ts';
import { averaged, perMonth, perPayment, scheduleEnded, takenAsMonthly, viaPounds } from './monthly.ts';
import { monthIndex, monthsWith, type Period } from './period.ts';
import { cv, median, sum } from './stats.ts';
import { THRESHOLDS } from './thresholds.ts';
import type { Evidence, IncomeType, Stream } from './types.ts';

type Meaning = CreditMeaning | 'maintenance' | 'returned' | 'unknown';

const INCOME_MEANINGS: ReadonlySet<CreditMeaning> = new Set([
  'employment',
  'benefit',
  'pension',
  'gig',
  'interest',
]);

/** What a credit is, most specific evidence first (docs/engine.md § Income). */
export function creditMeaning(r: Row): Meaning {
  if (r.signals.returned) return 'returned';
  if (r.signals.refund) return 'refund';
  if (r.signals.maintenance) return 'maintenance';
  const dict = r.match?.entry.credit;
  if (dict && INCOME_MEANINGS.has(dict)) return dict;
  if (r.signals.salary || r.signals.giro) return 'employment';
  if (r.hint?.credit) return r.hint.credit;
  if (dict) return dict;
  return 'unknown';
}

const TYPE_OF = {
  employment: 'employment',
  benefit: 'benefit',
  pension: 'pension',
  gig: 'self_employment',
  interest: 'interest',
  maintenance: 'maintenance',
} as const satisfies Partial<Record<Meaning, IncomeType>>;

/**
 * Types whose schedule is a contract (a payroll, the DWP, a pension scheme): a slot without a payment
 * is read as a detection gap, so the figure is the mean payment × payments a month. For the others
 * (self-employment, maintenance, other regular credits) an empty slot is a period without money, so
 * the figure is the total ÷ slots.
 */
const CONTRACTUAL: ReadonlySet<IncomeType> = new Set(['employment', 'benefit', 'pension', 'interest']);

/** Income types that are earned: their variability drives `income_volatility`; their end is an income loss. */
export const EARNED: ReadonlySet<IncomeType> = new Set(['employment', 'self_employment', 'other_regular']);

/**
 * A stream's weight in the ratios of income (income volatility, the regularity of income in the
 * confidence): its monthly amount. The unit cancels; the weight is in pounds, as these ratios have always
 * been computed, so that they stay the same to the last bit (in pence a tie on a rounded decimal of the
 * ratio could fall the other way).
 */
export const incomeWeight = (s: Stream): number => s.monthlyMinor / 100;

export interface IncomeResult {
  streams: Stream[];
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
    const t = totals.get(m);
    if (t !== undefined) totals.set(m, t + r.abs);
  }
  return [...totals.values()];
}

interface Group {
  id: string;
  type: IncomeType;
  rows: Row[];
  fit?: CadenceFit | undefined;
}

const payerOf = (r: Row) => r.key.replace(/^u:/, '');

/** The fewest payments a schedule is read from: three, or two in a history too short to hold three. */
function cadenceOf(rows: readonly Row[], period: Period): CadenceFit | undefined {
  return detectCadence(
    rows.map((r) => r.day),
    { minPayments: period.days < THRESHOLDS.shortHistoryDays ? 2 : THRESHOLDS.scheduleMinPayments },
  );
}

/**
 * Credits from one counterparty that the dictionary calls a merchant, or that nothing names, read as
 * a whole: regular pay, irregular earnings, or (row by row) refunds and transfers.
 */
function readUnnamedPayer(rows: Row[], period: Period): Group | undefined {
  const amounts = rows.map((r) => r.abs);
  const head = first(rows);
  const merchant = head.match !== undefined;
  const payer = payerOf(head);
  const company = rows.some((r) => r.signals.company);
  const earnedWords = rows.some((r) => r.signals.earned);
  const wageSize = median(amounts) >= THRESHOLDS.wageMinMinor;
  const n = rows.length;
  if (cv(amounts) <= THRESHOLDS.unknownPayerMaxCv && (!merchant || wageSize)) {
    const fit = cadenceOf(rows, period);
    // Three payments make a schedule; two do when they are a quarter apart and the payer is a
    // company or the narrative names earnings (a dividend, a bonus).
    if (
      fit &&
      (n >= THRESHOLDS.unknownPayerMinPayments || (fit.cadence === 'quarterly' && (company || earnedWords)))
    ) {
      // Regular credits: wages from an employer (a merchant, a company), or other regular income.
      const type: IncomeType =
        merchant || company ? 'employment' : earnedWords ? 'self_employment' : 'other_regular';
      return { id: `${type}:${payer}`, type, rows, fit };
    }
  }
  // Irregular earnings: a company, or a narrative of commission, bonus, dividends, drawings or
  // invoices, paying wage-size amounts — three times in two calendar months, or twice when the
  // narrative names the earnings. A merchant's credits need the words (a shop's refunds are not earnings).
  const months = monthsWith(rows);
  const often = earnedWords ? n >= 2 : n >= THRESHOLDS.unknownPayerMinPayments && months >= 2;
  if ((company || earnedWords) && wageSize && often && (!merchant || earnedWords)) {
    const type: IncomeType = rows.some((r) => r.signals.salary) ? 'employment' : 'self_employment';
    return { id: `${type}:${payer}`, type, rows };
  }
  return undefined;
}

/**
 * @param credits rows with money in and no treatment yet
 * @param payeeCategory the category of each counterparty the customer paid (for refunds)
 */
export function findIncome(
  credits: readonly Row[],
  period: Period,
  payeeCategory: ReadonlyMap<string, Category>,
  money: Money,
): IncomeResult {
  const groups = new Map<string, Group>();
  const unnamed = new Map<string, Row[]>();
  const refunds = new Map<Category, Row[]>();
  const winnings: Row[] = [];
  const add = (id: string, type: IncomeType, r: Row) => {
    const g = groups.get(id) ?? { id, type, rows: [] };
    g.rows.push(r);
    groups.set(id, g);
  };
  const refundOrExclude = (r: Row, meaning: Meaning, oneOff: boolean) => {
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
      exclude(r, oneOff ? 'one_off_transfer_in' : 'irregular_transfer_in');
    }
  };

  for (const r of credits) {
    if (r.abs === 0) continue;
    const meaning = creditMeaning(r);
    switch (meaning) {
      case 'returned':
        exclude(r, 'returned_payment_reversal');
        break;
      case 'loan':
        exclude(r, 'loan_disbursement');
        break;
      case 'transfer':
        exclude(r, 'transfer_in');
        break;
      case 'gambling_winnings':
        exclude(r, 'gambling_winnings');
        winnings.push(r);
        break;
      case 'benefit':
        add(`benefit:${r.match?.entry.benefit ?? 'other'}`, 'benefit', r);
        break;
      case 'interest':
        add(`interest:${r.tx.account_id}`, 'interest', r);
        break;
      case 'employment':
      case 'pension':
      case 'gig':
      case 'maintenance': {
        const type = TYPE_OF[meaning];
        add(`${type}:${payerOf(r)}`, type, r);
        break;
      }
      case 'refund':
      case 'unknown': {
        // A refund the narrative names as one is a refund; anything else is read with its payer's other credits.
        if (r.signals.refund) {
          refundOrExclude(r, meaning, true);
          break;
        }
        const list = unnamed.get(r.key);
        if (list) list.push(r);
        else unnamed.set(r.key, [r]);
        break;
      }
    }
  }
  for (const [, rows] of [...unnamed].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    // The payer's credits as a whole; failing that, its wage-size credits alone (an employer that is
    // also a shop pays wages beside the odd refund of the employee's shopping).
    let paid = rows;
    let g = readUnnamedPayer(rows, period);
    if (!g) {
      const large = rows.filter((r) => r.abs >= THRESHOLDS.wageMinMinor);
      if (large.length > 0 && large.length < rows.length) {
        g = readUnnamedPayer(large, period);
        paid = large;
      }
    }
    if (g) {
      const existing = groups.get(g.id);
      if (existing) existing.rows.push(...g.rows);
      else groups.set(g.id, g);
    }
    const rest = g ? rows.filter((r) => !paid.includes(r)) : rows;
    const meaning = first(rows).match ? 'refund' : 'unknown';
    for (const r of rest) refundOrExclude(r, meaning, rest.length === 1);
  }

  const streams: Stream[] = [];
  for (const g of [...groups.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    g.rows.sort((a, b) => a.day - b.day || (a.ref < b.ref ? -1 : 1));
    streams.push(buildStream(g, period, money));
  }
  const verifiedMinor = sum(streams.map((s) => s.monthlyMinor));
  return { streams, verifiedMinor, refunds, winnings };
}

/**
 * The income an assessment uses: the verified figure, or the declared one when it is lower (prudence). A
 * declaration more than `incomeDiscrepancyRatio` above the verified figure is noted (and raises
 * `income_discrepancy`).
 */
export function incomeUsed(
  verifiedMinor: number,
  declaredMinor: number | undefined,
): { minor: number; basis: Evidence['income']['basis'] } {
  if (declaredMinor !== undefined && declaredMinor < verifiedMinor)
    return { minor: declaredMinor, basis: 'declared_lower' };
  if (declaredMinor !== undefined && declaredMinor > verifiedMinor * (1 + THRESHOLDS.incomeDiscrepancyRatio))
    return { minor: verifiedMinor, basis: 'verified_declared_higher' };
  return { minor: verifiedMinor, basis: verifiedMinor > 0 ? 'verified' : 'none' };
}

function buildStream(g: Group, period: Period, money: Money): Stream {
  const rows = g.rows;
  const amounts = rows.map((r) => r.abs);
  const total = sum(amounts);
  const fit = g.fit ?? cadenceOf(rows, period);
  const first = at(rows, 0, 'row'),
    last = at(rows, rows.length - 1, 'row');
  const type = g.type;

  let cadence: Stream['cadence'];
  /** Pence a month, exact (rounded below). */
  let monthly: number;
  let basis: string;
  let status: Stream['status'] = 'active';
  let variability: number;
  let missed = 0;
  const single =
    type === 'employment' || type === 'benefit' || type === 'pension'
      ? takenAsMonthly(rows.length, period)
      : undefined;
  if (fit) {
    cadence = fit.cadence;
    missed = fit.missed;
    const perPeriod = perPayment(total, fit, CONTRACTUAL.has(type));
    variability = cv(amounts);
    if (scheduleEnded(fit.cadence, period.last - last.day)) {
      status = 'ended';
      monthly = 0;
      basis = `${fit.cadence} payments stopped after ${isoDate(last.day)}; not counted as current income`;
    } else {
      monthly = perMonth(perPeriod, fit.cadence);
      const per =
        CONTRACTUAL.has(type) || fit.missed === 0
          ? 'per pay period'
          : `per pay period (${fit.missed} of ${fit.slots} periods without a payment count as nothing)`;
      basis = `${fit.cadence}: ${money(Math.round(perPeriod))} ${per} × ${PER_MONTH[fit.cadence].toFixed(4)} periods a month`;
    }
  } else if (single) {
    cadence = 'assumed_monthly';
    monthly = total;
    variability = 0;
    basis = single;
  } else {
    cadence = 'irregular';
    variability = cv(completeMonthTotals(rows, period));
    const gaps = rows.slice(1).map((r, i) => r.day - at(rows, i).day);
    const quietFor = period.last - last.day;
    if (quietFor > Math.max(THRESHOLDS.irregularEndedAfterDays, 2 * median(gaps))) {
      status = 'ended';
      monthly = 0;
      basis = `irregular payments, none since ${isoDate(last.day)} (${quietFor} days before the end of the history); not counted as current income`;
    } else {
      const avg = averaged(total, period, money);
      monthly = avg.monthly;
      basis = `irregular: ${avg.basis}`;
    }
  }

  for (const r of rows) {
    r.stream = g.id;
    if (status === 'ended') exclude(r, 'income_stream_ended');
    else r.treatment = 'income';
  }
  const stream: Stream = {
    id: g.id,
    type,
    payer: first.payee,
    cadence,
    status,
    payments: rows.length,
    missed_payments: missed,
    first_date: isoDate(first.day),
    last_date: isoDate(last.day),
    typicalMinor: Math.round(median(amounts)),
    monthlyMinor: Math.round(viaPounds(monthly)),
    variability: Math.round(variability * 1000) / 1000,
    basis,
    refs: rows.map((r) => r.ref),
  };
  if (first.match?.entry.benefit) stream.benefit = first.match.entry.benefit;
  return stream;
}
