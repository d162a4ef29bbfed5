/**
 * The assessment as the partner API carries it: the engine works in pence throughout, and this is the one
 * place where its figures become pounds (a number with at most two decimals, model/money.ts toMajor) and
 * take the shape of the Veqtrx figures and the evidence record. No rule is applied here: every figure
 * arrives rounded to the penny, and is only written out.
 */
import { isCategory, type AssessmentFigures, type Category } from '../model/assessment.ts';
import { toMajor } from '../model/money.ts';
import { isoDate } from './calendar.ts';
import type { Row } from './classify.ts';
import type { ExpenditureResult } from './expenditure.ts';
import type { IncomeResult } from './income.ts';
import type { Period } from './period.ts';
import { fractionToPercent, stressToWire, type CreditMinor } from './credit.ts';
import { explanationsOf } from './explanations.ts';
import {
  cashShareOf,
  gamblingShareOf,
  incomeOf,
  monthLabel,
  spendingOf,
  type MonthMinor,
  type ReconciliationMinor,
  type SeriesMinor,
} from './series.ts';
import { RecordLayout } from '../lib/columnar.ts';
import type {
  CategoryEvidence,
  ColumnarEngineResult,
  CategoryFigures,
  EngineResult,
  Evidence,
  ExclusionEvidence,
  ExclusionReason,
  ExpenditureLine,
  IncomeStream,
  LedgerRow,
  Line,
  MonthlySeries,
  ProposedCreditEvidence,
  SeriesMonth,
  RiskFlagEvidence,
  Stream,
  VulnerabilityDriver,
  VulnerabilityEvidence,
} from './types.ts';

/** An amount held back from the affordable amount, and why. */
export interface Adjustment {
  reason: string;
  amountMinor: number;
  rule: string;
}

/** Everything the engine decided, in pence (assess.ts). */
export interface Assessed {
  engineVersion: string;
  dictionaryVersion: string;
  now: Date;
  today: number;
  /** The transactions' currency; null when there were none. */
  currency: string | null;
  rows: readonly Row[];
  period: Period | undefined;
  /** Months monthly averages are taken over (1 when there is no history). */
  averagingMonths: number;
  analyzed: number;
  pairs: number;
  income: IncomeResult;
  declaredMinor: number | undefined;
  incomeMinor: number;
  basis: Evidence['income']['basis'];
  expenditure: ExpenditureResult;
  expenditureMinor: number;
  disposableMinor: number;
  adjustments: Adjustment[];
  affordableMinor: number;
  score: number;
  risk: RiskFlagEvidence[];
  vulnerabilityFlags: string[];
  declaredVulnerabilities: string[];
  detected: VulnerabilityEvidence[];
  confidence: Evidence['confidence'];
  fca: Evidence['fca'];
  guidelinesSource: string | null;
  series: SeriesMinor;
  reconciliation: ReconciliationMinor[];
  credit?: CreditMinor;
}

export function toWire(a: Assessed): EngineResult {
  return wire(a, (rows) => rows.map((r) => LEDGER.record(r)));
}

/** The same, the evidence's ledger in the columnar form it is stored in: its rows are never built. */
export function toWireColumnar(a: Assessed): ColumnarEngineResult {
  return wire(a, (rows) => LEDGER.columns(rows));
}

