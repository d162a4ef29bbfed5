import type { Columns } from '../lib/columnar.ts';
import type { Category, AssessmentFigures } from '../model/assessment.ts';
import type { Circumstances } from '../model/circumstances.ts';
import type { Transaction } from '../model/transaction.ts';
import type { Cadence } from './cadence.ts';
import type { FlexibleCategory, SpendClass } from './kinds.ts';
import type { MerchantDictionary } from './merchants.ts';

/**
 * Spending guidelines per household composition for the SFS flexible categories (e.g. the SFS trigger
 * figures, which are licensed and therefore not built in). Amounts are monthly, in pence.
 */
export interface SpendingGuidelines {
  /** Where the figures come from, e.g. "SFS spending guidelines 2026/27". Recorded in the evidence. */
  source: string;
  households: Array<{
    adults: number;
    children: number;
    categories: Partial<Record<FlexibleCategory, number>>;
  }>;
}

/** A partner's settings the engine applies (admin API: assessment settings), in the engine's units. */
/** The credit a lender proposes (POST /assess `proposed_credit`), in the engine's units. */
export interface ProposedCredit {
  amountMinor: number;
  termMonths: number;
  /** Annual percentage rate as a fraction (0.069 = 6.9% APR); exactly one of this and `repaymentMinor`. */
  apr?: number;
  /** The monthly repayment the lender states, pence. */
  repaymentMinor?: number;
}

/** How hard each stress pushes (a partner may set its own: the admin API's assessment settings). */
export interface StressParameters {
  /** Income falls by this fraction — or by the measured income volatility, when that is worse. */
  incomeFall: number;
  /** Variable-rate commitments' interest rises by this many percentage points. */
  rateRisePoints: number;
  /** Essential costs rise by this fraction. */
  essentialCostsRise: number;
  /** The kinds of commitment whose rate is taken as variable. */
  variableRateKinds: readonly string[];
  /** The rate (APR, a fraction) a variable-rate commitment is taken to pay before the rise. */
  assumedVariableRate: number;
  /** The remaining term (months) a variable-rate commitment is taken to have. */
  assumedRemainingTermMonths: number;
  /** What must be left each month, in every scenario, pence (0: not less than nothing). */
  minimumBufferMinor: number;
}

/** Stress parameters as the API and the evidence write them: percentages, and money in major units. */
export interface StressParametersWire {
  income_fall_pct: number;
  rate_rise_points: number;
  essential_costs_rise_pct: number;
  variable_rate_kinds: string[];
  assumed_variable_rate_pct: number;
  assumed_remaining_term_months: number;
  minimum_buffer: number;
}

export type CreditVerdict = 'affordable' | 'affordable_with_warnings' | 'not_affordable';
export type Scenario = 'base' | 'income' | 'rate' | 'essential_costs' | 'combined';

export interface EngineSettings {
  stress?: StressParameters;
  guidelines?: SpendingGuidelines;
}

export interface EngineInput {
  /** A credit the lender proposes: its repayment, the disposable income after it, and the stresses (credit.ts). */
  proposed_credit?: ProposedCredit;
  /** The partner's stress parameters; the defaults (credit.ts DEFAULT_STRESS) otherwise. */
  stress?: StressParameters;
  transactions: readonly Transaction[];
  circumstances?: Circumstances;
  /** Self-declared monthly income, pence. */
  declared_income_minor?: number;
  /** The clock: the moment of assessment. The engine never reads the system clock. */
  now: Date;
  guidelines?: SpendingGuidelines;
  /** Defaults to the built-in UK dictionary. */
  merchants?: MerchantDictionary;
}

export type Treatment = 'income' | 'expenditure' | 'refund' | 'savings' | 'excluded';

export type ExclusionReason =
  | 'future_dated'
  | 'duplicate'
  | 'own_account_transfer'
  | 'refund_unmatched'
  | 'loan_disbursement'
  | 'gambling_winnings'
  | 'returned_payment_reversal'
  | 'transfer_in'
  | 'one_off_transfer_in'
  | 'irregular_transfer_in'
  | 'income_stream_ended'
  | 'zero_amount';

export type IncomeType =
  'employment' | 'self_employment' | 'benefit' | 'pension' | 'interest' | 'maintenance' | 'other_regular';

export type CategorisationRule = 'category_hint' | 'merchant_dictionary' | 'unmatched';

/** One row per transaction received: what the engine decided about it, and why. */
export interface LedgerRow {
  ref: string;
  date: string;
  /** Major units, the sign as received (positive = money out). */
  amount: number;
  account_id: string;
  merchant_name: string;
  source_ref?: string;
  rule: CategorisationRule;
  matched_merchant?: string;
  /** What the dictionary or the hint knows of the counterparty (a payroll credit from a bakery chain: `eating_out`); the treatment is what counts. */
  kind?: string;
  category?: Category;
  class?: SpendClass;
  treatment: Treatment;
  /** For income: the stream id; for refunds: the category netted. */
  stream?: string;
  reason?: ExclusionReason;
}

