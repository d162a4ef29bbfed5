/**
 * Monthly quota: one row per partner per UTC month. A unit is reserved with a single conditional
 * UPDATE (atomic on either database: concurrent reservations serialise on the row) and released if the
 * work fails, so concurrency can neither exceed the quota nor double count.
 */
import type { Queryable } from './db.ts';

export function period(now: Date): string {
  return now.toISOString().slice(0, 7);
}

/** 00:00 UTC on the 1st of the month after `now`. */
export function resetAt(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

export async function reserveUnit(q: Queryable, partnerId: string, now: Date, quota: number): Promise<boolean> {
  const p = period(now);
  await q.query('insert into usage_counters (partner_id, period) values ($1, $2) on conflict do nothing', [partnerId, p]);
  const { rows } = await q.query('update usage_counters set used = used + 1 where partner_id = $1 and period = $2 and used < $3 returning used', [partnerId, p, quota]);
  return rows.length === 1;
}

export async function releaseUnit(q: Queryable, partnerId: string, reservedAt: Date): Promise<void> {
  await q.query('update usage_counters set used = used - 1 where partner_id = $1 and period = $2 and used > 0', [partnerId, period(reservedAt)]);
}

export async function usedThisMonth(q: Queryable, partnerId: string, now: Date): Promise<number> {
  const { rows } = await q.query<{ used: number }>('select used from usage_counters where partner_id = $1 and period = $2', [partnerId, period(now)]);
  return rows[0]?.used ?? 0;
}

export async function usageByPartner(q: Queryable, now: Date): Promise<Map<string, number>> {
  const { rows } = await q.query<{ partner_id: string; used: number }>('select partner_id, used from usage_counters where period = $1', [period(now)]);
  return new Map(rows.map((r) => [r.partner_id, r.used]));
}
