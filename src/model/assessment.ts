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

/** The Veqtrx `/assess` response: the engine's figures plus what the service adds. */
export interface AssessmentResponse extends AssessmentFigures {
  assessment_id: string;
  partner_ref: string | null;
  customer_ref: string;
  /** ISO 8601 UTC with milliseconds. */
  created_at: string;
  processing_ms: number;
}
