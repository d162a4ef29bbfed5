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
export type JobKind = 'documents' | 'analysis';

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
  kind: JobKind;
  /** Analysis jobs: the provider, its ids once submitted, its status word at the last poll. */
  provider: string | null;
  analysis_ref: Record<string, string | number | boolean | null> | null;
  provider_status: string | null;
  /** Analysis jobs: polls scheduled so far (the current poll's number). */
  polls: number;
  deadline_at: Date | null;
  next_poll_at: Date | null;
}

/**
 * Creates a job (its files written before: writeJobFiles) and reserves its unit, in one statement: both
 * or neither. Returns the month's count after the reservation, or undefined (nothing written) when the
 * quota is used up.
 */
export async function insertReservedJob(
  q: Queryable,
  j: Pick<
    DocumentJobRow,
    'id' | 'partner_id' | 'period' | 'is_test' | 'request' | 'documents' | 'estimated_seconds' | 'created_at'
  > & {
    /** A third-party analysis job (documents otherwise): its provider, sealed input and deadline. */
    analysis?: { provider: string; input_sealed: string; deadline_at: Date };
  },
): Promise<number | undefined> {
  const { rows } = await q.query<{ used: number }>(
    `with ${chargeUnitCte(2, 3)},
     job as (
       insert into document_jobs (id, partner_id, state, period, is_test, request, documents, estimated_seconds,
                                  created_at, kind, provider, input_sealed, deadline_at, next_poll_at)
       select $1, $2, 'processing', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $8 from charge
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
      j.analysis ? 'analysis' : 'documents',
      j.analysis?.provider ?? null,
      j.analysis?.input_sealed ?? null,
      j.analysis?.deadline_at ?? null,
    ],
  );
  return rows[0]?.used;
}

/** The size of a file's pieces. */
export const PIECE_BYTES = 256 * 1024;

/** Lets the event loop take other work between two statements (on the embedded database they run on it). */
const turn = () => new Promise<void>((r) => setImmediate(r));

/** Writes a job's files, a piece per statement (before the job is created: see the migration). */
export async function writeJobFiles(
  q: Queryable,
  id: string,
  contents: readonly Uint8Array[],
  at: Date,
): Promise<void> {
  for (const [idx, c] of contents.entries()) {
    for (let part = 0, off = 0; off < c.length || part === 0; part++, off += PIECE_BYTES) {
      await q.query(
        'insert into document_job_files (job_id, idx, part, content, created_at) values ($1, $2, $3, $4, $5)',
        [id, idx, part, c.subarray(off, off + PIECE_BYTES), at],
      );
      await turn();
    }
  }
}

/** One of a job's files, read a piece per statement; undefined when it has none. */
export async function jobFile(q: Queryable, id: string, idx: number): Promise<Uint8Array | undefined> {
  const { rows } = await q.query<{ n: number }>(
    'select count(*)::int as n from document_job_files where job_id = $1 and idx = $2',
    [id, idx],
  );
  const n = rows[0]?.n ?? 0;
  if (n === 0) return undefined;
  const pieces: Uint8Array[] = [];
  for (let part = 0; part < n; part++) {
    const r = await q.query<{ content: Uint8Array }>(
      'select content from document_job_files where job_id = $1 and idx = $2 and part = $3',
      [id, idx, part],
    );
    const c = r.rows[0]?.content;
    if (!c) return undefined;
    pieces.push(c);
    await turn();
  }
  return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
}

/** Deletes a job's files, a file per statement. */
export async function deleteJobFiles(q: Queryable, id: string): Promise<void> {
  const { rows } = await q.query<{ idx: number }>(
    'select distinct idx from document_job_files where job_id = $1',
    [id],
  );
  for (const { idx } of rows) {
    await q.query('delete from document_job_files where job_id = $1 and idx = $2', [id, idx]);
    await turn();
  }
}

/**
 * Files left behind: of a job that has ended (its files are deleted after it ends, so a stop in between
 * leaves them), or of no job at all, written more than `olderThan` ago (a process that died, or a
 * refusal, between writing them and creating the job). Returns the jobs' ids whose files to delete.
 */
export async function leftoverFiles(q: Queryable, olderThan: Date): Promise<string[]> {
  const { rows } = await q.query<{ job_id: string }>(
    `select distinct f.job_id from document_job_files f left join document_jobs j on j.id = f.job_id
      where (j.id is null and f.created_at < $1) or j.state <> 'processing'`,
    [olderThan],
  );
  return rows.map((r) => r.job_id);
}

export async function getJob<Req = unknown, Doc = unknown>(
  q: Queryable,
  id: string,
  partnerId?: string,
): Promise<DocumentJobRow<Req, Doc> | undefined> {
  const { rows } = await q.query<DocumentJobRow<Req, Doc>>(
    `select id, partner_id, state, period, is_test, request, documents, estimated_seconds, assessment_id,
            failures, warnings, created_at, finished_at, kind, provider, analysis_ref, provider_status, polls,
            deadline_at, next_poll_at
       from document_jobs where id = $1 ${partnerId === undefined ? '' : 'and partner_id = $2'}`,
    partnerId === undefined ? [id] : [id, partnerId],
  );
  return rows[0];
}

/** The process running the job is alive (the database's clock). */
export async function heartbeat(q: Queryable, id: string): Promise<void> {
  await q.query(`update document_jobs set heartbeat_at = now() where id = $1 and state = 'processing'`, [id]);
}

/**
 * Jobs still processing whose heartbeat (or, never started, whose creation) is older than `seconds` by
 * the database's clock: left by a process that died, or waiting for a worker.
 */
export async function silentJobs(q: Queryable, seconds: number): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `select id from document_jobs
      where kind = 'documents' and state = 'processing'
        and coalesce(heartbeat_at, created_at) < now() - make_interval(secs => $1)
      order by created_at`,
    [seconds],
  );
  return rows.map((r) => r.id);
}

/** Jobs of a kind still processing (for the restart's recovery). */
export async function processingJobs(q: Queryable, kind: JobKind): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `select id from document_jobs where kind = $1 and state = 'processing' order by created_at`,
    [kind],
  );
  return rows.map((r) => r.id);
}

/**
 * Marks the job completed (its unit stays charged). False when it had already ended: the caller's
 * transaction must then write nothing else. The files are deleted after (deleteJobFiles).
 */
export async function completeJob(
  q: Queryable,
  id: string,
  assessmentId: string,
  warnings: string[],
  at: Date,
): Promise<boolean> {
  const { rows } = await q.query<{ id: string }>(
    `update document_jobs set state = 'completed', assessment_id = $2, warnings = $3, finished_at = $4,
            input_sealed = null, next_poll_at = null
      where id = $1 and state = 'processing' returning id`,
    [id, assessmentId, JSON.stringify(warnings), at],
  );
  return rows.length === 1;
}

/**
 * Marks the job failed and gives its unit back, in one statement. False when it had already ended. The
 * files are deleted after (deleteJobFiles).
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
       update document_jobs set state = 'failed', failures = $2, warnings = $3, finished_at = $4,
              input_sealed = null, next_poll_at = null
        where id = $1 and state = 'processing' returning id, partner_id, period),
     released as (
       update usage_counters u set used = greatest(0, u.used - 1)
         from failed f where u.partner_id = f.partner_id and u.period = f.period returning 1)
     select id from failed`,
    [id, JSON.stringify(failures), JSON.stringify(warnings), at],
  );
  return rows.length === 1;
}

