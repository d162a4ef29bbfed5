/**
 * The affordability engine: a pure, deterministic function from transactions, circumstances, declared
 * income and the clock to the figures of a Veqtrx assessment plus the evidence behind every figure.
 * No I/O, no environment, no system clock. docs/engine.md is the reference for every rule.
 */
import type { AssessmentFigures, Category } from '../model/assessment.ts';
import { DEFAULT_CURRENCY, formatMoney, toMajor } from '../model/money.ts';
import { dayNumber, isoDate } from './calendar.ts';
import { classify, EngineInputError, excludeInvalid, pairOwnAccountTransfers, type Row } from './classify.ts';
import { confidence, fcaChecks } from './confidence.ts';
import { assessExpenditure, payeeCategories } from './expenditure.ts';
import { riskFlags, vulnerabilityIndicators } from './flags.ts';
import { findIncome, incomeUsed } from './income.ts';
import { UK_MERCHANTS } from './merchants.ts';
import { periodOf } from './period.ts';
import { clamp, sum } from './stats.ts';
import { THRESHOLDS } from './thresholds.ts';
import type { EngineInput, EngineResult, Evidence, ExclusionEvidence, ExclusionReason, LedgerRow, VulnerabilityDriver } from './types.ts';

export const ENGINE_VERSION = '1.0.0';

const LONDON_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day in the UK at `now` (bank data is dated in UK local time). */
function ukToday(now: Date): number {
  if (Number.isNaN(now.getTime())) throw new EngineInputError('invalid_date', 'now must be a valid date');
  return dayNumber(LONDON_DAY.format(now));
}

export function assess(input: EngineInput): EngineResult {
  const merchants = input.merchants ?? UK_MERCHANTS;
  const today = ukToday(input.now);
  const rows = classify(input.transactions, merchants);
  // classify has refused a mix, so the first row's currency is every row's.
  const currency = rows[0]?.tx.currency.toUpperCase() ?? DEFAULT_CURRENCY;
  const live = excludeInvalid(rows, today);
  const pairs = pairOwnAccountTransfers(live);
  const analyzed = live.length + rows.filter((r) => r.reason === 'zero_amount').length;
  const period = periodOf(live.map((r) => r.day));

  const debits = live.filter((r) => r.out && !r.treatment);
  const credits = live.filter((r) => !r.out && !r.treatment);
  const declaredMinor = input.declared_income_minor;

  const emptyPeriod = { first: today, last: today, days: 0, monthsExact: 0, monthsAnalyzed: 0, averagingMonths: 1, completeMonths: [] };
  const p = period ?? emptyPeriod;
  const money = (minor: number) => formatMoney(minor, currency);
  const income = findIncome(credits, p, payeeCategories(debits), money);
  const exp = assessExpenditure(debits, income.refunds, income.winnings, p, input.guidelines, input.circumstances, money);

  const verifiedMinor = income.verifiedMinor;
  const used = incomeUsed(verifiedMinor, declaredMinor);
  const incomeMinor = used.minor;
  const basis = used.basis;

  const expenditureMinor = sum([...exp.categoriesMinor.values()]);
  const disposableMinor = incomeMinor - expenditureMinor;

  const flagInput = {
    rows: live,
    period,
    today,
    analyzed,
    streams: income.streams,
    incomeMinor,
    verifiedMinor,
    declaredMinor,
    basis,
    expenditureMinor,
    disposableMinor,
    cashMinor: exp.categoriesMinor.get('Cash Withdrawals') ?? 0,
    gamblingGrossMinor: exp.gambling.grossMinor,
    missed: exp.missed,
    currency,
  };
  const risk = riskFlags(flagInput);
  const detected = vulnerabilityIndicators(flagInput, risk);

  // affordable_amount: disposable income, never negative, less any documented risk adjustment.
  const adjustments: Evidence['affordable']['adjustments'] = [];
  if (risk.some((r) => r.code === 'income_volatility') && incomeMinor > 0) {
    const amount = Math.round(incomeMinor * THRESHOLDS.volatilityBufferShare);
    adjustments.push({ reason: 'income_volatility', amount: toMajor(amount), rule: `${THRESHOLDS.volatilityBufferShare * 100}% of monthly income held back as a buffer against income shortfalls` });
  }
  const affordableMinor = Math.max(0, disposableMinor - sum(adjustments.map((a) => Math.round(a.amount * 100))));
  const score = incomeMinor > 0 ? clamp(Math.round((100 * disposableMinor) / incomeMinor), 0, 100) : 0;

  const conf = confidence(rows, period, income.streams);
  const fca = fcaChecks({ rows, period, committedMinor: exp.classMinor.committed, essentialMinor: exp.classMinor.essential, risk, circumstances: input.circumstances });

  const declaredCodes = dedupe(input.circumstances?.vulnerabilities ?? []);
  const vulnerabilityFlags = dedupe([...declaredCodes, ...detected.map((d) => d.code)]);
  const byDriver: Record<VulnerabilityDriver, string[]> = { health: [], life_events: [], resilience: [], capability: [] };
  for (const d of detected) byDriver[d.driver].push(d.code);

  const categories: Partial<Record<Category, number>> = {};
  for (const [c, minor] of exp.categoriesMinor) categories[c] = toMajor(minor);

  const assessment: AssessmentFigures = {
    monthly_income: toMajor(incomeMinor),
    monthly_expenditure: toMajor(expenditureMinor),
    disposable_income: toMajor(disposableMinor),
    affordable_amount: toMajor(affordableMinor),
    affordability_score: score,
    categories,
    fca_compliant: fca.compliant,
    risk_flags: risk.map((r) => r.code),
    vulnerability_flags: vulnerabilityFlags,
    transactions_analyzed: analyzed,
    confidence_score: conf.score,
    months_analyzed: period?.monthsAnalyzed ?? 0,
  };

  const tally = new Map<Row['treatment'], number>();
  for (const r of rows) tally.set(r.treatment, (tally.get(r.treatment) ?? 0) + 1);
  const count = (t: Row['treatment']) => tally.get(t) ?? 0;
  const evidence: Evidence = {
    engine_version: ENGINE_VERSION,
    dictionary_version: merchants.version,
    assessed_at: input.now.toISOString(),
    currency: rows.length ? currency : null,
    period: {
      first_date: period ? isoDate(period.first) : null,
      last_date: period ? isoDate(period.last) : null,
      days: period?.days ?? 0,
      months_exact: period ? Math.round(period.monthsExact * 1000) / 1000 : 0,
      months_analyzed: period?.monthsAnalyzed ?? 0,
      averaging_months: Math.round(p.averagingMonths * 1000) / 1000,
    },
    counts: {
      received: rows.length,
      analyzed,
      excluded: count('excluded'),
      income: count('income'),
      expenditure: count('expenditure'),
      savings: count('savings'),
      refunds: count('refund'),
    },
    exclusions: exclusionsOf(rows, today),
    income: {
      verified_monthly: toMajor(verifiedMinor),
      declared_monthly: declaredMinor === undefined ? null : toMajor(declaredMinor),
      used_monthly: toMajor(incomeMinor),
      basis,
      streams: income.streams,
    },
    expenditure: {
      monthly_total: toMajor(expenditureMinor),
      committed_monthly: toMajor(exp.classMinor.committed),
      essential_monthly: toMajor(exp.classMinor.essential),
      discretionary_monthly: toMajor(exp.classMinor.discretionary),
      categories: exp.evidence,
      savings: {
        monthly_amount: toMajor(exp.savingsMinor),
        refs: exp.savingsRefs,
        note: 'Payments into savings and investments are not expenditure: they are not in `categories` and do not reduce disposable income.',
      },
      own_account_transfers: {
        pairs,
        refs: rows.filter((r) => r.reason === 'own_account_transfer').map((r) => r.ref),
        note: 'Both legs of a transfer between the customer\'s own accounts are excluded from income and expenditure.',
      },
      gambling: { gross_monthly: toMajor(exp.gambling.grossMinor), winnings_monthly: toMajor(exp.gambling.winningsMinor), net_monthly: toMajor(exp.categoriesMinor.get('Gambling') ?? 0) },
      guidelines_source: input.guidelines?.source ?? null,
    },
    affordable: { disposable_income: toMajor(disposableMinor), adjustments, affordable_amount: toMajor(affordableMinor) },
    risk_flags: risk,
    vulnerability: { declared: declaredCodes, detected, by_driver: byDriver },
    confidence: conf,
    fca,
    ledger: rows.map(ledgerRow),
  };
  return { assessment, evidence };
}

