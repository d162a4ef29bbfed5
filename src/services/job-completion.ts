/**
 * How an asynchronous job (a document assessment, a third-party analysis) ends, the same for both: its
 * assessment stored against the unit of quota the job reserved at submission, its files kept, its
 * `assessment.completed` webhook queued, and the job marked completed — in one transaction that only
 * moves a job still `processing`, so a job that runs twice (a restart, a second replica) completes once.
 * A failure gives the unit back, in the statement that records it.
 */
import { createHash } from 'node:crypto';
import { assessmentId } from '../lib/ids.ts';
import type { AssessJobResult } from '../workers/assess.ts';
import { insertAssessment } from '../store/assessments.ts';
import type { Db } from '../store/db.ts';
import * as store from '../store/document-jobs.ts';
import type { JobFailure } from '../store/document-jobs.ts';
import type { Webhooks } from '../webhooks/service.ts';
import { assessmentResponse, WEBHOOK_EVENT_ASSESSMENT } from './assessment-response.ts';

export interface JobEnd {
  db: Db;
  webhooks: Webhooks;
  clock: () => Date;
}

/** The job as completion needs it. */
export interface EndingJob {
  id: string;
  partner_id: string;
  is_test: boolean;
  created_at: Date;
}

/** How a run of a job ended; `ended_elsewhere`: another run (a restart's, a replica's) ended it first. */
export type JobOutcome = 'completed' | 'failed' | 'ended_elsewhere';

/** A file the assessment keeps (a provider's report), served as GET /assessment/{id}/documents/{name}. */
export interface KeptDocument {
  name: string;
  content_type: string;
  bytes: Uint8Array;
}

export async function completeJob(
  end: JobEnd,
  job: EndingJob,
  result: Extract<AssessJobResult, { kind: 'assessed' }>,
  o: {
    /** The assessment's `source` as stored (`documents`, or the analysis provider's id). */
    source: string;
    customerRef: string;
    webhookUrl: string | undefined;
    warnings: string[];
    documents?: KeptDocument[];
  },
): Promise<JobOutcome> {
  const partner = await partnerWebhook(end.db, job.partner_id);
  const id = assessmentId();
  const body = assessmentResponse(id, result, job.created_at);
  const finishedAt = end.clock();
  body.processing_ms = Math.max(0, finishedAt.getTime() - job.created_at.getTime());
  const text = JSON.stringify(body);
  const webhookUrl = o.webhookUrl ?? partner;
  const done = await end.db.tx(async (q) => {
    if (!(await store.completeJob(q, job.id, id, o.warnings, finishedAt))) return false;
    await insertAssessment(q, {
      id,
      partner_id: job.partner_id,
      customer_ref: o.customerRef,
      partner_ref: body.partner_ref,
      source: o.source,
      is_test: job.is_test,
      response: text,
      evidence: result.evidencePacked,
      created_at: job.created_at,
    });
    for (const d of o.documents ?? [])
      await store.insertAssessmentDocument(q, {
        assessment_id: id,
        name: d.name,
        content_type: d.content_type,
        sha256: createHash('sha256').update(d.bytes).digest('hex'),
        content: d.bytes,
        created_at: finishedAt,
      });
    if (webhookUrl)
      await end.webhooks.create(q, {
        partnerId: job.partner_id,
        assessmentId: id,
        event: WEBHOOK_EVENT_ASSESSMENT,
        url: webhookUrl,
        payload: text,
      });
    return true;
  });
  return done ? 'completed' : 'ended_elsewhere';
}

/** Fails the job and gives its unit back; `ended_elsewhere` when it had already ended. */
export async function failJob(
  end: JobEnd,
  jobId: string,
  failures: JobFailure[],
  warnings: string[],
): Promise<JobOutcome> {
  return (await store.failJob(end.db, jobId, failures, warnings, end.clock())) ? 'failed' : 'ended_elsewhere';
}

async function partnerWebhook(db: Db, partnerId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ webhook_url: string | null }>(
    'select webhook_url from partners where id = $1',
    [partnerId],
  );
  return rows[0]?.webhook_url ?? undefined;
}
