/**
 * Stage 4: debits. Savings are set aside (not expenditure); everything else is expenditure in its
 * category. Within a category, payments to one payee that follow a schedule (rent, council tax, a
 * phone contract) are averaged by their cadence; everything else is total / months. Refunds and
 * gambling winnings are netted; spending guidelines lift the flexible categories.
 */
import { at, first } from '../lib/narrow.ts';
import { CATEGORIES, type Category } from '../model/assessment.ts';
import type { Circumstances } from '../model/circumstances.ts';
import type { Money } from '../model/money.ts';
import { detectCadence, DRIFT_TOLERANCE, PER_MONTH, PERIOD_DAYS } from './cadence.ts';
import type { Row } from './classify.ts';
import { FLEXIBLE_CATEGORIES, type FlexibleCategory, type SpendClass } from './kinds.ts';
import { averaged, perMonth, perPayment, scheduleEnded, takenAsMonthly, viaPounds } from './monthly.ts';
import type { Period } from './period.ts';
import { cv, sum } from './stats.ts';
import { THRESHOLDS } from './thresholds.ts';
import type { CategoryFigures, Line, SpendingGuidelines } from './types.ts';

export interface ExpenditureResult {
  /** Monthly pence per expenditure category (net, after guidelines), only categories above zero. */
  categoriesMinor: Map<Category, number>;
  /** Every category with spending or a guideline, with its lines (the evidence's `categories`). */
  figures: Partial<Record<Category, CategoryFigures>>;
  classMinor: Record<'committed' | 'essential' | 'discretionary', number>;
  savingsMinor: number;
  savingsRefs: string[];
  gambling: { grossMinor: number; winningsMinor: number };
  /** Housing and credit commitments with a missed payment. */
  missed: MissedCommitment[];
}

const isFlexible = (c: Category): c is FlexibleCategory => FLEXIBLE_CATEGORIES.some((f) => f === c);

/** The counterparty → category map used to recognise refunds (the category most paid to them). */
export function payeeCategories(debits: readonly Row[]): Map<string, Category> {
  const tallies = new Map<string, Map<Category, number>>();
  for (const r of debits) {
    const t = tallies.get(r.key) ?? new Map<Category, number>();
    t.set(r.category, (t.get(r.category) ?? 0) + 1);
    tallies.set(r.key, t);
  }
  const out = new Map<string, Category>();
  for (const [key, t] of tallies) {
    let best: Category | undefined;
    for (const c of CATEGORIES) if ((t.get(c) ?? 0) > (best ? (t.get(best) ?? 0) : 0)) best = c;
    if (best && best !== 'Savings') out.set(key, best);
  }
  return out;
}

/** Kinds whose missed payment is a sign of arrears (housing and credit; not council tax, which many pay in ten instalments). */
const ARREARS_KINDS: ReadonlySet<string> = new Set([
  'mortgage',
  'rent',
  'social_rent',
  'lender',
  'credit_card',
  'bnpl',
  'catalogue_credit',
  'payday',
  'high_cost_credit',
]);

/** A committed payment whose schedule shows a slot without a payment, inside the history or at its end. */
export interface MissedCommitment {
  payee: string;
  kind: string | undefined;
  cadence: string;
  missed: number;
  overdue: boolean;
  refs: string[];
}

/**
 * One payee's payments in a category, a month: by its schedule when it has one, else averaged over the
 * history. `exact` is the pence a month the category sums (viaPounds), `line` the evidence to the penny.
 */
function line(
  rows: Row[],
  period: Period,
  money: Money,
): { exact: number; line: Line; missed?: MissedCommitment } {
  const amounts = rows.map((r) => r.abs);
  const total = sum(amounts);
  const head = first(rows);
  const cls = head.cls;
  const kind = head.kind;
  const n = rows.length;
  const eligible =
    n >= 2 &&
    n <= THRESHOLDS.recurringMaxPayments &&
    (cls === 'committed' || (n >= 3 && cv(amounts) <= THRESHOLDS.recurringSpendMaxCv));
  const fit = eligible ? detectCadence(rows.map((r) => r.day)) : undefined;
  let monthly: number;
  let basis: string;
  let cadence: Line['cadence'] = 'irregular';
  let missed: MissedCommitment | undefined;
  const single = cls === 'committed' ? takenAsMonthly(n, period) : undefined;
  if (single) {
    cadence = 'assumed_monthly';
    monthly = total;
    basis = single;
  } else if (fit && (n >= 3 || cls === 'committed')) {
    cadence = fit.cadence;
    const lastDay = at(rows, n - 1, 'row').day;
    const quiet = period.last - lastDay;
    if (scheduleEnded(fit.cadence, quiet)) {
      const avg = averaged(total, period, money);
      monthly = avg.monthly;
      basis = `${fit.cadence} payments that stopped: ${avg.basis}`;
    } else {
      // A commitment is owed in full every period: a missed payment does not make it smaller.
      const perSlot = perPayment(total, fit, cls === 'committed');
      monthly = perMonth(perSlot, fit.cadence);
      basis = `${fit.cadence}: ${money(Math.round(perSlot))} per payment × ${PER_MONTH[fit.cadence].toFixed(4)} a month`;
      const overdue =
        quiet > PERIOD_DAYS[fit.cadence] + 2 * DRIFT_TOLERANCE[fit.cadence] + THRESHOLDS.overdueGraceDays;
      if (cls === 'committed' && fit.missed > 0)
        basis += ` (${fit.missed} scheduled payment${fit.missed > 1 ? 's' : ''} missed; the commitment is counted in full)`;
      if (cls === 'committed' && kind && ARREARS_KINDS.has(kind) && (fit.missed > 0 || overdue)) {
        missed = {
          payee: head.payee,
          kind,
          cadence: fit.cadence,
          missed: fit.missed + (overdue ? 1 : 0),
          overdue,
          refs: rows.map((r) => r.ref),
        };
      }
    }
  } else {
    ({ monthly, basis } = averaged(total, period, money));
  }
  const exact = viaPounds(monthly);
  const l: Line = {
    payee: head.payee,
    class: cls,
    cadence,
    payments: n,
    monthlyMinor: Math.round(exact),
    basis,
    refs: rows.map((r) => r.ref),
  };
  if (kind) l.kind = kind;
  if (fit && cadence !== 'irregular' && fit.missed > 0) l.missed_payments = fit.missed;
  return missed ? { exact, line: l, missed } : { exact, line: l };
}

