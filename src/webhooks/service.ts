/**
 * Webhook deliveries: created in the transaction that stores what they announce, delivered by a job,
 * retried at the configured delays (1 s, 2 s, 4 s by default) after a retryable failure, every attempt
 * recorded. The body is stored once and sent byte for byte on every attempt; the webhook-id is the
 * delivery id, the same across retries; the timestamp and signatures are made fresh for each attempt.
 *
 * Each attempt is recorded as in flight (committed) before its request is sent and settled after, so a
 * crash mid-send leaves a visible attempt; the job runs again after the restart (pg-boss retries a job
 * whose worker died) and sends again as a new attempt, marking the first one interrupted. The receiver
 * may then see the delivery twice — allowed by the contract (same webhook-id; receivers de-duplicate) —
 * and the log shows both. One delivery has at most one job chain at a time: redelivery of a delivery
 * still pending is refused (see redeliver), unless its chain has ended without settling it.
 */
import { deliveryId } from '../lib/ids.ts';
import type { Logger } from '../lib/logger.ts';
import type { SecretBox } from '../lib/secrets.ts';
import type { JobOptions, Jobs } from '../jobs/boss.ts';
import { QUEUES } from '../jobs/boss.ts';
import type { Db, Queryable } from '../store/db.ts';
import { getPartner } from '../store/partners.ts';
import * as store from '../store/webhooks.ts';
import { sendWebhook } from './deliver.ts';
import { signatureHeaders } from './sign.ts';
import type { Metrics } from '../lib/metrics.ts';

export interface WebhookConfig {
  timeoutMs: number;
  allowPrivate: boolean;
  retryDelaysSeconds: number[];
}

export type RedeliverResult = 'queued' | 'pending' | 'not_found';

interface JobData {
  delivery_id: string;
  /** Retries already used in this round (0 for the first attempt and for a redelivery). */
  retry: number;
}

