/**
 * Webhook deliveries: created in the transaction that stores what they announce, delivered by a job,
 * retried at the configured delays (1 s, 2 s, 4 s by default) after a retryable failure, every attempt
 * recorded. The body is stored once and sent byte for byte on every attempt; the webhook-id is the
 * delivery id, the same across retries; the timestamp and signatures are made fresh for each attempt.
 */
import { deliveryId } from '../lib/ids.ts';
import type { Logger } from '../lib/logger.ts';
import type { SecretBox } from '../lib/secrets.ts';
import type { Jobs } from '../jobs/boss.ts';
import { QUEUES } from '../jobs/boss.ts';
import type { Db, Queryable } from '../store/db.ts';
import { getPartner } from '../store/partners.ts';
import * as store from '../store/webhooks.ts';
import { sendWebhook } from './deliver.ts';
import { signatureHeaders } from './sign.ts';
import type { Metrics } from '../http/metrics.ts';

export interface WebhookConfig {
  timeoutMs: number;
  allowPrivate: boolean;
  retryDelaysSeconds: number[];
}

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
  async create(q: Queryable, d: { partnerId: string; assessmentId: string | null; event: string; url: string; payload: string }): Promise<string> {
    const id = deliveryId();
    await store.insertDelivery(q, { id, partner_id: d.partnerId, assessment_id: d.assessmentId, event: d.event, url: d.url, payload: d.payload });
    await this.jobs.enqueue(q, QUEUES.webhook, { delivery_id: id, retry: 0 } satisfies JobData);
    return id;
  }

  async redeliver(partnerId: string, id: string): Promise<boolean> {
    return this.db.tx(async (q) => {
      const d = await store.getDelivery(q, id, partnerId);
      if (!d) return false;
      await store.resetForRedelivery(q, id);
      await this.jobs.enqueue(q, QUEUES.webhook, { delivery_id: id, retry: 0 } satisfies JobData);
      return true;
    });
  }

  async startWorker(): Promise<void> {
    await this.jobs.work<JobData>(QUEUES.webhook, (data) => this.attempt(data.delivery_id, data.retry ?? 0));
  }

  /** One attempt; schedules the next one (in the same transaction as recording this one) if it can help. */
  async attempt(id: string, retry = 0): Promise<void> {
    const d = await store.getDelivery(this.db, id);
    if (!d || d.state !== 'pending') return;
    const partner = await getPartner(this.db, d.partner_id);
    if (!partner) return;
    const attempt = await store.nextAttemptNumber(this.db, id);
    const secret = this.box.open(partner.webhook_secret_enc, `webhook:${partner.id}`);
    const startedAt = this.clock();
    const result = await sendWebhook(d.url, d.payload, signatureHeaders(secret, d.id, d.payload, startedAt), { timeoutMs: this.cfg.timeoutMs, allowPrivate: this.cfg.allowPrivate });
    const delay = this.cfg.retryDelaysSeconds[retry];
    const outcome = result.ok ? 'delivered' : result.retryable && delay !== undefined ? 'retrying' : 'failed';
    await this.db.tx(async (q) => {
      await store.recordAttempt(q, { delivery_id: id, attempt, started_at: startedAt, duration_ms: result.durationMs, status_code: result.status, error: result.error }, outcome);
      if (outcome === 'retrying') await this.jobs.enqueue(q, QUEUES.webhook, { delivery_id: id, retry: retry + 1 } satisfies JobData, { startAfterSeconds: delay! });
    });
    this.metrics.webhookAttempts.inc({ outcome });
    this.log.info({ delivery: id, partner: d.partner_id, attempt, status: result.status, outcome, ms: result.durationMs, error: result.error ?? undefined }, 'webhook attempt');
  }
}
