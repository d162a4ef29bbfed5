/** The assessment as the partner receives it: the same text in the response, the stored copy and the webhook. */
import type { AssessmentResponse } from '../model/assessment.ts';
import type { AssessJobResult } from './assessor.ts';

export const WEBHOOK_EVENT_ASSESSMENT = 'assessment.completed';

/**
 * The response of an assessment the engine made (`processing_ms` 0, for the caller to set last), built in
 * the contract's field order: the response, the stored copy and the webhook are its JSON text.
 */
export function assessmentResponse(
  id: string,
  result: Extract<AssessJobResult, { kind: 'assessed' }>,
  createdAt: Date,
): AssessmentResponse {
  const { meta } = result;
  const a = result.assessment;
  return {
    assessment_id: id,
    partner_ref: meta.partner_ref ?? null,
    customer_ref: meta.customer_ref,
    created_at: createdAt.toISOString(),
    monthly_income: a.monthly_income,
    monthly_expenditure: a.monthly_expenditure,
    disposable_income: a.disposable_income,
    affordable_amount: a.affordable_amount,
    affordability_score: a.affordability_score,
    categories: a.categories,
    fca_compliant: a.fca_compliant,
    risk_flags: a.risk_flags,
    vulnerability_flags: a.vulnerability_flags,
    transactions_analyzed: a.transactions_analyzed,
    confidence_score: a.confidence_score,
    months_analyzed: a.months_analyzed,
    processing_ms: 0,
    // Extensions after every Veqtrx field.
    currency: result.extensions.currency,
    exclusions: result.extensions.exclusions,
    warnings: result.extensions.warnings,
    ...(result.extensions.third_party ? { third_party: result.extensions.third_party } : {}),
    ...(result.extensions.proposed_credit ? { proposed_credit: result.extensions.proposed_credit } : {}),
  };
}
