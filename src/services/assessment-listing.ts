/** The admin API's listing of assessments across partners (newest first, paged by `before`). */
import type { Db } from '../store/db.ts';
import { listAssessments } from '../store/assessments.ts';

export interface AssessmentFilter {
  limit: number;
  partnerId?: string | undefined;
  isTest?: boolean | undefined;
  before?: Date | undefined;
}

export class AssessmentListing {
  constructor(private readonly db: Db) {}

  async list(f: AssessmentFilter) {
    const rows = await listAssessments(this.db, {
      limit: f.limit,
      ...(f.partnerId ? { partnerId: f.partnerId } : {}),
      ...(f.isTest !== undefined ? { isTest: f.isTest } : {}),
      ...(f.before ? { before: f.before } : {}),
    });
    return rows.map((a) => ({
      assessment_id: a.id,
      partner_id: a.partner_id,
      customer_ref: a.customer_ref,
      partner_ref: a.partner_ref,
      source: a.source,
      is_test_mode: a.is_test,
      created_at: a.created_at.toISOString(),
      monthly_income: a.monthly_income,
      affordable_amount: a.affordable_amount,
      fca_compliant: a.fca_compliant,
    }));
  }
}