function wire<L>(
  a: Assessed,
  ledger: (rows: readonly Row[]) => L,
): { assessment: AssessmentFigures; evidence: Omit<Evidence, 'ledger'> & { ledger: L } } {
  const { rows, period, expenditure: exp } = a;
  const categories: Partial<Record<Category, number>> = {};
  for (const [c, minor] of exp.categoriesMinor) categories[c] = toMajor(minor);

  const assessment: AssessmentFigures = {
    monthly_income: toMajor(a.incomeMinor),
    monthly_expenditure: toMajor(a.expenditureMinor),
    disposable_income: toMajor(a.disposableMinor),
    affordable_amount: toMajor(a.affordableMinor),
    affordability_score: a.score,
    categories,
    fca_compliant: a.fca.compliant,
    risk_flags: a.risk.map((r) => r.code),
    vulnerability_flags: a.vulnerabilityFlags,
    transactions_analyzed: a.analyzed,
    confidence_score: a.confidence.score,
    months_analyzed: period?.monthsAnalyzed ?? 0,
  };

  const byDriver: Record<VulnerabilityDriver, string[]> = {
    health: [],
    life_events: [],
    resilience: [],
    capability: [],
  };
  for (const d of a.detected) byDriver[d.driver].push(d.code);
  const tally = new Map<Row['treatment'], number>();
  for (const r of rows) tally.set(r.treatment, (tally.get(r.treatment) ?? 0) + 1);
  const count = (t: Row['treatment']) => tally.get(t) ?? 0;
  const evidence: Omit<Evidence, 'ledger'> & { ledger: L } = {
    engine_version: a.engineVersion,
    dictionary_version: a.dictionaryVersion,
    assessed_at: a.now.toISOString(),
    currency: a.currency,
    period: {
      first_date: period ? isoDate(period.first) : null,
      last_date: period ? isoDate(period.last) : null,
      days: period?.days ?? 0,
      months_exact: period ? Math.round(period.monthsExact * 1000) / 1000 : 0,
      months_analyzed: period?.monthsAnalyzed ?? 0,
      averaging_months: Math.round(a.averagingMonths * 1000) / 1000,
    },
    counts: {
      received: rows.length,
      analyzed: a.analyzed,
      excluded: count('excluded'),
      income: count('income'),
      expenditure: count('expenditure'),
      savings: count('savings'),
      refunds: count('refund'),
    },
    exclusions: exclusionsOf(rows, a.today),
    income: {
      verified_monthly: toMajor(a.income.verifiedMinor),
      declared_monthly: a.declaredMinor === undefined ? null : toMajor(a.declaredMinor),
      used_monthly: toMajor(a.incomeMinor),
      basis: a.basis,
      streams: a.income.streams.map(streamOf),
    },
    expenditure: {
      monthly_total: toMajor(a.expenditureMinor),
      committed_monthly: toMajor(exp.classMinor.committed),
      essential_monthly: toMajor(exp.classMinor.essential),
      discretionary_monthly: toMajor(exp.classMinor.discretionary),
      categories: categoriesOf(exp.figures),
      savings: {
        monthly_amount: toMajor(exp.savingsMinor),
        refs: exp.savingsRefs,
        note: 'Payments into savings and investments are not expenditure: they are not in `categories` and do not reduce disposable income.',
      },
      own_account_transfers: {
        pairs: a.pairs,
        refs: rows.filter((r) => r.reason === 'own_account_transfer').map((r) => r.ref),
        note: "Both legs of a transfer between the customer's own accounts are excluded from income and expenditure.",
      },
      gambling: {
        gross_monthly: toMajor(exp.gambling.grossMinor),
        winnings_monthly: toMajor(exp.gambling.winningsMinor),
        net_monthly: toMajor(exp.categoriesMinor.get('Gambling') ?? 0),
      },
      guidelines_source: a.guidelinesSource,
    },
    affordable: {
      disposable_income: toMajor(a.disposableMinor),
      adjustments: a.adjustments.map((x) => ({
        reason: x.reason,
        amount: toMajor(x.amountMinor),
        rule: x.rule,
      })),
      affordable_amount: toMajor(a.affordableMinor),
    },
    risk_flags: a.risk,
    vulnerability: { declared: a.declaredVulnerabilities, detected: a.detected, by_driver: byDriver },
    confidence: a.confidence,
    fca: a.fca,
    series: seriesOf(a),
    ...(a.credit ? { proposed_credit: creditOf(a.credit, a.disposableMinor) } : {}),
    explanations: explanationsOf([
      ...a.risk.map((r) => r.code),
      ...a.detected.map((d) => d.code),
      ...(a.credit?.reasons ?? []),
    ]),
    ledger: ledger(rows),
  };
  return { assessment, evidence };
}

const share = (x: number | undefined): number | null =>
  x === undefined ? null : Math.round(x * 10_000) / 10_000;

/** A map of pence in pounds, its keys in order. */
function majorOf(m: ReadonlyMap<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1))) out[k] = toMajor(v);
  return out;
}

function categoriesMajor(m: ReadonlyMap<Category, number>): Partial<Record<Category, number>> {
  const out: Partial<Record<Category, number>> = {};
  for (const [k, v] of [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1))) out[k] = toMajor(v);
  return out;
}

