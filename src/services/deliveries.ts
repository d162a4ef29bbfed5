/**
 * A partner's webhook deliveries as the partner API shows them: listing, one delivery, and redelivery
 * (the delivery machinery itself is src/webhooks/service.ts). Every read is scoped to the partner.
 */
import { conflict, notFound } from '../lib/errors.ts';
import type { Db } from '../store/db.ts';
import { listDeliveries } from '../store/webhooks.ts';
import type { Webhooks } from '../webhooks/service.ts';

type DeliveryRecord = Awaited<ReturnType<typeof listDeliveries>>[number];

/** A delivery and its attempt log, in the contract's shape. */
export function deliveryView(r: DeliveryRecord) {
  return {
    delivery_id: r.id,
    event: r.event,
    assessment_id: r.assessment_id,
    url: r.url,
    state: r.state,
    attempts: r.attempts,
    created_at: r.created_at.toISOString(),
    delivered_at: r.delivered_at?.toISOString() ?? null,
    last_status_code: r.last_status_code,
    attempt_log: r.attempt_log.map((a) => ({
      attempt: a.attempt,
      started_at: a.started_at.toISOString(),
      duration_ms: a.duration_ms,
      status_code: a.status_code,
      error: a.error,
      outcome: a.outcome,
    })),
  };
}

export type DeliveryView = ReturnType<typeof deliveryView>;

export class DeliveryService {
  constructor(
    private readonly db: Db,
    private readonly webhooks: Webhooks,
  ) {}

  async list(partnerId: string, limit: number, assessmentId?: string): Promise<DeliveryView[]> {
    return (await listDeliveries(this.db, partnerId, limit, assessmentId ? { assessmentId } : {})).map(
      deliveryView,
    );
  }

  /** Sends a delivered or failed delivery again: its view, now pending; 404 if not the partner's, 409 if still pending. */
  async redeliver(partnerId: string, id: string): Promise<DeliveryView> {
    const r = await this.webhooks.redeliver(partnerId, id);
    if (r === 'not_found') throw notFound('Delivery not found');
    if (r === 'pending')
      throw conflict(
        `Delivery ${id} is still being delivered (its attempts and retries are scheduled); redeliver it once it is delivered or failed`,
        'delivery_pending',
      );
    const [row] = await listDeliveries(this.db, partnerId, 1, { deliveryId: id });
    if (!row) throw notFound('Delivery not found');
    return deliveryView(row);
  }
}
