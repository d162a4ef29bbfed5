/**
 * A proposed credit against the assessment (docs/engine.md § Proposed credit): its monthly repayment
 * (amortised from the APR, or as the lender states it), the disposable income left after it, the same
 * under documented stresses, and a verdict with the rules behind it. Pence and fractions throughout;
 * wire.ts writes the result in the API's units.
 */
import type { Category } from '../model/assessment.ts';
import type { ExpenditureResult } from './expenditure.ts';
import { sum } from './stats.ts';
import type {
  CreditVerdict,
  ProposedCredit,
  Scenario,
  StressParameters,
  StressParametersWire,
} from './types.ts';

export type { CreditVerdict, ProposedCredit, Scenario, StressParameters, StressParametersWire };

/**
 * The defaults: income −10% (CONC 5.2A asks a firm to consider reasonably foreseeable changes
 * to the customer's income), +3 percentage points on variable-rate commitments (the
 * interest-rate stress of the FPC's mortgage affordability test, 2014–2022), essential costs +10%. A
 * variable-rate commitment is a mortgage (most UK mortgages revert to a variable rate; a loan's or a
 * card's payment is not re-priced this way), taken at 5% over 25 years when the data cannot say.
 */
export const DEFAULT_STRESS: StressParameters = {
  incomeFall: 0.1,
  rateRisePoints: 3,
  essentialCostsRise: 0.1,
  variableRateKinds: ['mortgage'],
  assumedVariableRate: 0.05,
  assumedRemainingTermMonths: 300,
  minimumBufferMinor: 0,
};

/** Rule ids (docs/engine.md § Proposed credit, each an anchor there). */
export const CREDIT_RULES = {
  repayment: 'credit.repayment',
  base: 'credit.base',
  income: 'credit.stress.income',
  rate: 'credit.stress.rate',
  essentials: 'credit.stress.essential_costs',
  combined: 'credit.stress.combined',
  noIncome: 'credit.no_verified_income',
  fca: 'credit.fca_minimum_not_met',
} as const;

/**
 * The monthly rate of an APR. The APR of a UK regulated credit agreement is an annual effective rate:
 * the Consumer Credit (Total Charge for Credit) Regulations 2010, now CONC App 1, discount every payment by
 * (1 + APR) to the power of its time in years, so a month is (1 + APR)^(1/12) − 1.
 */
export function monthlyRate(apr: number): number {
  return Math.pow(1 + apr, 1 / 12) - 1;
}

/** The level monthly payment that repays `principal` over `months` at monthly rate `r` (the annuity formula). */
export function annuity(principal: number, months: number, r: number): number {
  return r === 0 ? principal / months : (principal * r) / (1 - Math.pow(1 + r, -months));
}

/** The repayment of a proposed credit at an APR, pence, rounded to the penny. */
export function repaymentOf(amountMinor: number, termMonths: number, apr: number): number {
  return Math.round(annuity(amountMinor, termMonths, monthlyRate(apr)));
}

/**
 * The APR a stated repayment implies (the rate at which the repayments' present value is the amount),
 * by bisection to a millionth; 0 when the repayments only return the amount.
 */
export function impliedApr(amountMinor: number, termMonths: number, repaymentMinor: number): number {
  if (repaymentMinor * termMonths <= amountMinor) return 0;
  let lo = 0,
    hi = 1; // monthly: 100% a month is far beyond any lawful cost of credit
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (annuity(amountMinor, termMonths, mid) < repaymentMinor) lo = mid;
    else hi = mid;
  }
  return Math.round((Math.pow(1 + (lo + hi) / 2, 12) - 1) * 1e6) / 1e6;
}

export interface ScenarioMinor {
  scenario: Scenario;
  rule: string;
  incomeMinor: number;
  expenditureMinor: number;
  repaymentMinor: number;
  /** Income − expenditure − the repayment. */
  afterMinor: number;
  passes: boolean;
  detail: string;
}

