/**
 * Third-party analyses (issue 14): a `source` of `POST /assess` whose provider analyses the data itself
 * (the document API, the credit-decisioning API, the legacy provider, ValidiFI INSIGHTS/AffordAI). The
 * provider-specific half is an `AnalysisProvider` (adapters/analysis.ts); this is the durable half, one
 * mechanism for every provider:
 *
 *   submission: the request decoded → Idempotency-Key → the provider's credentials present → one
 *               transaction: the job (the partner's input sealed), its unit of quota reserved, its first
 *               pg-boss poll job, the 202 for the key
 *   poll n:     the job still processing and at poll n (else stale: another run moved it on) →
 *               past its deadline: fail (`analysis_timeout`) · not yet submitted: submit, record the
 *               provider's ids · else ask the provider: pending → poll n+1 after a backoff with jitter
 *               (its `Retry-After` when it gives one), failed → fail (`analysis_failed`), done → normalise,
 *               assess, complete (services/job-completion.ts) · provider unavailable (429, 5xx, timeout)
 *               → poll n+1 after its Retry-After or the backoff · an answer the adapter cannot use yet
 *               (a refusal whose code is retryable: a malformed body, a sync in progress) → poll n+1
 *               after the backoff, up to MAX_RETRIED_ANSWERS times in a row · any other refusal (4xx)
 *               → fail with its code
 *   callback:   the provider's webhook, verified with the partner's stored secret → poll n+1 now
 *
 * Exactly once: moving a job from poll n to n+1 is one guarded update (`polls = n`) in the transaction
 * that enqueues poll n+1, so however many runs of poll n there are (a restart, a pg-boss retry, a
 * replica, a callback racing a scheduled poll), one chain goes on. A submission is recorded only if none
 * was (`analysis_ref is null`), and adapters make a repeated submit find the first (ctx.reference). The
 * job ends in one statement that only moves a job still `processing`: one assessment, one charge (the
 * unit reserved at submission; given back on failure), one webhook chain.
 */
import {
  ProviderUnavailable,
  type AnalysisContext,
  type AnalysisOutput,
  type AnalysisProvider,
} from '../../adapters/analysis.ts';
import { sourceAdapter } from '../../adapters/registry.ts';
import type { ProviderRuntime } from '../../adapters/runtime.ts';
import { SourceError } from '../../adapters/source.ts';
import type { RequestMeta, SourceRecord } from '../contract/assess-request.ts';
import { ApiError, ERROR_CODES, type ErrorCode } from '../lib/errors.ts';
import { documentJobId } from '../lib/ids.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import { errorMessage, isRecord } from '../lib/narrow.ts';
import type { SecretBox } from '../lib/secrets.ts';
import { MAX_TRANSACTIONS } from '../../adapters/schema.ts';
import type { Jobs } from '../jobs/boss.ts';
import { QUEUES } from '../jobs/boss.ts';
import type { Db, Queryable } from '../store/db.ts';
import { engineSettingsFor } from './partners.ts';
import * as store from '../store/document-jobs.ts';
import * as idem from '../store/idempotency.ts';
import type { PartnerRow } from '../store/partners.ts';
import { period } from '../store/usage.ts';
import type { Webhooks } from '../webhooks/service.ts';
import type { Assessor } from './assessor.ts';
import { keepInDateWindow } from './fetched-window.ts';
import { completeJob, failJob, type JobOutcome } from './job-completion.ts';

export const POLL_BASE = '/api/partner/v1/jobs/';

export interface AnalysisOptions {
  /** Per provider, the whole analysis's deadline (ms), instead of the adapter's default. */
  deadlines?: Readonly<Record<string, number>>;
  /** Multiplies every wait between polls (tests and the demo compress time; 1 in production). */
  pollScale?: number;
  /** The longest wait between two polls (ms, before pollScale). */
  maxIntervalMs?: number;
  /** The gateway's public base URL, for the providers' callbacks (none: no callback is offered). */
  publicUrl?: string;
}