/** An analysis job's sealed input (null once it has ended). */
export async function sealedInput(q: Queryable, id: string): Promise<string | null> {
  const { rows } = await q.query<{ input_sealed: string | null }>(
    'select input_sealed from document_jobs where id = $1',
    [id],
  );
  return rows[0]?.input_sealed ?? null;
}

/**
 * Records the provider's ids for a job not yet submitted (false when another run recorded them first:
 * read the job again and use those).
 */
export async function recordSubmission(
  q: Queryable,
  id: string,
  ref: Record<string, string | number | boolean | null>,
  providerStatus: string,
): Promise<boolean> {
  const { rows } = await q.query<{ id: string }>(
    `update document_jobs set analysis_ref = $2, provider_status = $3
      where id = $1 and state = 'processing' and analysis_ref is null returning id`,
    [id, JSON.stringify(ref), providerStatus],
  );
  return rows.length === 1;
}

/**
 * Moves a job from poll `from` to poll `from + 1`, due at `at`: false when the job has ended or another
 * run already moved it (that run's chain goes on; this one stops). The caller enqueues poll `from + 1`
 * in the same transaction.
 */
export async function advancePoll(
  q: Queryable,
  id: string,
  from: number,
  at: Date,
  providerStatus: string | null,
): Promise<boolean> {
  const { rows } = await q.query<{ id: string }>(
    `update document_jobs set polls = polls + 1, next_poll_at = $3, provider_status = coalesce($4, provider_status)
      where id = $1 and state = 'processing' and polls = $2 returning id`,
    [id, from, at, providerStatus],
  );
  return rows.length === 1;
}

/** Records the provider's status word of a job still processing (the poll that saw it ends the job next). */
export async function setProviderStatus(q: Queryable, id: string, status: string): Promise<void> {
  await q.query(`update document_jobs set provider_status = $2 where id = $1 and state = 'processing'`, [
    id,
    status,
  ]);
}