export interface CreditMinor {
  amountMinor: number;
  termMonths: number;
  apr: number;
  aprBasis: 'stated' | 'implied';
  repaymentMinor: number;
  repaymentBasis: 'amortised' | 'stated';
  monthlyRate: number;
  totalPayableMinor: number;
  parameters: StressParameters;
  parametersSource: 'default' | 'partner';
  /** The measured income volatility the income stress compared with its fall. */
  volatility: number;
  /** Variable-rate commitments a month (pence) and the factor the rate rise multiplies them by. */
  variableMinor: number;
  rateFactor: number;
  /** Essential costs a month (pence) the essential-costs stress raises. */
  essentialMinor: number;
  scenarios: ScenarioMinor[];
  verdict: CreditVerdict;
  reasons: string[];
}

export interface CreditInput {
  proposal: ProposedCredit;
  parameters: StressParameters | undefined;
  incomeMinor: number;
  verifiedMinor: number;
  expenditureMinor: number;
  exp: ExpenditureResult;
  volatility: number;
  fcaCompliant: boolean;
  money: (minor: number) => string;
}

const CREDIT_CATEGORY: Category = 'Credit Commitments';

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** Essential costs: the essential class and committed costs of living (not credit, not variable-rate commitments). */
function essentialsOf(exp: ExpenditureResult, variableMinor: number): number {
  let total = 0;
  for (const [c, f] of Object.entries(exp.figures)) {
    if (!f) continue;
    total += f.classSplit.essential ?? 0;
    if (c !== CREDIT_CATEGORY) total += f.classSplit.committed ?? 0;
  }
  return Math.max(0, total - variableMinor);
}

/** Monthly pence of the lines whose kind is taken as variable-rate, net of their category's refunds. */
function variableOf(exp: ExpenditureResult, kinds: readonly string[]): number {
  const set = new Set(kinds);
  let total = 0;
  for (const f of Object.values(exp.figures)) {
    if (!f) continue;
    const scale = f.grossMinor > 0 ? Math.min(1, f.monthlyMinor / f.grossMinor) : 0;
    total +=
      sum(f.lines.filter((l) => l.kind !== undefined && set.has(l.kind)).map((l) => l.monthlyMinor)) * scale;
  }
  return Math.round(total);
}

export function assessCredit(c: CreditInput): CreditMinor {
  const p = c.parameters ?? DEFAULT_STRESS;
  const { proposal } = c;
  const stated = proposal.repaymentMinor;
  const apr =
    stated === undefined
      ? (proposal.apr ?? 0)
      : impliedApr(proposal.amountMinor, proposal.termMonths, stated);
  const repaymentMinor = stated ?? repaymentOf(proposal.amountMinor, proposal.termMonths, apr);

  const fall = Math.min(1, Math.max(p.incomeFall, c.volatility));
  const variableMinor = variableOf(c.exp, p.variableRateKinds);
  const r0 = monthlyRate(p.assumedVariableRate);
  const r1 = monthlyRate(p.assumedVariableRate + p.rateRisePoints / 100);
  const n = p.assumedRemainingTermMonths;
  const rateFactor = annuity(1, n, r1) / annuity(1, n, r0);
  const rateIncrease = Math.round(variableMinor * (rateFactor - 1));
  const essentialMinor = Math.round(essentialsOf(c.exp, variableMinor));
  const essentialsIncrease = Math.round(essentialMinor * p.essentialCostsRise);
  const incomeFallMinor = Math.round(c.incomeMinor * fall);

  const scenario = (
    s: Scenario,
    rule: string,
    incomeCut: number,
    extra: number,
    detail: string,
  ): ScenarioMinor => {
    const incomeMinor = c.incomeMinor - incomeCut;
    const expenditureMinor = c.expenditureMinor + extra;
    const afterMinor = incomeMinor - expenditureMinor - repaymentMinor;
    return {
      scenario: s,
      rule,
      incomeMinor,
      expenditureMinor,
      repaymentMinor,
      afterMinor,
      passes: afterMinor >= p.minimumBufferMinor,
      detail,
    };
  };
  const incomeDetail =
    c.volatility > p.incomeFall
      ? `income −${pct(fall)}: the measured income volatility (${pct(c.volatility)}) is worse than the ${pct(p.incomeFall)} fall`
      : `income −${pct(fall)}${c.volatility > 0 ? ` (the measured income volatility, ${pct(c.volatility)}, is not worse)` : ''}`;
  const rateDetail =
    variableMinor > 0
      ? `+${p.rateRisePoints} points on variable-rate commitments (${p.variableRateKinds.join(', ')}: ${c.money(variableMinor)} a month, taken at ${pct(p.assumedVariableRate)} over ${n} months) raises them by ${pct(rateFactor - 1)}: +${c.money(rateIncrease)}`
      : `no variable-rate commitment (${p.variableRateKinds.join(', ') || 'none'}) found: nothing to raise`;
  const essentialsDetail = `essential costs (${c.money(essentialMinor)} a month: the essential class and committed costs of living, not credit or variable-rate commitments) +${pct(p.essentialCostsRise)}: +${c.money(essentialsIncrease)}`;
  const scenarios = [
    scenario('base', CREDIT_RULES.base, 0, 0, 'the assessment as it stands'),
    scenario('income', CREDIT_RULES.income, incomeFallMinor, 0, incomeDetail),
    scenario('rate', CREDIT_RULES.rate, 0, rateIncrease, rateDetail),
    scenario('essential_costs', CREDIT_RULES.essentials, 0, essentialsIncrease, essentialsDetail),
    scenario(
      'combined',
      CREDIT_RULES.combined,
      incomeFallMinor,
      rateIncrease + essentialsIncrease,
      'all three stresses at once',
    ),
  ];

  const reasons: string[] = [];
  let verdict: CreditVerdict = 'affordable';
  const base = scenarios[0];
  if (c.verifiedMinor <= 0 || c.incomeMinor <= 0) reasons.push(CREDIT_RULES.noIncome);
  if (base && !base.passes) reasons.push(CREDIT_RULES.base);
  if (reasons.length) verdict = 'not_affordable';
  else {
    for (const s of scenarios.slice(1)) if (!s.passes) reasons.push(s.rule);
    if (!c.fcaCompliant) reasons.push(CREDIT_RULES.fca);
    if (reasons.length) verdict = 'affordable_with_warnings';
  }
  return {
    amountMinor: proposal.amountMinor,
    termMonths: proposal.termMonths,
    apr,
    aprBasis: stated === undefined ? 'stated' : 'implied',
    repaymentMinor,
    repaymentBasis: stated === undefined ? 'amortised' : 'stated',
    monthlyRate: monthlyRate(apr),
    totalPayableMinor: repaymentMinor * proposal.termMonths,
    parameters: p,
    parametersSource: c.parameters ? 'partner' : 'default',
    volatility: c.volatility,
    variableMinor,
    rateFactor,
    essentialMinor,
    scenarios,
    verdict,
    reasons,
  };
}

