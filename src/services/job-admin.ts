/**
 * The admin API's view of asynchronous jobs (document jobs and third-party analyses): the listing across
 * partners (newest first, paged by `before`, with the jobs that look stuck flagged) and an operator's
 * cancellation. A cancellation ends a job still `processing` as failed and gives its unit of quota back
 * in one statement (store.failJob), so it races safely with the job's own end: whichever comes first
 * ends the job, and the other finds it ended (a document worker's completion then writes nothing; an
 * analysis's next poll sees the state and stops).
 */
import { conflict, notFound } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Db } from '../store/db.ts';
import * as store from '../store/document-jobs.ts';
import type { DocumentJobState, JobFailure, JobKind, JobListItem } from '../store/document-jobs.ts';

export interface JobFilter {
  limit: number;
  partnerId?: string | undefined;
  kind?: JobKind | undefined;
  state?: DocumentJobState | undefined;
  stuck?: boolean | undefined;
  before?: Date | undefined;
}

/** The failure a cancelled job ends with (the partner sees it in `GET /jobs/{id}`). */
export const CANCELLED: JobFailure = {
  document: null,
  filename: null,
  reason: 'cancelled',
  detail: 'Cancelled by an operator; nothing was charged.',
};

export class JobAdmin {
  constructor(
    private readonly db: Db,
    private readonly clock: () => Date,
    private readonly log: Logger,
  ) {}

  async list(f: JobFilter) {
    const rows = await store.listJobs(this.db, {
      limit: f.limit,
      ...(f.partnerId ? { partnerId: f.partnerId } : {}),
      ...(f.kind ? { kind: f.kind } : {}),
      ...(f.state ? { state: f.state } : {}),
      ...(f.stuck !== undefined ? { stuck: f.stuck } : {}),
      ...(f.before ? { before: f.before } : {}),
    });
    return rows.map(view);
  }

  /**
   * Cancels a job still processing (`by`: who, the admin token's subject, logged); 404 for an unknown
   * job, 409 `job_not_processing` for one that has ended.
   */
  async cancel(id: string, by: string) {
    const job = await store.getJob(this.db, id);
    if (!job) throw notFound(`No job "${id}"`);
    const ended = await store.failJob(this.db, id, [CANCELLED], job.warnings, this.clock());
    if (!ended) {
      const now = await store.getJob(this.db, id);
      throw conflict(
        `Job "${id}" has already ended (${now?.state ?? job.state}): only a job still processing can be cancelled`,
        'job_not_processing',
      );
    }
    this.log.info({ job: id, partner: job.partner_id, kind: job.kind, by }, 'job cancelled by an operator');
    // The files of an ended job are deleted after it ends (as the job's own end does).
    if (job.kind === 'documents') await store.deleteJobFiles(this.db, id);
    const [row] = await store.listJobs(this.db, { id, limit: 1 });
    if (!row) throw notFound(`No job "${id}"`);
    return view(row);
  }
}

function view(j: JobListItem) {
  return {
    job_id: j.id,
    partner_id: j.partner_id,
    kind: j.kind,
    state: j.state,
    provider: j.provider,
    provider_status: j.provider_status,
    polls: j.polls,
    is_test: j.is_test,
    created_at: j.created_at.toISOString(),
    finished_at: j.finished_at ? j.finished_at.toISOString() : null,
    deadline_at: j.deadline_at ? j.deadline_at.toISOString() : null,
    next_poll_at: j.next_poll_at ? j.next_poll_at.toISOString() : null,
    assessment_id: j.assessment_id,
    failures: j.failures ?? [],
    stuck: j.stuck,
  };
}
