import { first } from '../lib/narrow.ts';
import type { Queryable } from './db.ts';

export interface DeliveryRow {
  id: string;
  partner_id: string;
  assessment_id: string | null;
  event: string;
  url: string;
  payload: string;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

/** succeeded/failed: settled; in_flight: sent (or being sent) and not settled; interrupted: never settled (the process stopped). */
export type AttemptOutcome = 'in_flight' | 'succeeded' | 'failed' | 'interrupted';

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  started_at: Date;
  duration_ms: number | null;
  status_code: number | null;
  error: string | null;
  outcome: AttemptOutcome;
}

export const INTERRUPTED_ERROR =
  'interrupted: the gateway stopped while this attempt was in flight; the receiver may have received it';

export async function insertDelivery(
  q: Queryable,
  d: Pick<DeliveryRow, 'id' | 'partner_id' | 'assessment_id' | 'event' | 'url' | 'payload'>,
): Promise<void> {
  await q.query(
    `insert into webhook_deliveries (id, partner_id, assessment_id, event, url, payload, state) values ($1, $2, $3, $4, $5, $6, 'pending')`,
    [d.id, d.partner_id, d.assessment_id, d.event, d.url, d.payload],
  );
}

export async function getDelivery(
  q: Queryable,
  id: string,
  partnerId?: string,
): Promise<DeliveryRow | undefined> {
  const { rows } = partnerId
    ? await q.query<DeliveryRow>('select * from webhook_deliveries where id = $1 and partner_id = $2', [
        id,
        partnerId,
      ])
    : await q.query<DeliveryRow>('select * from webhook_deliveries where id = $1', [id]);
  return rows[0];
}

/**
 * Starts an attempt of a pending delivery: under a lock on the delivery row, marks any attempt of it still
 * in flight as interrupted (a job runs again only when the one before it died), numbers the new attempt
 * and records it as in flight — committed before a byte is sent, so a crash during the send leaves it
 * visible. Undefined when the delivery is gone or no longer pending.
 */
export async function beginAttempt(
  q: Queryable,
  id: string,
  startedAt: Date,
): Promise<{ delivery: DeliveryRow; attempt: number } | undefined> {
  const { rows } = await q.query<DeliveryRow>('select * from webhook_deliveries where id = $1 for update', [
    id,
  ]);
  const d = rows[0];
  if (!d || d.state !== 'pending') return undefined;
  await q.query(
    `update webhook_attempts set outcome = 'interrupted', error = $2 where delivery_id = $1 and outcome = 'in_flight'`,
    [id, INTERRUPTED_ERROR],
  );
  const { rows: n } = await q.query<{ n: number }>(
    'select coalesce(max(attempt), 0)::int + 1 as n from webhook_attempts where delivery_id = $1',
    [id],
  );
  const attempt = Math.max(first(n).n, d.attempts + 1);
  // No "on conflict do nothing": under the row lock a clash cannot happen, and if it did it must be loud.
  await q.query(
    `insert into webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error, outcome) values ($1, $2, $3, null, null, null, 'in_flight')`,
    [id, attempt, startedAt],
  );
  await q.query('update webhook_deliveries set attempts = $2 where id = $1', [id, attempt]);
  return { delivery: { ...d, attempts: attempt }, attempt };
}

/** Settles an attempt begun by beginAttempt and sets the delivery's state. */
export async function settleAttempt(
  q: Queryable,
  a: {
    delivery_id: string;
    attempt: number;
    duration_ms: number;
    status_code: number | null;
    error: string | null;
  },
  outcome: 'delivered' | 'retrying' | 'failed',
): Promise<void> {
  await q.query(
    `update webhook_attempts set duration_ms = $3, status_code = $4, error = $5, outcome = $6 where delivery_id = $1 and attempt = $2`,
    [
      a.delivery_id,
      a.attempt,
      a.duration_ms,
      a.status_code,
      a.error,
      outcome === 'delivered' ? 'succeeded' : 'failed',
    ],
  );
  await q.query(
    `update webhook_deliveries set attempts = greatest(attempts, $2), last_status_code = $3, last_error = $4,
       state = $5, delivered_at = case when $5 = 'delivered' then now() else delivered_at end
     where id = $1`,
    [a.delivery_id, a.attempt, a.status_code, a.error, outcome === 'retrying' ? 'pending' : outcome],
  );
}

/**
 * Marks as interrupted the attempts left in flight by a process that stopped: all of them (`olderThan`
 * undefined — only safe when no other process can be sending, as with the embedded database), or those
 * started before `olderThan` (no live attempt lasts that long). Returns how many.
 */
export async function interruptStaleAttempts(q: Queryable, olderThan?: Date): Promise<number> {
  const { rows } = olderThan
    ? await q.query(
        `update webhook_attempts set outcome = 'interrupted', error = $2 where outcome = 'in_flight' and started_at < $1 returning attempt`,
        [olderThan, INTERRUPTED_ERROR],
      )
    : await q.query(
        `update webhook_attempts set outcome = 'interrupted', error = $1 where outcome = 'in_flight' returning attempt`,
        [INTERRUPTED_ERROR],
      );
  return rows.length;
}

/**
 * Reopens a settled delivery for redelivery, under a lock on its row: 'reopened' when it was delivered or
 * failed (the caller enqueues its one job in the same transaction), 'pending' when it is still being
 * delivered (a job chain exists; a second one would send it twice), undefined when not found.
 */
export async function reopenForRedelivery(
  q: Queryable,
  id: string,
  partnerId: string,
): Promise<'reopened' | 'pending' | undefined> {
  const { rows } = await q.query<DeliveryRow>(
    'select * from webhook_deliveries where id = $1 and partner_id = $2 for update',
    [id, partnerId],
  );
  const d = rows[0];
  if (!d) return undefined;
  if (d.state === 'pending') return 'pending';
  await q.query(`update webhook_deliveries set state = 'pending' where id = $1`, [id]);
  return 'reopened';
}

export async function listDeliveries(
  q: Queryable,
  partnerId: string,
  limit: number,
  f: { assessmentId?: string; deliveryId?: string } = {},
): Promise<Array<DeliveryRow & { attempt_log: AttemptRow[] }>> {
  const values: unknown[] = [partnerId, limit];
  let filter = '';
  if (f.assessmentId) {
    values.push(f.assessmentId);
    filter += ` and assessment_id = $${values.length}`;
  }
  if (f.deliveryId) {
    values.push(f.deliveryId);
    filter += ` and id = $${values.length}`;
  }
  const { rows } = await q.query<DeliveryRow>(
    `select * from webhook_deliveries where partner_id = $1 ${filter} order by created_at desc, id desc limit $2`,
    values,
  );
  if (rows.length === 0) return [];
  const attempts = await q.query<AttemptRow>(
    'select * from webhook_attempts where delivery_id = any($1) order by delivery_id, attempt',
    [rows.map((r) => r.id)],
  );
  const by = new Map<string, AttemptRow[]>();
  for (const a of attempts.rows) {
    const list = by.get(a.delivery_id);
    if (list) list.push(a);
    else by.set(a.delivery_id, [a]);
  }
  return rows.map((r) => ({ ...r, attempt_log: by.get(r.id) ?? [] }));
}