/** Percent to a fraction (and back) without a binary tail: 6.9 → 0.069. */
const fraction = (pct: number) => Math.round(pct * 1e6) / 1e8;
const percent = (x: number) => Math.round(x * 1e8) / 1e6;

export function stressToWire(p: StressParameters): StressParametersWire {
  return {
    income_fall_pct: percent(p.incomeFall),
    rate_rise_points: p.rateRisePoints,
    essential_costs_rise_pct: percent(p.essentialCostsRise),
    variable_rate_kinds: [...p.variableRateKinds],
    assumed_variable_rate_pct: percent(p.assumedVariableRate),
    assumed_remaining_term_months: p.assumedRemainingTermMonths,
    minimum_buffer: p.minimumBufferMinor / 100,
  };
}

/** The API's form → the engine's; a field left out takes the default. */
export function stressFromWire(w: Partial<StressParametersWire>): StressParameters {
  const d = DEFAULT_STRESS;
  return {
    incomeFall: w.income_fall_pct === undefined ? d.incomeFall : fraction(w.income_fall_pct),
    rateRisePoints: w.rate_rise_points ?? d.rateRisePoints,
    essentialCostsRise:
      w.essential_costs_rise_pct === undefined ? d.essentialCostsRise : fraction(w.essential_costs_rise_pct),
    variableRateKinds: w.variable_rate_kinds ?? d.variableRateKinds,
    assumedVariableRate:
      w.assumed_variable_rate_pct === undefined
        ? d.assumedVariableRate
        : fraction(w.assumed_variable_rate_pct),
    assumedRemainingTermMonths: w.assumed_remaining_term_months ?? d.assumedRemainingTermMonths,
    minimumBufferMinor:
      w.minimum_buffer === undefined ? d.minimumBufferMinor : Math.round(w.minimum_buffer * 100),
  };
}

export { fraction as percentToFraction, percent as fractionToPercent };