function guidelineFor(
  g: SpendingGuidelines | undefined,
  c: Circumstances | undefined,
): Partial<Record<FlexibleCategory, number>> | undefined {
  if (!g || g.households.length === 0) return undefined;
  const adults = c?.household_adults ?? 1;
  const children = (c?.children_u16 ?? 0) + (c?.children_16_18 ?? 0);
  // Exact household first; otherwise the largest household the guidelines cover that does not exceed it.
  const exact = g.households.find((h) => h.adults === adults && h.children === children);
  if (exact) return exact.categories;
  const fits = g.households
    .filter((h) => h.adults <= adults && h.children <= children)
    .sort((a, b) => b.adults - a.adults || b.children - a.children);
  return fits[0]?.categories;
}

export function assessExpenditure(
  debits: readonly Row[],
  refunds: ReadonlyMap<Category, Row[]>,
  winnings: readonly Row[],
  period: Period,
  guidelines: SpendingGuidelines | undefined,
  circumstances: Circumstances | undefined,
  money: Money,
): ExpenditureResult {
  const savings: Row[] = [];
  const byCategory = new Map<Category, Map<string, Row[]>>();
  for (const r of debits) {
    if (r.abs === 0) continue;
    if (r.category === 'Savings' || r.cls === 'savings') {
      r.treatment = 'savings';
      savings.push(r);
      continue;
    }
    r.treatment = 'expenditure';
    const groups = byCategory.get(r.category) ?? new Map<string, Row[]>();
    const g = groups.get(r.key) ?? [];
    g.push(r);
    groups.set(r.key, g);
    byCategory.set(r.category, groups);
  }

  const guide = guidelineFor(guidelines, circumstances);
  const categoriesMinor = new Map<Category, number>();
  const figures: Partial<Record<Category, CategoryFigures>> = {};
  const classMinor = { committed: 0, essential: 0, discretionary: 0 };
  let gamblingGross = 0;
  const missed: MissedCommitment[] = [];
  const winningsMinor = sum(winnings.map((r) => r.abs)) / period.averagingMonths;

  for (const category of CATEGORIES) {
    if (category === 'Savings') continue;
    const groups = byCategory.get(category);
    const lines: Line[] = [];
    const exact: number[] = [];
    for (const rows of groups?.values() ?? []) {
      const l = line(rows, period, money);
      lines.push(l.line);
      exact.push(l.exact);
      if (l.missed) missed.push(l.missed);
    }
    const grossMinor = sum(exact);
    let offsetMinor = sum((refunds.get(category) ?? []).map((r) => r.abs)) / period.averagingMonths;
    if (category === 'Gambling') {
      gamblingGross = grossMinor;
      offsetMinor += winningsMinor;
    }
    let netMinor = Math.round(Math.max(0, grossMinor - offsetMinor));
    const split: Partial<Record<SpendClass, number>> = {};
    const scale = grossMinor > 0 ? netMinor / grossMinor : 0;
    lines.forEach((l, i) => {
      split[l.class] = (split[l.class] ?? 0) + at(exact, i) * scale; // exact[i] is lines[i]'s
    });

    let guideline: CategoryFigures['guideline'];
    const g = isFlexible(category) ? guide?.[category] : undefined;
    if (g !== undefined) {
      const applied = netMinor < g;
      guideline = { guidelineMinor: g, observedMinor: netMinor, applied };
      if (applied) {
        split.essential = (split.essential ?? 0) + (g - netMinor);
        netMinor = g;
      }
    }
    if (netMinor <= 0 && lines.length === 0 && !guideline) continue;
    if (netMinor > 0) categoriesMinor.set(category, netMinor);
    classMinor.committed += split.committed ?? 0;
    classMinor.essential += split.essential ?? 0;
    classMinor.discretionary += split.discretionary ?? 0;
    const f: CategoryFigures = {
      monthlyMinor: netMinor,
      grossMinor: Math.round(grossMinor),
      refundsMinor: Math.round(offsetMinor),
      classSplit: Object.fromEntries(Object.entries(split).map(([k, v]) => [k, Math.round(v)])),
      lines: lines.sort((a, b) => b.monthlyMinor - a.monthlyMinor || (a.payee < b.payee ? -1 : 1)),
    };
    if (guideline) f.guideline = guideline;
    figures[category] = f;
  }

  // Class totals in whole pence that add up exactly to the expenditure total.
  const total = sum([...categoriesMinor.values()]);
  const committed = Math.round(classMinor.committed);
  const essential = Math.min(total - committed, Math.round(classMinor.essential));
  return {
    categoriesMinor,
    figures,
    classMinor: { committed, essential, discretionary: total - committed - essential },
    savingsMinor: Math.round(sum(savings.map((r) => r.abs)) / period.averagingMonths),
    savingsRefs: savings.map((r) => r.ref),
    gambling: { grossMinor: Math.round(gamblingGross), winningsMinor: Math.round(winningsMinor) },
    missed,
  };
}