function monthOf(m: MonthMinor): SeriesMonth {
  return {
    month: monthLabel(m.index),
    days: m.days,
    complete: m.complete,
    income: { total: toMajor(incomeOf(m)), streams: majorOf(m.incomeByStream) },
    ended_income: majorOf(m.endedByStream),
    spending: {
      total: toMajor(spendingOf(m)),
      categories: categoriesMajor(m.byCategory),
      committed: toMajor(m.byClass.committed),
      essential: toMajor(m.byClass.essential),
      discretionary: toMajor(m.byClass.discretionary),
      refunds: toMajor(m.refunds),
    },
    savings: toMajor(m.savings),
    gambling_gross: toMajor(m.gamblingGross),
    gambling_share: share(gamblingShareOf(m)),
    cash_share: share(cashShareOf(m)),
    end_balance: m.balances.length ? toMajor(m.balances.reduce((t, b) => t + b.minor, 0)) : null,
    end_balances: m.balances.map((b) => ({
      account_id: b.account,
      balance: toMajor(b.minor),
      date: isoDate(b.day),
    })),
    overdraft_days: m.overdraftDays ?? null,
  };
}

function seriesOf(a: Assessed): MonthlySeries {
  return {
    rule: 'series.months',
    currency: a.currency,
    averaging_months: Math.round(a.averagingMonths * 1000) / 1000,
    months: a.series.months.map(monthOf),
    trends: a.series.trends.map((t) => {
      const amount = t.id === 'income_slope' || t.id === 'spending_slope';
      return {
        id: t.id,
        rule: t.rule,
        value: t.slope === undefined ? null : amount ? toMajor(Math.round(t.slope)) : share(t.slope),
        unit: amount ? 'amount_per_month' : 'share_per_month',
        relative: share(t.relative),
        months: t.months.map(monthLabel),
      };
    }),
    reconciliation: a.reconciliation.map((r) => ({
      figure: r.figure,
      observed_average: toMajor(r.observedMinor),
      assessment: toMajor(r.assessmentMinor),
      difference: toMajor(r.assessmentMinor - r.observedMinor),
      rules: r.rules,
    })),
  };
}

function creditOf(c: CreditMinor, disposableMinor: number): ProposedCreditEvidence {
  return {
    amount: toMajor(c.amountMinor),
    term_months: c.termMonths,
    apr: fractionToPercent(c.apr),
    apr_basis: c.aprBasis,
    monthly_repayment: toMajor(c.repaymentMinor),
    repayment_basis: c.repaymentBasis,
    monthly_rate: Math.round(c.monthlyRate * 1e8) / 1e8,
    total_payable: toMajor(c.totalPayableMinor),
    rule: 'credit.repayment',
    formula:
      c.repaymentBasis === 'amortised'
        ? 'repayment = amount × r ÷ (1 − (1 + r)^−term_months), r = (1 + APR)^(1/12) − 1, to the penny (amount ÷ term_months at 0%)'
        : 'the repayment as stated; APR implied: the rate at which the repayments repay the amount over the term',
    disposable_income: toMajor(disposableMinor),
    disposable_after_repayment: toMajor(disposableMinor - c.repaymentMinor),
    stress: {
      parameters: stressToWire(c.parameters),
      source: c.parametersSource,
      measured_income_volatility: Math.round(c.volatility * 1000) / 1000,
      variable_rate_commitments: toMajor(c.variableMinor),
      variable_rate_factor: Math.round(c.rateFactor * 10_000) / 10_000,
      essential_costs: toMajor(c.essentialMinor),
    },
    scenarios: c.scenarios.map((s) => ({
      scenario: s.scenario,
      rule: s.rule,
      monthly_income: toMajor(s.incomeMinor),
      monthly_expenditure: toMajor(s.expenditureMinor),
      monthly_repayment: toMajor(s.repaymentMinor),
      disposable_after_repayment: toMajor(s.afterMinor),
      passes: s.passes,
      detail: s.detail,
    })),
    verdict: c.verdict,
    reasons: c.reasons,
  };
}

function streamOf(s: Stream): IncomeStream {
  const w: IncomeStream = {
    id: s.id,
    type: s.type,
    payer: s.payer,
    cadence: s.cadence,
    status: s.status,
    payments: s.payments,
    missed_payments: s.missed_payments,
    first_date: s.first_date,
    last_date: s.last_date,
    typical_amount: toMajor(s.typicalMinor),
    monthly_amount: toMajor(s.monthlyMinor),
    variability: s.variability,
    basis: s.basis,
    refs: s.refs,
  };
  if (s.benefit) w.benefit = s.benefit;
  return w;
}

