/**
 * Stage 5: risk flags (stable snake_case codes, each with the rule that raised it and the transactions
 * behind it) and vulnerability indicators grouped by the FCA's four drivers (FG21/1).
 */
import { present } from '../lib/narrow.ts';
import { formatMoney } from '../model/money.ts';
import type { Row } from './classify.ts';
import type { MissedCommitment } from './expenditure.ts';
import { EARNED, incomeWeight } from './income.ts';
import { monthsWith, type Period } from './period.ts';
import { THRESHOLDS as T } from './thresholds.ts';
import type {
  Evidence,
  RiskFlagEvidence,
  Stream,
  VulnerabilityDriver,
  VulnerabilityEvidence,
} from './types.ts';

export interface FlagInput {
  rows: readonly Row[];
  period: Period | undefined;
  today: number;
  analyzed: number;
  streams: readonly Stream[];
  incomeMinor: number;
  verifiedMinor: number;
  declaredMinor: number | undefined;
  /** How the income used was chosen (income.ts, incomeUsed): a declaration well above the verified figure is a flag. */
  basis: Evidence['income']['basis'];
  expenditureMinor: number;
  disposableMinor: number;
  cashMinor: number;
  gamblingGrossMinor: number;
  /** Housing and credit commitments whose schedule shows a missed payment. */
  missed: readonly MissedCommitment[];
  /** ISO 4217 code of the transactions: amounts in the evidence text carry its symbol. */
  currency: string;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** A negative running balance, or a debit of overdraft interest or fees. */
const overdrawn = (r: Row) =>
  (r.tx.balance_minor !== undefined && r.tx.balance_minor < 0) || (r.out && r.signals.overdraft);

const SIGNIFICANT_EXCLUSIONS: ReadonlySet<string> = new Set([
  'own_account_transfer',
  'loan_disbursement',
  'gambling_winnings',
  'returned_payment_reversal',
]);

/** The variability of earned income, each active earned stream weighted by its monthly amount. */
export function incomeVolatility(streams: readonly Stream[]): number {
  let weight = 0,
    acc = 0;
  for (const s of streams) {
    if (s.status !== 'active' || !EARNED.has(s.type)) continue;
    const w = incomeWeight(s);
    weight += w;
    acc += w * s.variability;
  }
  return weight > 0 ? acc / weight : 0;
}

export function riskFlags(f: FlagInput): RiskFlagEvidence[] {
  const flags: RiskFlagEvidence[] = [];
  const money = (minor: number) => formatMoney(minor, f.currency);
  const raise = (code: string, rule: string, observed: number | string, refs: readonly Row[] = []) =>
    flags.push({ code, rule, observed, refs: refs.map((r) => r.ref) });
  // One pass: rows by kind, and rows carrying each signal. Excluded rows still count where what they
  // are matters (a payday loan paid in, a reversed direct debit, winnings, an own-account transfer).
  const byKind = new Map<string, Row[]>();
  const overdrawnRows: Row[] = [],
    unarranged: Row[] = [],
    returned: Row[] = [];
  for (const r of f.rows) {
    if (r.treatment === 'excluded' && !(r.reason !== undefined && SIGNIFICANT_EXCLUSIONS.has(r.reason)))
      continue;
    if (r.kind) {
      const list = byKind.get(r.kind);
      if (list) list.push(r);
      else byKind.set(r.kind, [r]);
    }
    if (overdrawn(r)) overdrawnRows.push(r);
    if (r.signals.unarranged) unarranged.push(r);
    if (r.signals.returned) returned.push(r);
  }
  const ofKind = (kind: string, out?: boolean) =>
    (byKind.get(kind) ?? []).filter((r) => out === undefined || r.out === out);

  // Gambling, relative to income (gross stakes: winnings do not reduce the exposure).
  const gamblingRows = ofKind('gambling', true);
  if (f.gamblingGrossMinor > 0) {
    const share = f.incomeMinor > 0 ? f.gamblingGrossMinor / f.incomeMinor : Infinity;
    if (f.incomeMinor > 0 ? share >= T.gamblingShare : f.gamblingGrossMinor >= T.gamblingMinMonthlyMinor) {
      raise(
        'gambling',
        `gambling spend >= ${pct(T.gamblingShare)} of monthly income`,
        f.incomeMinor > 0 ? pct(share) : money(f.gamblingGrossMinor),
        gamblingRows,
      );
    }
    const high =
      f.incomeMinor > 0
        ? share >= T.gamblingHighShare
        : f.gamblingGrossMinor >= T.gamblingHighMinMonthlyMinor;
    if (high)
      raise(
        'gambling_high',
        `gambling spend >= ${pct(T.gamblingHighShare)} of monthly income`,
        f.incomeMinor > 0 ? pct(share) : 'no verified income',
        gamblingRows,
      );
  }

  if (overdrawnRows.length)
    raise(
      'overdraft_usage',
      'a negative running balance, or overdraft interest or fees',
      overdrawnRows.length,
      overdrawnRows,
    );
  if (unarranged.length)
    raise(
      'unarranged_overdraft',
      'an unarranged (unplanned) overdraft charge or notice',
      unarranged.length,
      unarranged,
    );
  if (returned.length)
    raise(
      'returned_payments',
      'at least one returned or unpaid payment (or its fee)',
      returned.length,
      returned,
    );
  const payday = ofKind('payday');
  if (payday.length)
    raise('payday_loans', 'any payment to or from a payday (HCSTC) lender', payday.length, payday);
  const highCost = ofKind('high_cost_credit');
  if (highCost.length)
    raise(
      'high_cost_credit',
      'any payment to or from another high-cost lender (doorstep, guarantor, logbook, rent-to-own)',
      highCost.length,
      highCost,
    );
  const bnpl = ofKind('bnpl', true);
  if (monthsWith(bnpl) >= T.bnplMinMonths)
    raise('bnpl_usage', `BNPL repayments in >= ${T.bnplMinMonths} calendar months`, monthsWith(bnpl), bnpl);
  const collectors = ofKind('debt_collector', true);
  if (collectors.length)
    raise(
      'debt_collection',
      'any payment to a debt collection or enforcement agency',
      collectors.length,
      collectors,
    );
  if (
    f.expenditureMinor > 0 &&
    f.cashMinor >= T.highCashMinMonthlyMinor &&
    f.cashMinor / f.expenditureMinor >= T.highCashShare
  ) {
    raise(
      'high_cash_usage',
      `cash withdrawals >= ${pct(T.highCashShare)} of expenditure and >= ${money(T.highCashMinMonthlyMinor)} a month`,
      pct(f.cashMinor / f.expenditureMinor),
      ofKind('cash', true),
    );
  }
  const vol = incomeVolatility(f.streams);
  if (vol > T.incomeVolatilityCv)
    raise(
      'income_volatility',
      `income-weighted variability of earned income > ${T.incomeVolatilityCv}`,
      Math.round(vol * 1000) / 1000,
    );
  if (f.missed.length) {
    const missedRefs = f.missed.flatMap((m) => m.refs);
    flags.push({
      code: 'missed_payments',
      rule: 'a scheduled housing or credit payment (mortgage, rent, loan, card, BNPL) missed inside the history or overdue at its end',
      observed: f.missed
        .map((m) => `${m.payee}: ${m.missed} missed (${m.cadence}${m.overdue ? ', the latest overdue' : ''})`)
        .join('; '),
      refs: missedRefs,
    });
  }
  if (f.disposableMinor < 0)
    raise(
      'negative_disposable_income',
      'monthly expenditure exceeds monthly income',
      money(f.disposableMinor),
    );
  if (f.basis === 'verified_declared_higher') {
    raise(
      'income_discrepancy',
      `declared income more than ${pct(T.incomeDiscrepancyRatio)} above verified income`,
      `declared ${money(present(f.declaredMinor, 'declared income'))}, verified ${money(f.verifiedMinor)}`,
    );
  }
  const monthsAnalyzed = f.period?.monthsAnalyzed ?? 0;
  if (monthsAnalyzed < T.minMonths)
    raise('insufficient_history', `fewer than ${T.minMonths} months of transactions`, monthsAnalyzed);
  const perMonth = f.period ? f.analyzed / f.period.averagingMonths : 0;
  if (f.analyzed < T.minTransactions || perMonth < T.minTransactionsPerMonth) {
    raise(
      'too_few_transactions',
      `fewer than ${T.minTransactions} transactions, or fewer than ${T.minTransactionsPerMonth} a month`,
      f.analyzed,
    );
  }
  if (f.verifiedMinor === 0)
    raise('no_verified_income', 'no income could be established from the transactions', 0);
  if (f.period && f.today - f.period.last > T.staleAfterDays)
    raise(
      'stale_data',
      `the latest transaction is more than ${T.staleAfterDays} days old`,
      f.today - f.period.last,
    );
  return flags.sort((a, b) => (a.code < b.code ? -1 : 1));
}

const BENEFIT_INDICATORS: Record<string, { code: string; driver: VulnerabilityDriver }> = {
  pip: { code: 'health_disability_benefits', driver: 'health' },
  dla: { code: 'health_disability_benefits', driver: 'health' },
  attendance_allowance: { code: 'health_disability_benefits', driver: 'health' },
  esa: { code: 'health_sickness_benefits', driver: 'health' },
  carers_allowance: { code: 'life_events_caring_responsibilities', driver: 'life_events' },
  bereavement_support: { code: 'life_events_bereavement', driver: 'life_events' },
};

/** The order detected indicators are reported in. */
const DRIVER_ORDER: VulnerabilityDriver[] = ['health', 'life_events', 'resilience', 'capability'];

export function vulnerabilityIndicators(
  f: FlagInput,
  risk: readonly RiskFlagEvidence[],
): VulnerabilityEvidence[] {
  const out = new Map<string, VulnerabilityEvidence>();
  const add = (code: string, driver: VulnerabilityDriver, rule: string, refs: readonly string[]) => {
    const existing = out.get(code);
    if (existing) existing.refs = [...new Set([...existing.refs, ...refs])];
    else out.set(code, { code, driver, rule, refs: [...refs] });
  };
  for (const s of f.streams) {
    const ind = s.benefit ? BENEFIT_INDICATORS[s.benefit] : undefined;
    if (ind) add(ind.code, ind.driver, `income from ${s.payer}`, s.refs);
    // An earned stream that stopped is an income loss unless a new earned stream took its place (a
    // change of employer): one that began after the stopped stream began and is still paying.
    const replaced = f.streams.some(
      (o) => o !== s && o.status === 'active' && EARNED.has(o.type) && o.first_date > s.first_date,
    );
    if (s.status === 'ended' && (s.type === 'employment' || s.type === 'self_employment') && !replaced) {
      add(
        'life_events_income_loss',
        'life_events',
        `regular earned income from ${s.payer} stopped after ${s.last_date}`,
        s.refs,
      );
    }
  }
  const flag = (code: string) => risk.find((r) => r.code === code);
  const overdraftMonths = monthsWith(
    f.rows.filter((r) => (r.treatment !== 'excluded' || r.reason === 'own_account_transfer') && overdrawn(r)),
  );
  if (overdraftMonths >= T.persistentOverdraftMonths) {
    add(
      'resilience_persistent_overdraft',
      'resilience',
      `overdrawn or charged overdraft interest in >= ${T.persistentOverdraftMonths} calendar months`,
      flag('overdraft_usage')?.refs ?? [],
    );
  }
  const collection = flag('debt_collection');
  if (collection)
    add(
      'resilience_debt_collection',
      'resilience',
      'payments to a debt collection or enforcement agency',
      collection.refs,
    );
  for (const code of ['payday_loans', 'high_cost_credit']) {
    const r = flag(code);
    if (r)
      add('resilience_high_cost_credit', 'resilience', 'use of payday or other high-cost credit', r.refs);
  }
  const gambling = flag('gambling_high');
  if (gambling)
    add(
      'resilience_gambling_harm',
      'resilience',
      `gambling spend >= ${(T.gamblingHighShare * 100).toFixed(0)}% of income`,
      gambling.refs,
    );
  const returned = flag('returned_payments');
  if (returned && Number(returned.observed) >= T.returnedPaymentsVulnerable) {
    add(
      'resilience_returned_payments',
      'resilience',
      `>= ${T.returnedPaymentsVulnerable} returned or unpaid payments`,
      returned.refs,
    );
  }
  const missed = flag('missed_payments');
  if (missed)
    add('resilience_missed_commitments', 'resilience', 'a housing or credit payment missed', missed.refs);
  if (flag('negative_disposable_income'))
    add('resilience_negative_budget', 'resilience', 'expenditure exceeds income', []);
  const charged = f.rows.filter(
    (r) => r.out && (r.signals.unarranged || r.signals.returned) && r.kind === 'bank_fee',
  );
  if (monthsWith(charged) >= T.repeatedChargesMonths) {
    add(
      'capability_repeated_bank_charges',
      'capability',
      `charges for unpaid items or unarranged borrowing in >= ${T.repeatedChargesMonths} calendar months`,
      charged.map((r) => r.ref),
    );
  }
  return [...out.values()].sort(
    (a, b) => DRIVER_ORDER.indexOf(a.driver) - DRIVER_ORDER.indexOf(b.driver) || (a.code < b.code ? -1 : 1),
  );
}
