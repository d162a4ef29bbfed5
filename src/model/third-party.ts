/**
 * A third-party analysis provider's own verdict (adapters/analysis.ts), as the gateway keeps it beside
 * its own figures: in the evidence as `third_party`, and compared with ours (src/engine/third-party.ts).
 */

export const ANALYSIS_PROVIDER_IDS = [
  'document_api',
  'decisioning_api',
  'legacy_provider',
  'validifi_insights',
] as const;
export type AnalysisProviderId = (typeof ANALYSIS_PROVIDER_IDS)[number];

/** The provider's own verdict, kept beside ours in the evidence as `third_party`. */
export interface ThirdPartyVerdict {
  /** `document_api`, … */
  provider: AnalysisProviderId;
  /** The provider's product (`BankQUALIFY`, `AffordAI`, `credit-decisioning`, `affordability`…). */
  product: string;
  /** The API or model version the provider states, else the version of the API the adapter speaks. */
  version: string;
  /** The provider's id for the analysis. */
  analysis_id: string;
  /** What the provider returned as its verdict, as returned (scores, insights, figures): no personal data beyond it. */
  raw: unknown;
  /**
   * Our reading of it in the gateway's terms, each figure only where the provider states it: monthly
   * amounts in minor units of `currency`, the provider's score with its scale, its risk words mapped.
   */
  mapped: ThirdPartyFigures;
}

export interface ThirdPartyFigures {
  currency?: string;
  monthly_income_minor?: number;
  monthly_expenditure_minor?: number;
  disposable_income_minor?: number;
  affordable_amount_minor?: number;
  /** The provider's score, and the range it is on (e.g. 0–1000), so it is never read on ours. */
  score?: { value: number; min: number; max: number; name?: string };
  /** The provider's risk level mapped onto ours, with its own word kept in `raw`. */
  risk_level?: 'low' | 'medium' | 'high';
  /** Indicators the provider raised, in its words (`gambling`, `returned_payments`…). */
  indicators?: string[];
}
