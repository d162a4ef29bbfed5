/**
 * The one function that turns a partner + a request + Transaction[] into a stored assessment. Every
 * path (raw transactions today; aggregator tokens, documents and third-party analyses later) ends here:
 *
 *   idempotency claim → quota reservation → engine → one DB transaction
 *   (assessment + idempotent response + webhook delivery and its job) → response
 *
 * A unit of quota is reserved atomically before the work and released if anything fails, so a failed
 * call costs nothing and concurrency can never exceed the quota. Nothing is half-written: the assessment,
 * the idempotency record and the webhook job commit together or not at all.
 */
import { createHash } from 'node:crypto';
import { ApiError, badRequest, conflict, tooManyRequests, unprocessable } from '../lib/errors.ts';
import { assessmentId } from '../lib/ids.ts';
import type { Logger } from '../lib/logger.ts';
import type { AssessmentResponse } from '../model/assessment.ts';
import type { Circumstances } from '../model/circumstances.ts';
import type { Transaction } from '../model/transaction.ts';
import type { Metrics } from '../http/metrics.ts';
import { getEvidence, getResponse, insertAssessment } from '../store/assessments.ts';
import type { Assessor } from './assessor.ts';
import type { Db } from '../store/db.ts';
import * as idem from '../store/idempotency.ts';
import type { PartnerRow } from '../store/partners.ts';
import { releaseUnit, reserveUnit } from '../store/usage.ts';
import type { Webhooks } from '../webhooks/service.ts';

export interface AssessmentRequest {
  customerRef: string;
  partnerRef?: string | undefined;
  transactions: Transaction[];
  circumstances?: Circumstances | undefined;
  declaredIncomeMinor?: number | undefined;
  callbackUrl?: string | undefined;
  /** Adapter id the transactions came from. */
  source: string;
  /** When the request arrived (processing_ms is measured from here). */
  receivedAt: number;
  idempotency?: { key: string; body: unknown } | undefined;
}

export interface AssessmentOutcome {
  status: number;
  /** The response body, exactly as stored, replayed and sent to the webhook. */
  text: string;
  replayed: boolean;
}

export const WEBHOOK_EVENT_ASSESSMENT = 'assessment.completed';

/** A stable hash of the request body (key order does not matter). */
export function requestHash(body: unknown): string {
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])])) : v;
  return createHash('sha256').update(JSON.stringify(canon(body))).digest('hex');
}

export class AssessmentService {
  constructor(
    private readonly db: Db,
    private readonly assessor: Assessor,
    private readonly webhooks: Webhooks,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async run(partner: PartnerRow, req: AssessmentRequest): Promise<AssessmentOutcome> {
    const now = this.clock();
    const key = req.idempotency?.key;
    if (req.idempotency) {
      const claim = await idem.begin(this.db, partner.id, req.idempotency.key, requestHash(req.idempotency.body), now);
      if (claim.kind === 'replay') return { status: claim.status, text: claim.response, replayed: true };
      if (claim.kind === 'in_progress') throw conflict('A request with this Idempotency-Key is still being processed; retry shortly', 'idempotency_in_progress');
      if (claim.kind === 'mismatch') throw unprocessable('This Idempotency-Key was used with a different request body', 'idempotency_key_reused');
    }
    let reserved = false;
    try {
      reserved = await reserveUnit(this.db, partner.id, now);
      if (!reserved) {
        this.metrics.quotaRefusals.inc();
        throw tooManyRequests('Monthly quota exhausted; it resets on the 1st of next month (UTC). GET /usage shows the quota and usage');
      }
      const text = await this.assessAndStore(partner, req, now);
      this.metrics.assessments.inc({ source: req.source, outcome: 'ok' });
      return { status: 200, text, replayed: false };
    } catch (e) {
      if (reserved) await releaseUnit(this.db, partner.id, now).catch((err) => this.log.error({ err: { message: (err as Error).message } }, 'could not release a quota unit'));
      if (key) await idem.abandon(this.db, partner.id, key).catch(() => undefined);
      if (!(e instanceof ApiError) || e.status >= 500) this.metrics.assessments.inc({ source: req.source, outcome: 'error' });
      throw e;
    }
  }

  private async assessAndStore(partner: PartnerRow, req: AssessmentRequest, now: Date): Promise<string> {
    const result = await this.assessor.run({
      transactions: req.transactions,
      now: now.getTime(),
      ...(req.circumstances ? { circumstances: req.circumstances } : {}),
      ...(req.declaredIncomeMinor !== undefined ? { declared_income_minor: req.declaredIncomeMinor } : {}),
    });
    if (!result.ok) {
      if (result.code === 'engine_failure') throw new Error(`engine failure: ${result.message}`);
      throw badRequest(result.message, undefined, result.code);
    }
    const a = result.assessment;
    const id = assessmentId();
    // Built in the contract's field order: the response, the stored copy and the webhook are this text.
    const body: AssessmentResponse = {
      assessment_id: id,
      partner_ref: req.partnerRef ?? null,
      customer_ref: req.customerRef,
      created_at: now.toISOString(),
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
    };
    const webhookUrl = req.callbackUrl ?? partner.webhook_url;
    const evidenceGz = result.evidenceGz;
    // Measured as late as possible: everything but the commit and the network write.
    body.processing_ms = Math.max(0, Math.round(performance.now() - req.receivedAt));
    const text = JSON.stringify(body);
    const row = { id, partner_id: partner.id, customer_ref: req.customerRef, partner_ref: req.partnerRef ?? null, source: req.source, is_test: partner.is_test_mode, response: text, evidence_gz: evidenceGz, created_at: now };
    if (!req.idempotency && !webhookUrl) {
      await insertAssessment(this.db, row); // the only write: atomic on its own
    } else {
      await this.db.tx(async (q) => {
        await insertAssessment(q, row);
        if (req.idempotency) await idem.complete(q, partner.id, req.idempotency.key, 200, text);
        if (webhookUrl) await this.webhooks.create(q, { partnerId: partner.id, assessmentId: id, event: WEBHOOK_EVENT_ASSESSMENT, url: webhookUrl, payload: text });
      });
    }
    return text;
  }

  /** The stored response text, exactly as first returned. */
  async get(partnerId: string, id: string): Promise<string | undefined> {
    return getResponse(this.db, partnerId, id);
  }

  async evidence(partnerId: string, id: string): Promise<unknown> {
    return getEvidence(this.db, partnerId, id);
  }
}