export interface IncomeStream {
  id: string;
  type: IncomeType;
  payer: string;
  benefit?: string;
  cadence: Cadence | 'irregular' | 'assumed_monthly';
  status: 'active' | 'ended';
  payments: number;
  missed_payments: number;
  first_date: string;
  last_date: string;
  typical_amount: number;
  /** What this stream contributes to verified monthly income (0 when ended). */
  monthly_amount: number;
  /** Coefficient of variation used for income volatility (payment amounts, or month totals when irregular). */
  variability: number;
  basis: string;
  refs: string[];
}

/** An income stream as the engine works with it: its amounts in pence (wire.ts writes them in pounds). */
export interface Stream extends Omit<IncomeStream, 'typical_amount' | 'monthly_amount'> {
  /** The median payment, pence. */
  typicalMinor: number;
  /** What this stream contributes to verified monthly income, pence (0 when ended). */
  monthlyMinor: number;
}

export interface ExpenditureLine {
  payee: string;
  kind?: string;
  class: SpendClass;
  cadence: Cadence | 'irregular' | 'assumed_monthly';
  payments: number;
  /** Slots of the schedule with no payment (committed lines count in full regardless). */
  missed_payments?: number;
  monthly_amount: number;
  basis: string;
  refs: string[];
}

/** An expenditure line as the engine works with it: its monthly amount in pence, to the penny. */
export interface Line extends Omit<ExpenditureLine, 'monthly_amount'> {
  monthlyMinor: number;
}

/** A category's figures as the engine works with them (CategoryEvidence in pence, each to the penny). */
export interface CategoryFigures {
  monthlyMinor: number;
  grossMinor: number;
  refundsMinor: number;
  classSplit: Partial<Record<SpendClass, number>>;
  guideline?: { guidelineMinor: number; observedMinor: number; applied: boolean };
  /** Largest first. */
  lines: Line[];
}

export interface CategoryEvidence {
  monthly_amount: number;
  gross_monthly_amount: number;
  refunds_monthly: number;
  class_split: Partial<Record<SpendClass, number>>;
  guideline?: { guideline_monthly: number; observed_monthly: number; applied: boolean };
  lines: ExpenditureLine[];
}

export interface RiskFlagEvidence {
  code: string;
  rule: string;
  observed: number | string;
  refs: string[];
}

export type VulnerabilityDriver = 'health' | 'life_events' | 'resilience' | 'capability';

export interface VulnerabilityEvidence {
  code: string;
  driver: VulnerabilityDriver;
  rule: string;
  refs: string[];
}

/** The transactions excluded for one reason: how many, which (ledger refs) and why. */
export interface ExclusionEvidence {
  reason: ExclusionReason;
  count: number;
  detail: string;
  refs: string[];
}

export type SeriesTrendId = 'income_slope' | 'spending_slope' | 'gambling_share' | 'cash_share';

/** One calendar month of the history (docs/engine.md § Monthly series). Amounts are sums of ledger rows. */
export interface SeriesMonth {
  /** `YYYY-MM`. */
  month: string;
  /** Days of the month inside the history. */
  days: number;
  /** The whole month is inside the history (trends use only these). */
  complete: boolean;
  /** Income of the month: each active stream's payments (the streams of `income.streams`). */
  income: { total: number; streams: Record<string, number> };
  /** Payments of streams that have ended (not income: excluded as `income_stream_ended`), by stream. */
  ended_income: Record<string, number>;
  /** Spending of the month, net of refunds (and gambling of winnings), by category and by class. */
  spending: {
    total: number;
    categories: Partial<Record<Category, number>>;
    committed: number;
    essential: number;
    discretionary: number;
    refunds: number;
  };
  savings: number;
  /** Gross gambling stakes of the month. */
  gambling_gross: number;
  /** Gross gambling stakes ÷ the month's income (rule `series.gambling_share`); null with no income. */
  gambling_share: number | null;
  /** Cash withdrawals ÷ the month's spending (rule `series.cash_share`); null with no spending. */
  cash_share: number | null;
  /** The sum of `end_balances`; null when no account reports running balances (rule `series.end_balance`). */
  end_balance: number | null;
  end_balances: Array<{ account_id: string; balance: number; date: string }>;
  /** Days of the month that ended overdrawn in any account (rule `series.overdraft_days`); null without balances. */
  overdraft_days: number | null;
}

export interface SeriesTrend {
  id: SeriesTrendId;
  /** The rule that computed it (docs/engine.md § Monthly series). */
  rule: string;
  /** Least-squares slope per month over the complete months: an amount for the slopes, a share (0..1) for the shares; null with fewer than 3 months. */
  value: number | null;
  unit: 'amount_per_month' | 'share_per_month';
  /** The slope as a fraction of the months' mean (income and spending); null otherwise. */
  relative: number | null;
  /** The months the slope was read from. */
  months: string[];
}