/** Analysis jobs still processing whose next poll is overdue by `seconds` (their poll job was lost with a process). */
export async function overdueAnalyses(
  q: Queryable,
  seconds: number,
): Promise<Array<{ id: string; polls: number }>> {
  const { rows } = await q.query<{ id: string; polls: number }>(
    `select id, polls from document_jobs
      where kind = 'analysis' and state = 'processing' and next_poll_at < now() - make_interval(secs => $1)
      order by next_poll_at`,
    [seconds],
  );
  return rows;
}

/** The partner's analysis job in progress at `provider` whose provider ids include `analysisId`. */
export async function analysisJobNamed(
  q: Queryable,
  partnerId: string,
  provider: string,
  analysisId: string,
): Promise<string | undefined> {
  const { rows } = await q.query<{ id: string }>(
    `select id from document_jobs
      where partner_id = $1 and provider = $2 and kind = 'analysis' and state = 'processing'
        and exists (select 1 from jsonb_each_text(analysis_ref) e where e.value = $3)
      order by created_at desc limit 1`,
    [partnerId, provider, analysisId],
  );
  return rows[0]?.id;
}

/** A file a provider produced for an assessment. */
export async function insertAssessmentDocument(
  q: Queryable,
  d: {
    assessment_id: string;
    name: string;
    content_type: string;
    sha256: string;
    content: Uint8Array;
    created_at: Date;
  },
): Promise<void> {
  await q.query(
    `insert into assessment_documents (assessment_id, name, content_type, sha256, content, created_at)
     values ($1, $2, $3, $4, $5, $6)`,
    [d.assessment_id, d.name, d.content_type, d.sha256, d.content, d.created_at],
  );
}

/** One of an assessment's files, only for its partner. */
export async function assessmentDocument(
  q: Queryable,
  partnerId: string,
  assessmentId: string,
  name: string,
): Promise<{ content_type: string; sha256: string; content: Uint8Array } | undefined> {
  const { rows } = await q.query<{ content_type: string; sha256: string; content: Uint8Array }>(
    `select d.content_type, d.sha256, d.content from assessment_documents d
       join assessments a on a.id = d.assessment_id
      where d.assessment_id = $1 and d.name = $2 and a.partner_id = $3`,
    [assessmentId, name, partnerId],
  );
  return rows[0];
}

/** How long a job may go without a sign of progress before the admin listing calls it stuck. */
export const STUCK_SECONDS = 120;

/** A job as the admin API lists it (never its sealed input, request or files). */
export interface JobListItem {
  id: string;
  partner_id: string;
  kind: JobKind;
  state: DocumentJobState;
  provider: string | null;
  provider_status: string | null;
  polls: number;
  is_test: boolean;
  created_at: Date;
  finished_at: Date | null;
  deadline_at: Date | null;
  next_poll_at: Date | null;
  assessment_id: string | null;
  failures: JobFailure[] | null;
  /**
   * Processing, and by the database's clock: an analysis whose next poll is more than STUCK_SECONDS
   * overdue (overdueAnalyses), or a document job whose heartbeat — or, never started, whose creation — is
   * more than STUCK_SECONDS old (silentJobs).
   */
  stuck: boolean;
}

const STUCK_SQL = `(state = 'processing' and (
     (kind = 'analysis' and coalesce(next_poll_at < now() - make_interval(secs => ${STUCK_SECONDS}), false))
  or (kind = 'documents' and coalesce(heartbeat_at, created_at) < now() - make_interval(secs => ${STUCK_SECONDS}))))`;

/** Jobs across partners, newest first (paged by `before`, a created_at), for the admin API. */
export async function listJobs(
  q: Queryable,
  f: {
    id?: string;
    partnerId?: string;
    kind?: JobKind;
    state?: DocumentJobState;
    stuck?: boolean;
    before?: Date;
    limit: number;
  },
): Promise<JobListItem[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (column: string, v: unknown) => {
    values.push(v);
    where.push(`${column} $${values.length}`);
  };
  if (f.id !== undefined) add('id =', f.id);
  if (f.partnerId !== undefined) add('partner_id =', f.partnerId);
  if (f.kind !== undefined) add('kind =', f.kind);
  if (f.state !== undefined) add('state =', f.state);
  if (f.before !== undefined) add('created_at <', f.before);
  if (f.stuck !== undefined) where.push(f.stuck ? STUCK_SQL : `not ${STUCK_SQL}`);
  values.push(f.limit);
  const { rows } = await q.query<JobListItem>(
    `select id, partner_id, kind, state, provider, provider_status, polls, is_test, created_at, finished_at,
            deadline_at, next_poll_at, assessment_id, failures, ${STUCK_SQL} as stuck
       from document_jobs ${where.length ? 'where ' + where.join(' and ') : ''}
      order by created_at desc, id desc limit $${values.length}`,
    values,
  );
  return rows;
}
