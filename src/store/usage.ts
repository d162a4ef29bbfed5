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

/**
 * One statement: the month's row is created at 1 or incremented, only while below the partner's quota
 * as it stands in the partners table at that instant (so a quota change applies at once everywhere).
 */
export async function reserveUnit(q: Queryable, partnerId: string, now: Date): Promise<boolean> {
  const { rows } = await q.query(
    `insert into usage_counters as u (partner_id, period, used)
       select p.id, $2, 1 from partners p where p.id = $1 and p.monthly_quota > 0
     on conflict (partner_id, period) do update set used = u.used + 1
       where u.used < (select monthly_quota from partners where id = $1)
     returning used`,
    [partnerId, period(now)],
  );
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