export interface AnalysisDeps {
  db: Db;
  jobs: Jobs;
  assessor: Assessor;
  webhooks: Webhooks;
  metrics: Metrics;
  log: Logger;
  clock: () => Date;
  box: SecretBox;
  /** The partner's stored credentials for a provider (decrypted), or undefined when none are stored. */
  credentials(partnerId: string, provider: string): Promise<unknown>;
  runtime: ProviderRuntime;
  providers: readonly AnalysisProvider[];
}

/** What the job keeps, sealed: the request's fields and the partner's `source` object. */
interface SealedInput {
  meta: RequestMeta;
  input: unknown;
}

type Job = store.DocumentJobRow<{ provider: string }, never>;

/** Whose credentials a provider uses: ValidiFI INSIGHTS runs on the partner's ValidiFI credentials. */
export const credentialsOf = (provider: string) => (provider === 'validifi_insights' ? 'validifi' : provider);

/** A poll is one provider call (or the final assessment): one still active after a minute was lost with its process. */
const JOB_OPTIONS = { retryLimit: 3, expireInSeconds: 60 };
const SWEEP_MS = 15_000;
/** A poll this late (its pg-boss job lost with a process, or left active by one that died) is queued again. */
const OVERDUE_S = 45;
/**
 * A provider answer the adapter could not use but that may be passing (a malformed body, a sync still in
 * progress: an error code whose `retry` is true) is polled again, with the same backoff, this many times in
 * a row; then the job fails with that code. Submitting again is safe: each adapter finds the analysis it
 * already started for the job's reference.
 */
const MAX_RETRIED_ANSWERS = 4;

const aad = (jobId: string) => `analysis:${jobId}`;