function categoriesOf(
  figures: Partial<Record<Category, CategoryFigures>>,
): Partial<Record<Category, CategoryEvidence>> {
  const out: Partial<Record<Category, CategoryEvidence>> = {};
  for (const [c, f] of Object.entries(figures)) {
    if (!isCategory(c)) continue; // the keys of a Record<Category, …>
    const ev: CategoryEvidence = {
      monthly_amount: toMajor(f.monthlyMinor),
      gross_monthly_amount: toMajor(f.grossMinor),
      refunds_monthly: toMajor(f.refundsMinor),
      class_split: Object.fromEntries(Object.entries(f.classSplit).map(([k, v]) => [k, toMajor(v)])),
      lines: f.lines.map(lineOf),
    };
    if (f.guideline)
      ev.guideline = {
        guideline_monthly: toMajor(f.guideline.guidelineMinor),
        observed_monthly: toMajor(f.guideline.observedMinor),
        applied: f.guideline.applied,
      };
    out[c] = ev;
  }
  return out;
}

function lineOf(l: Line): ExpenditureLine {
  const w: ExpenditureLine = {
    payee: l.payee,
    class: l.class,
    cadence: l.cadence,
    payments: l.payments,
    monthly_amount: toMajor(l.monthlyMinor),
    basis: l.basis,
    refs: l.refs,
  };
  if (l.kind) w.kind = l.kind;
  if (l.missed_payments !== undefined) w.missed_payments = l.missed_payments;
  return w;
}

/**
 * Why each excluded transaction is left out of income and expenditure, in words for the evidence.
 * A Record: a new ExclusionReason does not compile until it is explained here.
 */
const EXCLUSION_DETAIL: Record<ExclusionReason, string> = {
  future_dated:
    'dated after the day of the assessment (UK time): not yet booked, so left out of every figure',
  zero_amount: 'a zero amount: counted as analysed, moves no money',
  duplicate: 'the same provider transaction id seen again in the same account: counted once',
  own_account_transfer: "one leg of a transfer between the customer's own accounts",
  refund_unmatched: 'a refund with no matching spending in the period',
  loan_disbursement: 'a loan paid in: borrowed money is not income',
  gambling_winnings: 'gambling winnings: netted against gambling spend, not income',
  returned_payment_reversal: 'a returned or reversed payment coming back',
  transfer_in: 'a transfer in, not earnings',
  one_off_transfer_in: 'a one-off transfer in, not regular income',
  irregular_transfer_in: 'irregular transfers in, not regular income',
  income_stream_ended: 'a payment from an income stream that has ended',
};

/** The excluded transactions by reason (the ledger gives each one): counts, refs and why, most first. */
function exclusionsOf(rows: readonly Row[], today: number): ExclusionEvidence[] {
  const byReason = new Map<ExclusionReason, string[]>();
  for (const r of rows) {
    if (r.treatment !== 'excluded' || !r.reason) continue;
    const refs = byReason.get(r.reason);
    if (refs) refs.push(r.ref);
    else byReason.set(r.reason, [r.ref]);
  }
  return [...byReason]
    .map(([reason, refs]) => ({
      reason,
      count: refs.length,
      detail:
        reason === 'future_dated'
          ? `${EXCLUSION_DETAIL[reason]} (the assessment is as of ${isoDate(today)})`
          : EXCLUSION_DETAIL[reason],
      refs,
    }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

/**
 * A ledger row — what the engine decided about one transaction, and why — read from the engine's row, in
 * the order of its keys in the evidence. The same rule gives the rows (`record`) and, for storing, their
 * columnar form without building them (`columns`).
 */
export const LEDGER = new RecordLayout<Row, LedgerRow>({
  ref: (r) => r.ref,
  date: (r) => r.tx.date,
  amount: (r) => toMajor(r.tx.amount_minor),
  account_id: (r) => r.tx.account_id,
  merchant_name: (r) => r.tx.merchant_name,
  rule: (r) => r.rule,
  treatment: (r) => r.treatment ?? 'excluded',
  source_ref: (r) => r.tx.source_ref || undefined,
  matched_merchant: (r) => r.match?.entry.name,
  kind: (r) => r.kind || undefined,
  category: (r) => (spends(r) ? r.category : r.treatment === 'savings' ? 'Savings' : undefined),
  class: (r) => (spends(r) ? r.cls : r.treatment === 'savings' ? 'savings' : undefined),
  stream: (r) => r.stream || undefined,
  reason: (r) => r.reason || undefined,
});

/** A row whose category and class the ledger gives: spending, or a refund netted against it. */
const spends = (r: Row) => r.treatment === 'expenditure' || r.treatment === 'refund';
