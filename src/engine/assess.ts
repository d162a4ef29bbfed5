/**
 * The affordability engine: a pure, deterministic function from transactions, circumstances, declared
 * income and the clock to the figures of a Veqtrx assessment plus the evidence behind every figure.
 * No I/O, no environment, no system clock. docs/engine.md is the reference for every rule. Money is
 * pence throughout; wire.ts writes the result in the partner API's pounds.
 */
import { DEFAULT_CURRENCY, formatMoney } from '../model/money.ts';
import { dayNumber } from './calendar.ts';
import { classify, EngineInputError, excludeInvalid, pairOwnAccountTransfers } from './classify.ts';
import { confidence, fcaChecks } from './confidence.ts';
import { assessExpenditure, payeeCategories } from './expenditure.ts';
import { assessCredit } from './credit.ts';
import { incomeVolatility, riskFlags, vulnerabilityIndicators } from './flags.ts';
import { findIncome, incomeUsed } from './income.ts';
import { UK_MERCHANTS } from './merchants.ts';
import { periodOf } from './period.ts';
import { monthlySeries, reconcile } from './series.ts';
import { clamp, sum } from './stats.ts';
import { THRESHOLDS } from './thresholds.ts';
import type { ColumnarEngineResult, EngineInput, EngineResult } from './types.ts';
import { toWire, toWireColumnar, type Adjustment, type Assessed } from './wire.ts';

export const ENGINE_VERSION = '1.0.0';

const LONDON_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The calendar day in the UK at `now` (bank data is dated in UK local time). */
function ukToday(now: Date): number {
  if (Number.isNaN(now.getTime())) throw new EngineInputError('invalid_date', 'now must be a valid date');
  return dayNumber(LONDON_DAY.format(now));
}

export function assess(input: EngineInput): EngineResult {
  return toWire(assessMinor(input));
}

/**
 * The same assessment, its evidence's ledger in the columnar form it is stored in (src/store/evidence.ts),
 * made without building the ledger's rows: what the assessment workers run.
 */
export function assessColumnar(input: EngineInput): ColumnarEngineResult {
  return toWireColumnar(assessMinor(input));
}

/** Every rule applied, every figure in pence. */
export function assessMinor(input: EngineInput): Assessed {
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

  const emptyPeriod = {
    first: today,
    last: today,
    days: 0,
    monthsExact: 0,
    monthsAnalyzed: 0,
    averagingMonths: 1,
    completeMonths: [],
  };
  const p = period ?? emptyPeriod;
  const money = (minor: number) => formatMoney(minor, currency);
  const income = findIncome(credits, p, payeeCategories(debits), money);
  const exp = assessExpenditure(
    debits,
    income.refunds,
    income.winnings,
    p,
    input.guidelines,
    input.circumstances,
    money,
  );

  const verifiedMinor = income.verifiedMinor;
  const used = incomeUsed(verifiedMinor, declaredMinor);
  const incomeMinor = used.minor;
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
    basis: used.basis,
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
  const adjustments: Adjustment[] = [];
  if (risk.some((r) => r.code === 'income_volatility') && incomeMinor > 0) {
    const amountMinor = Math.round(incomeMinor * THRESHOLDS.volatilityBufferShare);
    adjustments.push({
      reason: 'income_volatility',
      amountMinor,
      rule: `${THRESHOLDS.volatilityBufferShare * 100}% of monthly income held back as a buffer against income shortfalls`,
    });
  }
  const affordableMinor = Math.max(0, disposableMinor - sum(adjustments.map((a) => a.amountMinor)));
  const score = incomeMinor > 0 ? clamp(Math.round((100 * disposableMinor) / incomeMinor), 0, 100) : 0;

  const conf = confidence(rows, period, income.streams);
  const fca = fcaChecks({
    rows,
    period,
    committedMinor: exp.classMinor.committed,
    essentialMinor: exp.classMinor.essential,
    risk,
    circumstances: input.circumstances,
  });

  const credit =
    input.proposed_credit &&
    assessCredit({
      proposal: input.proposed_credit,
      parameters: input.stress,
      incomeMinor,
      verifiedMinor,
      expenditureMinor,
      exp,
      volatility: incomeVolatility(income.streams),
      fcaCompliant: fca.compliant,
      money,
    });
  const series = monthlySeries(rows, period, income, exp);
  const reconciliation = reconcile(series, p.averagingMonths, income, exp, expenditureMinor);

  const declaredVulnerabilities = dedupe(input.circumstances?.vulnerabilities ?? []);
  return {
    engineVersion: ENGINE_VERSION,
    dictionaryVersion: merchants.version,
    now: input.now,
    today,
    currency: rows.length ? currency : null,
    rows,
    period,
    averagingMonths: p.averagingMonths,
    analyzed,
    pairs,
    income,
    declaredMinor,
    incomeMinor,
    basis: used.basis,
    expenditure: exp,
    expenditureMinor,
    disposableMinor,
    adjustments,
    affordableMinor,
    score,
    risk,
    vulnerabilityFlags: dedupe([...declaredVulnerabilities, ...detected.map((d) => d.code)]),
    declaredVulnerabilities,
    detected,
    confidence: conf,
    fca,
    guidelinesSource: input.guidelines?.source ?? null,
    series,
    reconciliation,
    ...(credit ? { credit } : {}),
  };
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