export class AnalysisService {
  private readonly byId: ReadonlyMap<string, AnalysisProvider>;
  private workerId: string | undefined;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly d: AnalysisDeps,
    private readonly o: AnalysisOptions = {},
  ) {
    this.byId = new Map(d.providers.map((p) => [p.id, p]));
    for (const id of Object.keys(o.deadlines ?? {}))
      if (!this.byId.has(id))
        throw new Error(
          `ANALYSIS_DEADLINES names "${id}", which is not an analysis provider (${[...this.byId.keys()].join(', ')})`,
        );
  }

  provider(id: string): AnalysisProvider | undefined {
    return this.byId.get(id);
  }

  /**
   * Accepts an analysis: the job, its reserved unit and its first poll, in one transaction with the
   * Idempotency-Key's answer (the key, when there is one, is already claimed by the caller, which gives it
   * up if this throws). Returns the 202's text and the month's count after the reservation.
   */
  async submit(
    partner: PartnerRow,
    decoded: { meta: RequestMeta; source: { type: string; input: unknown } },
    idempotencyKey: string | undefined,
    now: Date,
  ): Promise<{ text: string; used: number }> {
    const provider = this.byId.get(decoded.source.type);
    if (!provider) throw new Error(`no analysis provider "${decoded.source.type}"`);
    const credentialKey = credentialsOf(provider.id);
    if ((await this.d.credentials(partner.id, credentialKey)) === undefined)
      throw new ApiError(
        422,
        `This partner has no ${provider.provider.name} credentials; an administrator stores them with PUT /api/admin/partners/{id}/providers/${credentialKey}`,
        'provider_not_configured',
      );
    const id = documentJobId();
    const deadlineMs = this.deadlineMs(provider);
    const estimate = Math.ceil(provider.pollBaseMs / 1000);
    const text = JSON.stringify({
      job_id: id,
      status: 'processing',
      poll_url: `${POLL_BASE}${id}`,
      estimated_time: estimate,
      created_at: now.toISOString(),
      provider: provider.id,
    });
    const sealed = this.d.box.seal(
      JSON.stringify({ meta: decoded.meta, input: decoded.source.input }),
      aad(id),
    );
    const used = await this.d.db.tx(async (q) => {
      const used = await store.insertReservedJob(q, {
        id,
        partner_id: partner.id,
        period: period(now),
        is_test: partner.is_test_mode,
        request: { provider: provider.id },
        documents: [],
        estimated_seconds: estimate,
        created_at: now,
        analysis: {
          provider: provider.id,
          input_sealed: sealed,
          deadline_at: new Date(this.d.runtime.now() + deadlineMs),
        },
      });
      if (used === undefined) return undefined;
      await this.d.jobs.enqueue(q, QUEUES.analysis, { job_id: id, poll: 0 }, JOB_OPTIONS);
      if (idempotencyKey) await idem.complete(q, partner.id, idempotencyKey, 202, text);
      return used;
    });
    if (used === undefined) return { text: '', used: -1 };
    if (this.workerId) this.d.jobs.notify(this.workerId);
    this.d.log.info({ job: id, partner: partner.id, provider: provider.id }, 'analysis job accepted');
    return { text, used };
  }

  private deadlineMs(provider: AnalysisProvider): number {
    return this.o.deadlines?.[provider.id] ?? provider.deadlineMs;
  }

  /** Starts the poll worker, after queueing again what a stopped process left behind. */
  async startWorker(): Promise<void> {
    if (this.d.db.kind === 'pglite') await this.d.jobs.failActive(QUEUES.analysis);
    // One process per embedded database: whatever is overdue now was left by a stopped one. On PostgreSQL
    // another replica may be polling right now: only what is overdue by OVERDUE_S.
    await this.sweep(this.d.db.kind === 'pglite' ? 0 : OVERDUE_S);
    this.sweeper = setInterval(() => {
      this.sweep(OVERDUE_S).catch((e: unknown) =>
        this.d.log.warn({ err: { message: errorMessage(e) } }, 'analysis sweep failed'),
      );
    }, SWEEP_MS);
    this.sweeper.unref();
    this.workerId = await this.d.jobs.work<{ job_id: string; poll: number; retried?: number }>(
      QUEUES.analysis,
      (data) => this.poll(data.job_id, data.poll, data.retried ?? 0),
      0.5,
    );
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  /**
   * Jobs still processing whose poll is overdue by `seconds`: their poll was lost with a process (no live
   * pg-boss job), or is still marked active by a process that died (on PostgreSQL pg-boss would notice
   * only at its expiry and next maintenance, minutes later). Such a poll is ended and queued again. Two
   * replicas sweeping at once may both queue it, and a poll slow rather than dead may run twice: the
   * guarded move to the next poll keeps one chain either way.
   */
  private async sweep(seconds: number): Promise<void> {
    for (const { id, polls } of await store.overdueAnalyses(this.d.db, seconds)) {
      if (await this.d.jobs.hasWaitingJob(this.d.db, QUEUES.analysis, 'job_id', id)) continue;
      await this.d.jobs.failActiveOf(QUEUES.analysis, 'job_id', id);
      this.d.log.warn({ job: id, poll: polls }, 'analysis job without a live poll: queued again');
      await this.d.jobs.enqueue(this.d.db, QUEUES.analysis, { job_id: id, poll: polls }, JOB_OPTIONS);
    }
  }

  /**
   * A provider's webhook for one of the partner's analyses (`POST /hooks/analyses/{provider}/{partner}`):
   * verified with the partner's stored secret (constant-time, in the adapter), it moves the job of the
   * analysis it names to its next poll now. Answers 204 when genuine (whether or not a job in progress
   * matches: the provider needs no more), 401 when not (or the partner stores no secret for it), 404 for a
   * provider without webhooks.
   */
  async callback(
    providerId: string,
    partnerId: string,
    headers: Readonly<Record<string, string | undefined>>,
    body: Uint8Array,
  ): Promise<204 | 401 | 404> {
    const provider = this.byId.get(providerId);
    if (!provider?.webhook) return 404;
    const creds = await this.credentialsFor(partnerId, provider).catch(() => undefined);
    if (creds === undefined) return 401;
    const named = provider.webhook.verify(headers, body, creds);
    if (named === undefined) return 401;
    const jobId = await store.analysisJobNamed(this.d.db, partnerId, provider.id, named);
    const job = jobId ? await this.job(jobId) : undefined;
    if (job) {
      this.d.log.info({ job: job.id, provider: provider.id }, 'analysis callback: polling now');
      await this.schedule(job, 0, null, 'callback');
    }
    return 204;
  }

  /** The provider's credentials for the partner, parsed by its schema (undefined when none are stored). */
  private async credentialsFor(partnerId: string, provider: AnalysisProvider): Promise<unknown> {
    const stored = await this.d.credentials(partnerId, credentialsOf(provider.id));
    if (stored === undefined) return undefined;
    const parsed = provider.credentials.safeParse(stored);
    return parsed.success ? parsed.data : undefined;
  }

  private job(id: string): Promise<Job | undefined> {
    return store.getJob<{ provider: string }, never>(this.d.db, id);
  }

  /**
   * Runs poll `n` of a job (nothing when the job has ended or moved past it); `retried`: how many polls in
   * a row before it met a retryable refusal.
   */
  async poll(jobId: string, n: number, retried = 0): Promise<void> {
    const job = await this.job(jobId);
    if (!job || job.state !== 'processing' || job.kind !== 'analysis' || job.polls !== n) return;
    const provider = job.provider ? this.byId.get(job.provider) : undefined;
    const started = performance.now();
    let outcome: JobOutcome | 'pending';
    try {
      outcome = await this.step(job, provider, retried);
    } catch (e) {
      // Not the provider's answer nor the partner's input: the job fails at no charge rather than hold its unit.
      this.d.log.error({ job: jobId, err: { message: errorMessage(e) } }, 'analysis job failed unexpectedly');
      outcome = await this.fail(
        job,
        'internal_error',
        'An unexpected failure; nothing was charged. Submit again.',
      );
    }
    if (outcome === 'completed' || outcome === 'failed') {
      this.d.metrics.analysisDuration.observe(
        { provider: job.provider ?? 'unknown', outcome },
        Math.max(0, this.d.clock().getTime() - job.created_at.getTime()) / 1000,
      );
      this.d.metrics.assessments.inc({
        source: job.provider ?? 'analysis',
        outcome: outcome === 'completed' ? 'ok' : 'error',
      });
      this.d.log.info(
        { job: jobId, partner: job.partner_id, provider: job.provider, outcome, polls: n },
        'analysis job ended',
      );
    } else if (outcome === 'pending') {
      this.d.log.debug(
        { job: jobId, poll: n, ms: Math.round(performance.now() - started) },
        'analysis poll done',
      );
    }
  }

  private async step(
    job: Job,
    provider: AnalysisProvider | undefined,
    retried: number,
  ): Promise<JobOutcome | 'pending'> {
    if (!provider)
      return this.fail(job, 'internal_error', `The provider "${job.provider ?? ''}" is no longer offered.`);
    if (job.deadline_at && this.d.runtime.now() >= job.deadline_at.getTime())
      return this.fail(
        job,
        'analysis_timeout',
        `${provider.provider.name} did not finish the analysis within ${Math.round(this.deadlineMs(provider) / 1000)} s (last status: ${job.provider_status ?? 'not submitted'}); nothing was charged. Submit again, or attach to the provider's analysis by its id once it has finished.`,
      );
    const sealed = await store.sealedInput(this.d.db, job.id);
    if (sealed === null) return 'ended_elsewhere';
    const { meta, input } = openInput(this.d.box.open(sealed, aad(job.id)));
    const credentials = await this.credentialsFor(job.partner_id, provider);
    if (credentials === undefined)
      return this.fail(
        job,
        'provider_not_configured',
        `This partner's ${provider.provider.name} credentials were removed or are no longer valid; store them again and resubmit`,
      );
    const ctx: AnalysisContext = {
      partnerId: job.partner_id,
      now: job.created_at,
      credentials,
      runtime: this.d.runtime,
      reference: job.id,
      ...(this.o.publicUrl
        ? {
            callbackUrl: `${this.o.publicUrl.replace(/\/+$/, '')}/hooks/analyses/${provider.id}/${encodeURIComponent(job.partner_id)}`,
          }
        : {}),
    };
    try {
      if (!job.analysis_ref) {
        const ref = await provider.submit(input, ctx);
        if (!(await store.recordSubmission(this.d.db, job.id, ref, 'submitted'))) return 'ended_elsewhere';
        await this.schedule(job, provider.pollBaseMs, 'submitted', 'submitted');
        return 'pending';
      }
      const ref = job.analysis_ref;
      const step = await provider.poll(ref, ctx);
      if (step.state === 'pending') {
        await this.schedule(
          job,
          this.backoff(provider, job.polls, step.retryAfterMs),
          step.providerStatus,
          'pending',
        );
        return 'pending';
      }
      await store.setProviderStatus(this.d.db, job.id, step.providerStatus);
      if (step.state === 'failed')
        return this.fail(
          job,
          'analysis_failed',
          `${provider.provider.name} ended the analysis without a result (status ${step.providerStatus}): ${step.reason}; nothing was charged`,
        );
      const documents = provider.collect ? await provider.collect(ref, step.result, ctx) : [];
      const out = await this.withOwnTransactions(
        job,
        provider,
        input,
        provider.normalise(step.result, input, ref),
      );
      return await this.assess(job, provider, meta, out, [...(out.documents ?? []), ...documents]);
    } catch (e) {
      if (e instanceof ProviderUnavailable) {
        this.d.log.warn(
          { job: job.id, provider: provider.id, reason: e.message },
          'analysis provider unavailable',
        );
        await this.schedule(
          job,
          this.backoff(provider, job.polls, e.retryAfterMs),
          null,
          'unavailable',
          retried,
        );
        return 'pending';
      }
      if (e instanceof SourceError && ERROR_CODES[e.code].retry && retried < MAX_RETRIED_ANSWERS) {
        this.d.log.warn(
          { job: job.id, provider: provider.id, code: e.code, reason: e.message, retried: retried + 1 },
          'analysis provider answer unusable: polling again',
        );
        await this.schedule(job, this.backoff(provider, job.polls), null, 'retry', retried + 1);
        return 'pending';
      }
      if (e instanceof SourceError) {
        this.d.log.warn(
          { job: job.id, provider: provider.id, code: e.code, reason: e.message },
          'analysis refused',
        );
        return this.fail(job, e.code, e.message);
      }
      throw e;
    }
  }

  /**
   * A provider that returned no transactions, but names a source the gateway can read them from itself
   * (`transactionsFrom`): those, so that the assessment has figures of its own beside the provider's.
   * A `SourceError` of that fetch fails the job like the provider's own refusals.
   */
  private async withOwnTransactions(
    job: Job,
    provider: AnalysisProvider,
    input: unknown,
    out: AnalysisOutput,
  ): Promise<AnalysisOutput> {
    const from = out.transactions.length === 0 ? provider.transactionsFrom?.(input) : undefined;
    if (!from) return out;
    const adapter = sourceAdapter(from.type);
    if (adapter.kind !== 'fetching') throw new Error(`${provider.id}: ${from.type} is not a fetching source`);
    const fetched = await adapter.fetch(from.input, {
      partnerId: job.partner_id,
      now: job.created_at,
      credentials: (p) => this.d.credentials(job.partner_id, p),
      runtime: this.d.runtime,
    });
    return {
      ...out,
      transactions: fetched.transactions,
      ...(fetched.accounts?.length ? { accounts: fetched.accounts } : {}),
      metadata: { ...out.metadata, transactions_from: { source: from.type, ...fetched.metadata } },
      warnings: [...out.warnings, ...fetched.warnings],
    };
  }

  /** The wait before poll n+1: the provider's Retry-After when it gave one, else base × 1.5ⁿ, capped, ±20% jitter. */
  private backoff(provider: AnalysisProvider, n: number, retryAfterMs?: number): number {
    const cap = this.o.maxIntervalMs ?? 60_000;
    const wait =
      retryAfterMs !== undefined
        ? retryAfterMs
        : Math.min(cap, provider.pollBaseMs * 1.5 ** Math.min(n, 30)) * (0.8 + Math.random() * 0.4);
    return wait;
  }

  /**
   * Moves the job from its current poll to the next, due in `waitMs` (scaled, and never past the deadline
   * by more than a moment: the poll then ends the job), and enqueues it — in one transaction, or not at all
   * when another run already moved it.
   */
  private async schedule(
    job: Job,
    waitMs: number,
    status: string | null,
    why: string,
    retried = 0,
  ): Promise<void> {
    let wait = waitMs * (this.o.pollScale ?? 1);
    if (job.deadline_at)
      wait = Math.min(wait, Math.max(0, job.deadline_at.getTime() - this.d.runtime.now()) + 50);
    const seconds = Math.max(0, wait / 1000);
    const moved = await this.d.db.tx(async (q: Queryable) => {
      if (!(await store.advancePoll(q, job.id, job.polls, new Date(Date.now() + wait), status))) return false;
      await this.d.jobs.enqueue(
        q,
        QUEUES.analysis,
        { job_id: job.id, poll: job.polls + 1, ...(retried > 0 ? { retried } : {}) },
        { ...JOB_OPTIONS, ...(seconds > 0 ? { startAfterSeconds: Math.round(seconds * 1000) / 1000 } : {}) },
      );
      return true;
    });
    // A poll due sooner than the worker's next look at the queue (every 0.5 s) is woken when due.
    const worker = this.workerId;
    if (moved && worker && wait < 1_000) {
      if (wait <= 0) this.d.jobs.notify(worker);
      else setTimeout(() => this.d.jobs.notify(worker), wait).unref();
    }
    if (moved)
      this.d.log.debug(
        { job: job.id, poll: job.polls + 1, why, wait_ms: Math.round(wait) },
        'analysis poll scheduled',
      );
  }

  private async assess(
    job: Job,
    provider: AnalysisProvider,
    meta: RequestMeta,
    out: ReturnType<AnalysisProvider['normalise']>,
    documents: Array<{ name: string; content_type: string; bytes: Uint8Array }>,
  ): Promise<JobOutcome> {
    let kept: typeof out;
    try {
      kept = { ...out, ...keepInDateWindow(out, provider.provider, job.created_at) };
    } catch (e) {
      if (e instanceof SourceError) return this.fail(job, e.code, e.message);
      throw e;
    }
    if (kept.transactions.length === 0)
      return this.fail(
        job,
        'no_transactions',
        `${provider.provider.name} returned no transactions to assess for this analysis, and none were submitted`,
      );
    if (kept.transactions.length > MAX_TRANSACTIONS)
      return this.fail(
        job,
        'too_many_transactions',
        `${provider.provider.name} returned ${kept.transactions.length} transactions; at most 10,000 in one assessment`,
      );
    const source: SourceRecord = {
      type: provider.id,
      metadata: kept.metadata,
      warnings: kept.warnings,
      ...(kept.accounts?.length ? { accounts: kept.accounts } : {}),
      third_party: kept.third_party,
    };
    const result = await this.d.assessor.run({
      kind: 'decoded',
      request: { meta, source, transactions: kept.transactions },
      now: job.created_at.getTime(),
      settings: await engineSettingsFor(this.d.db, job.partner_id),
    });
    if (result.kind === 'failed') {
      if (result.status === 500) throw new Error(`engine failure: ${result.detail}`);
      return this.fail(job, result.code, result.detail);
    }
    if (result.kind !== 'assessed') throw new Error(`unexpected assessment result ${result.kind}`);
    return completeJob(this.d, job, result, {
      source: provider.id,
      customerRef: meta.customer_ref,
      webhookUrl: meta.callback_url,
      warnings: kept.warnings,
      documents,
    });
  }

  private fail(job: Job, reason: ErrorCode, detail: string): Promise<JobOutcome> {
    return failJob(this.d, job.id, [{ document: null, filename: null, reason, detail }], []);
  }
}

function openInput(text: string): SealedInput {
  const v: unknown = JSON.parse(text);
  if (!isRecord(v) || !isRecord(v.meta) || typeof v.meta.customer_ref !== 'string')
    throw new Error('an analysis job whose sealed input is not what submission wrote');
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- written by submit() from a decoded RequestMeta, sealed (authenticated encryption): what is read back is what was written
  return { meta: v.meta as unknown as RequestMeta, input: v.input };
}