export class Webhooks {
  constructor(
    private readonly db: Db,
    private readonly jobs: Jobs,
    private readonly box: SecretBox,
    private readonly cfg: WebhookConfig,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Creates a delivery and its job inside the caller's transaction. */
  async create(
    q: Queryable,
    d: { partnerId: string; assessmentId: string | null; event: string; url: string; payload: string },
  ): Promise<string> {
    const id = deliveryId();
    await store.insertDelivery(q, {
      id,
      partner_id: d.partnerId,
      assessment_id: d.assessmentId,
      event: d.event,
      url: d.url,
      payload: d.payload,
    });
    await this.jobs.enqueue(
      q,
      QUEUES.webhook,
      { delivery_id: id, retry: 0 } satisfies JobData,
      this.jobOptions(),
    );
    return id;
  }

  /**
   * Sends a delivered or failed delivery again (a new job chain, started in the transaction that reopens
   * the delivery, under a lock on its row). A delivery still pending already has its chain: 'pending', and
   * nothing is enqueued — two concurrent redeliveries give one chain.
   */
  async redeliver(partnerId: string, id: string): Promise<RedeliverResult> {
    return this.db.tx(async (q) => {
      const r = await store.reopenForRedelivery(q, id, partnerId);
      if (r === undefined) return 'not_found';
      if (r === 'pending') {
        if (await this.jobs.hasLiveJob(q, QUEUES.webhook, 'delivery_id', id)) return 'pending';
        // Pending with no job left: its chain ended without settling it (pg-boss gave up after the
        // handler failed on every try). Refusing would leave it stuck for good; start a new chain.
        this.log.warn(
          { delivery: id, partner: partnerId },
          'redelivery of a pending delivery that had no job left: starting a new chain',
        );
      }
      await this.jobs.enqueue(
        q,
        QUEUES.webhook,
        { delivery_id: id, retry: 0 } satisfies JobData,
        this.jobOptions(),
      );
      return 'queued';
    });
  }

  /**
   * A job may run as long as an attempt can (the request timeout) plus a margin for the database work
   * around it, before pg-boss calls it expired and runs it again: a shorter expiry (pg-boss's 60 s
   * default against a timeout of up to 60 s) would start a second chain beside a live attempt.
   */
  private jobOptions(startAfterSeconds?: number): JobOptions {
    return {
      expireInSeconds: Math.ceil(this.cfg.timeoutMs / 1000) + JOB_EXPIRY_MARGIN_S,
      ...(startAfterSeconds ? { startAfterSeconds } : {}),
    };
  }

  /**
   * Starts the worker. Attempts left in flight by a process that stopped are marked interrupted first:
   * with the embedded database (one process per data directory) all of them; with PostgreSQL, where
   * other replicas may be sending, those older than any live attempt can be.
   */
  async startWorker(): Promise<void> {
    const n = await store.interruptStaleAttempts(
      this.db,
      this.db.kind === 'pglite'
        ? undefined
        : new Date(this.clock().getTime() - this.cfg.timeoutMs - STALE_MARGIN_MS),
    );
    if (n > 0)
      this.log.warn(
        { attempts: n },
        'webhook attempts left in flight by a stopped process marked interrupted; their deliveries are retried',
      );
    await this.jobs.work<JobData>(QUEUES.webhook, (data) => this.attempt(data.delivery_id, data.retry ?? 0));
  }

  /** One attempt; schedules the next one (in the same transaction as settling this one) if it can help. */
  async attempt(id: string, retry = 0): Promise<void> {
    const startedAt = this.clock();
    const begun = await this.db.tx((q) => store.beginAttempt(q, id, startedAt));
    if (!begun) return;
    const { delivery: d, attempt } = begun;
    const partner = await getPartner(this.db, d.partner_id);
    let headers: Record<string, string> | undefined;
    let notSent = 'not sent: partner not found';
    if (partner) {
      try {
        const secret = this.box.open(partner.webhook_secret_enc, `webhook:${partner.id}`);
        const previous =
          partner.webhook_secret_prev_enc &&
          partner.webhook_secret_prev_expires_at &&
          partner.webhook_secret_prev_expires_at.getTime() > startedAt.getTime()
            ? this.box.open(partner.webhook_secret_prev_enc, `webhook:${partner.id}`)
            : undefined;
        headers = signatureHeaders(secret, d.id, d.payload, startedAt, previous);
      } catch {
        // Settled as failed, not left in flight: nothing was sent. (Never the secret or the cause in the record.)
        notSent = 'not sent: the webhook secret could not be opened (was DATA_ENCRYPTION_KEY changed?)';
        this.log.error(
          { delivery: id, partner: d.partner_id },
          'webhook secret could not be opened; delivery not sent',
        );
      }
    }
    const result = headers
      ? await sendWebhook(d.url, d.payload, headers, {
          timeoutMs: this.cfg.timeoutMs,
          allowPrivate: this.cfg.allowPrivate,
        })
      : { ok: false, status: null, error: notSent, retryable: false, durationMs: 0 };
    const delay = this.cfg.retryDelaysSeconds[retry];
    const outcome = result.ok ? 'delivered' : result.retryable && delay !== undefined ? 'retrying' : 'failed';
    await this.db.tx(async (q) => {
      await store.settleAttempt(
        q,
        {
          delivery_id: id,
          attempt,
          duration_ms: result.durationMs,
          status_code: result.status,
          error: result.error,
        },
        outcome,
      );
      if (outcome === 'retrying')
        await this.jobs.enqueue(
          q,
          QUEUES.webhook,
          { delivery_id: id, retry: retry + 1 } satisfies JobData,
          this.jobOptions(delay),
        );
    });
    this.metrics.webhookAttempts.inc({ outcome });
    this.log.info(
      {
        delivery: id,
        partner: d.partner_id,
        attempt,
        status: result.status,
        outcome,
        ms: result.durationMs,
        error: result.error ?? undefined,
      },
      'webhook attempt',
    );
  }
}

/** What a webhook job may take beyond the attempt's own timeout before pg-boss calls it expired. */
const JOB_EXPIRY_MARGIN_S = 60;

/** How much longer than the per-attempt timeout an attempt must have been in flight to be called stale. */
const STALE_MARGIN_MS = 60_000;