/**
 * Why each excluded transaction is left out of income and expenditure, in words for the evidence.
 * A Record: a new ExclusionReason does not compile until it is explained here.
 */
const EXCLUSION_DETAIL: Record<ExclusionReason, string> = {
  future_dated: 'dated after the day of the assessment (UK time): not yet booked, so left out of every figure',
  zero_amount: 'a zero amount: counted as analysed, moves no money',
  duplicate: 'the same provider transaction id seen again in the same account: counted once',
  own_account_transfer: 'one leg of a transfer between the customer\'s own accounts',
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
      detail: reason === 'future_dated' ? `${EXCLUSION_DETAIL[reason]} (the assessment is as of ${isoDate(today)})` : EXCLUSION_DETAIL[reason],
      refs,
    }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

function dedupe(codes: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of codes) {
    const c = raw.trim();
    if (!c || seen.has(c)) continue;
    seen.add(c);
    out.push(c);
  }
  return out;
}

function ledgerRow(r: Row): LedgerRow {
  const l: LedgerRow = {
    ref: r.ref,
    date: r.tx.date,
    amount: toMajor(r.tx.amount_minor),
    account_id: r.tx.account_id,
    merchant_name: r.tx.merchant_name,
    rule: r.rule,
    treatment: r.treatment ?? 'excluded',
  };
  if (r.tx.source_ref) l.source_ref = r.tx.source_ref;
  if (r.match) l.matched_merchant = r.match.entry.name;
  if (r.kind) l.kind = r.kind;
  if (r.treatment === 'expenditure' || r.treatment === 'refund') { l.category = r.category; l.class = r.cls; }
  if (r.treatment === 'savings') { l.category = 'Savings'; l.class = 'savings'; }
  if (r.stream) l.stream = r.stream;
  if (r.reason) l.reason = r.reason;
  return l;
}
