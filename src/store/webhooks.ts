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

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  started_at: Date;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
}

export async function insertDelivery(q: Queryable, d: Pick<DeliveryRow, 'id' | 'partner_id' | 'assessment_id' | 'event' | 'url' | 'payload'>): Promise<void> {
  await q.query(
    `insert into webhook_deliveries (id, partner_id, assessment_id, event, url, payload, state) values ($1, $2, $3, $4, $5, $6, 'pending')`,
    [d.id, d.partner_id, d.assessment_id, d.event, d.url, d.payload],
  );
}

export async function getDelivery(q: Queryable, id: string, partnerId?: string): Promise<DeliveryRow | undefined> {
  const { rows } = partnerId
    ? await q.query<DeliveryRow>('select * from webhook_deliveries where id = $1 and partner_id = $2', [id, partnerId])
    : await q.query<DeliveryRow>('select * from webhook_deliveries where id = $1', [id]);
  return rows[0];
}

export async function recordAttempt(q: Queryable, a: AttemptRow, outcome: 'delivered' | 'retrying' | 'failed'): Promise<void> {
  await q.query(
    `insert into webhook_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error) values ($1, $2, $3, $4, $5, $6)
     on conflict (delivery_id, attempt) do nothing`,
    [a.delivery_id, a.attempt, a.started_at, a.duration_ms, a.status_code, a.error],
  );
  await q.query(
    `update webhook_deliveries set attempts = greatest(attempts, $2), last_status_code = $3, last_error = $4,
       state = $5, delivered_at = case when $5 = 'delivered' then now() else delivered_at end
     where id = $1`,
    [a.delivery_id, a.attempt, a.status_code, a.error, outcome === 'retrying' ? 'pending' : outcome],
  );
}

export async function resetForRedelivery(q: Queryable, id: string): Promise<void> {
  await q.query(`update webhook_deliveries set state = 'pending' where id = $1`, [id]);
}

export async function listDeliveries(q: Queryable, partnerId: string, limit: number, f: { assessmentId?: string; deliveryId?: string } = {}): Promise<Array<DeliveryRow & { attempt_log: AttemptRow[] }>> {
  const values: unknown[] = [partnerId, limit];
  let filter = '';
  if (f.assessmentId) { values.push(f.assessmentId); filter += ` and assessment_id = $${values.length}`; }
  if (f.deliveryId) { values.push(f.deliveryId); filter += ` and id = $${values.length}`; }
  const { rows } = await q.query<DeliveryRow>(`select * from webhook_deliveries where partner_id = $1 ${filter} order by created_at desc, id desc limit $2`, values);
  if (rows.length === 0) return [];
  const attempts = await q.query<AttemptRow>('select * from webhook_attempts where delivery_id = any($1) order by delivery_id, attempt', [rows.map((r) => r.id)]);
  const by = new Map<string, AttemptRow[]>();
  for (const a of attempts.rows) {
    const list = by.get(a.delivery_id);
    if (list) list.push(a);
    else by.set(a.delivery_id, [a]);
  }
  return rows.map((r) => ({ ...r, attempt_log: by.get(r.id) ?? [] }));
}

export async function nextAttemptNumber(q: Queryable, id: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>('select coalesce(max(attempt), 0)::int + 1 as n from webhook_attempts where delivery_id = $1', [id]);
  return rows[0]!.n;
}