export interface SeriesReconciliation {
  figure: 'monthly_income' | 'monthly_expenditure';
  /** The months' sum ÷ `averaging_months`, to the penny. */
  observed_average: number;
  /** The assessment's figure (verified monthly income; monthly expenditure). */
  assessment: number;
  difference: number;
  /** The rules that make the figure differ from the average of the months (empty: they are equal). */
  rules: string[];
}

/** The monthly series of an assessment: in the evidence, and `GET /assessment/{id}/series`. */
export interface MonthlySeries {
  rule: 'series.months';
  currency: string | null;
  averaging_months: number;
  months: SeriesMonth[];
  trends: SeriesTrend[];
  reconciliation: SeriesReconciliation[];
}

export interface CreditScenario {
  scenario: Scenario;
  rule: string;
  monthly_income: number;
  monthly_expenditure: number;
  monthly_repayment: number;
  /** Income − expenditure − the repayment. */
  disposable_after_repayment: number;
  /** At least the minimum buffer is left. */
  passes: boolean;
  detail: string;
}

/** A proposed credit as the evidence records it (docs/engine.md § Proposed credit). */
export interface ProposedCreditEvidence {
  amount: number;
  term_months: number;
  /** APR in percent (6.9 = 6.9%): as stated, or implied by a stated repayment. */
  apr: number;
  apr_basis: 'stated' | 'implied';
  monthly_repayment: number;
  repayment_basis: 'amortised' | 'stated';
  /** The monthly rate (a fraction): (1 + APR)^(1/12) − 1. */
  monthly_rate: number;
  total_payable: number;
  rule: 'credit.repayment';
  formula: string;
  disposable_income: number;
  disposable_after_repayment: number;
  stress: {
    parameters: StressParametersWire;
    source: 'default' | 'partner';
    measured_income_volatility: number;
    variable_rate_commitments: number;
    variable_rate_factor: number;
    essential_costs: number;
  };
  scenarios: CreditScenario[];
  verdict: CreditVerdict;
  /** Rule ids: why the verdict is not `affordable` (empty when it is). */
  reasons: string[];
}

/** A flag, indicator or reason in plain English, citing its rule (explanations.ts). */
export interface Explanation {
  /** A short heading. */
  title: string;
  /** One or two sentences in plain English. */
  text: string;
  /** The rule in docs/engine.md: `docs/engine.md#<anchor>`. */
  doc: string;
}

export interface Evidence {
  engine_version: string;
  dictionary_version: string;
  assessed_at: string;
  currency: string | null;
  period: {
    first_date: string | null;
    last_date: string | null;
    days: number;
    months_exact: number;
    months_analyzed: number;
    averaging_months: number;
  };
  counts: {
    received: number;
    analyzed: number;
    excluded: number;
    income: number;
    expenditure: number;
    savings: number;
    refunds: number;
  };
  /** Every excluded transaction, grouped by reason (counts sum to counts.excluded): nothing is dropped silently. */
  exclusions: ExclusionEvidence[];
  income: {
    verified_monthly: number;
    declared_monthly: number | null;
    used_monthly: number;
    basis: 'verified' | 'declared_lower' | 'verified_declared_higher' | 'none';
    streams: IncomeStream[];
  };
  expenditure: {
    monthly_total: number;
    committed_monthly: number;
    essential_monthly: number;
    discretionary_monthly: number;
    categories: Partial<Record<Category, CategoryEvidence>>;
    savings: { monthly_amount: number; refs: string[]; note: string };
    own_account_transfers: { pairs: number; refs: string[]; note: string };
    gambling: { gross_monthly: number; winnings_monthly: number; net_monthly: number };
    guidelines_source: string | null;
  };
  affordable: {
    disposable_income: number;
    adjustments: Array<{ reason: string; amount: number; rule: string }>;
    affordable_amount: number;
  };
  risk_flags: RiskFlagEvidence[];
  vulnerability: {
    declared: string[];
    detected: VulnerabilityEvidence[];
    by_driver: Record<VulnerabilityDriver, string[]>;
  };
  confidence: {
    score: number;
    coverage: number;
    categorised_share: number;
    income_regularity: number;
    continuity: number;
    weights: Record<string, number>;
  };
  fca: { compliant: boolean; checks: Array<{ check: string; passed: boolean; detail: string }> };
  series: MonthlySeries;
  /** Only when the request proposed a credit. */
  proposed_credit?: ProposedCreditEvidence;
  /** Each risk flag, detected vulnerability indicator and credit reason of this assessment, in plain English. */
  explanations: Record<string, Explanation>;
  ledger: LedgerRow[];
}

export interface EngineResult {
  assessment: AssessmentFigures;
  evidence: Evidence;
}

/** The evidence with its ledger in the columnar form it is stored in (src/lib/columnar.ts). */
export interface ColumnarEvidence extends Omit<Evidence, 'ledger'> {
  ledger: Columns;
}

export interface ColumnarEngineResult {
  assessment: AssessmentFigures;
  evidence: ColumnarEvidence;
}
