import type { AccountFacts, AccountWarning } from './accounts.ts';
import type { AnalysisProviderId, ThirdPartyFigures, ThirdPartyVerdict } from './third-party.ts';

/**
 * The expenditure categories of an assessment. Names follow the Standard Financial Statement (SFS);
 * "Food & Housekeeping" and "Transport" are exactly the names the Veqtrx contract's sample shows.
 */
export const CATEGORIES = [
  'Home & Contents',
  'Utilities',
  'Care & Health',
  'Transport',
  'School Costs',
  'Pensions & Insurance',
  'Professional Costs',
  'Communications & Leisure',
  'Food & Housekeeping',
  'Personal Costs',
  'Credit Commitments',
  'Savings',
  'Gambling',
  'Cash Withdrawals',
  'Other',
] as const;
export type Category = (typeof CATEGORIES)[number];
const CATEGORY_NAMES: ReadonlySet<string> = new Set(CATEGORIES);
export const isCategory = (c: string): c is Category => CATEGORY_NAMES.has(c);

/** The engine's part of a Veqtrx assessment (the service adds ids, refs, created_at, processing_ms). */
export interface AssessmentFigures {
  monthly_income: number;
  monthly_expenditure: number;
  disposable_income: number;
  affordable_amount: number;
  affordability_score: number;
  /** Monthly average spend by category (expenditure categories only; sums to monthly_expenditure). */
  categories: Partial<Record<Category, number>>;
  fca_compliant: boolean;
  risk_flags: string[];
  vulnerability_flags: string[];
  transactions_analyzed: number;
  confidence_score: number;
  months_analyzed: number;
}

/**
 * Extensions to the Veqtrx response (openapi `x-extension`): additions that change no Veqtrx field's
 * meaning. Optional in the response type because assessments stored before they existed lack them.
 */
export interface AssessmentExtensions {
  /** ISO 4217 code of every amount in the assessment. */
  currency: string;
  /** Transactions left out of income and expenditure, by reason (the evidence lists each one). */
  exclusions: Array<{ reason: string; count: number }>;
  /** What the lender should know about the accounts (not the customer's own current account, …). */
  warnings: AccountWarning[];
  /**
   * For data analysed by a third-party provider: the provider's own figures beside ours (every figure
   * of the response above is ours), and where the two disagree beyond the documented thresholds.
   */
  third_party?: ThirdPartySummary;
  /** The verdict on the credit the request proposed (the evidence has its stress table). */
  proposed_credit?: ProposedCreditResult;
}

/** The response's `proposed_credit` extension. */
export interface ProposedCreditResult {
  amount: number;
  term_months: number;
  /** In percent. */
  apr: number;
  monthly_repayment: number;
  disposable_after_repayment: number;
  verdict: 'affordable' | 'affordable_with_warnings' | 'not_affordable';
  reasons: string[];
}

/** The response's `third_party` extension: which figures are the provider's, and the disagreements. */
export interface ThirdPartySummary {
  provider: AnalysisProviderId;
  product: string;
  version: string;
  analysis_id: string;
  figures: ThirdPartyFigures;
  disagreements: string[];
}

/** The Veqtrx `/assess` response: the engine's figures plus what the service adds. */
export interface AssessmentResponse extends AssessmentFigures, Partial<AssessmentExtensions> {
  assessment_id: string;
  partner_ref: string | null;
  customer_ref: string;
  /** ISO 8601 UTC with milliseconds. */
  created_at: string;
  processing_ms: number;
}

/** Where the transactions came from, as the evidence records it. */
export interface SourceRecord {
  /** The adapter id (`transactions`, `labelled_transactions`, …). */
  type: string;
  metadata: Record<string, unknown>;
  warnings: string[];
  /** What the source (or the request's `accounts`) states about each account: kept in the evidence. */
  accounts?: AccountFacts[];
  /** A third-party analysis provider's own verdict on the data (its figures are not ours). */
  third_party?: ThirdPartyVerdict;
}
