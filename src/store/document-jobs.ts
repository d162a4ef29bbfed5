/**
 * Document jobs (`POST /assess/documents`) and their files. A job reserves one unit of its partner's
 * quota when it is created (the same charge as an assessment's, in the statement that creates it, so two
 * jobs can never hold more units than the quota has), keeps it when it completes (the assessment is then
 * stored without a charge of its own) and gives it back when it fails — each end in one statement that
 * only moves a job still `processing`, so a job ends once even if it runs twice (a restart, a retry).
 */
import type { Queryable } from './db.ts';
import { chargeUnitCte } from './usage.ts';

export type DocumentJobState = 'processing' | 'completed' | 'failed';

export interface JobFailure {
  /** Where the document was in the request (`bank_statements[0]`), or null for the job as a whole. */
  document: string | null;
  filename: string | null;
  reason: string;
  detail: string;
}

/** `Req` and `Doc`: what the service stored as the request and the documents (JSON). */
export interface DocumentJobRow<Req = unknown, Doc = unknown> {
  id: string;
  partner_id: string;
  state: DocumentJobState;
  period: string;
  is_test: boolean;
  request: Req;
  documents: Doc[];
  estimated_seconds: number;
  assessment_id: string | null;
  failures: JobFailure[] | null;
  warnings: string[];
  created_at: Date;
  finished_at: Date | null;
}

/**
 * Creates a job with its files and reserves its unit, in one statement: all or nothing. Returns the
 * month's count after the reservation, or undefined (nothing written) when the quota is used up.
 */
export async function insertReservedJob(
  q: Queryable,
  j: Pick<
    DocumentJobRow,
    'id' | 'partner_id' | 'period' | 'is_test' | 'request' | 'documents' | 'estimated_seconds' | 'created_at'
  >,
  contents: readonly Uint8Array[],
): Promise<number | undefined> {
  const { rows } = await q.query<{ used: number }>(
    `with ${chargeUnitCte(2, 3)},
     job as (
       insert into document_jobs (id, partner_id, state, period, is_test, request, documents, estimated_seconds, created_at)
       select $1, $2, 'processing', $3, $4, $5, $6, $7, $8 from charge
       returning id)
     select used from charge`,
    [
      j.id,
      j.partner_id,
      j.period,
      j.is_test,
      JSON.stringify(j.request),
      JSON.stringify(j.documents),
      j.estimated_seconds,
      j.created_at,
    ],
  );
  const used = rows[0]?.used;
  if (used === undefined) return undefined;
  for (const [i, c] of contents.entries())
    await q.query('insert into document_job_files (job_id, idx, content) values ($1, $2, $3)', [j.id, i, c]);
  return used;
}

export async function getJob<Req = unknown, Doc = unknown>(
  q: Queryable,
  id: string,
  partnerId?: string,
): Promise<DocumentJobRow<Req, Doc> | undefined> {
  const { rows } = await q.query<DocumentJobRow<Req, Doc>>(
    `select id, partner_id, state, period, is_test, request, documents, estimated_seconds, assessment_id,
            failures, warnings, created_at, finished_at
       from document_jobs where id = $1 ${partnerId === undefined ? '' : 'and partner_id = $2'}`,
    partnerId === undefined ? [id] : [id, partnerId],
  );
  return rows[0];
}

export async function jobFiles(q: Queryable, id: string): Promise<Uint8Array[]> {
  const { rows } = await q.query<{ content: Uint8Array }>(
    'select content from document_job_files where job_id = $1 order by idx',
    [id],
  );
  return rows.map((r) => r.content);
}

/** Jobs still processing (for the restart's recovery). */
export async function processingJobs(q: Queryable): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `select id from document_jobs where state = 'processing' order by created_at`,
  );
  return rows.map((r) => r.id);
}

/**
 * Marks the job completed (its unit stays charged) and deletes its files. False when it had already
 * ended: the caller's transaction must then write nothing else.
 */
export async function completeJob(
  q: Queryable,
  id: string,
  assessmentId: string,
  warnings: string[],
  at: Date,
): Promise<boolean> {
  const { rows } = await q.query<{ id: string }>(
    `update document_jobs set state = 'completed', assessment_id = $2, warnings = $3, finished_at = $4
      where id = $1 and state = 'processing' returning id`,
    [id, assessmentId, JSON.stringify(warnings), at],
  );
  if (rows.length === 0) return false;
  await q.query('delete from document_job_files where job_id = $1', [id]);
  return true;
}

/**
 * Marks the job failed, gives its unit back and deletes its files, in one statement. False when it had
 * already ended.
 */
export async function failJob(
  q: Queryable,
  id: string,
  failures: JobFailure[],
  warnings: string[],
  at: Date,
): Promise<boolean> {
  const { rows } = await q.query<{ id: string }>(
    `with failed as (
       update document_jobs set state = 'failed', failures = $2, warnings = $3, finished_at = $4
        where id = $1 and state = 'processing' returning id, partner_id, period),
     released as (
       update usage_counters u set used = greatest(0, u.used - 1)
         from failed f where u.partner_id = f.partner_id and u.period = f.period returning 1),
     removed as (delete from document_job_files where job_id in (select id from failed) returning 1)
     select id from failed`,
    [id, JSON.stringify(failures), JSON.stringify(warnings), at],
  );
  return rows.length === 1;
}
