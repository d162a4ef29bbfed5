/**
 * Monthly quota: one row per partner per UTC month. A unit is charged in the same statement that stores
 * the assessment (store/assessments.ts), only while the month's count is below the partner's quota as it
 * stands in the partners table at that instant: atomic on either database (concurrent charges serialise
 * on the row), so concurrency can never exceed the quota, and an assessment and its unit are written
 * together or not at all — a failed request is never charged, so there is nothing to give back.
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
 * The charge, as a `with` item named `charge` for the statement that stores what is charged for: the
 * month's row is created at 1 or incremented, only while below the partner's quota (read in the same
 * statement, so a quota change applies at once everywhere); `charge` returns the new count, or no row when
 * the quota is used up. `partner` and `month` are the statement's parameter numbers.
 */
export function chargeUnitCte(partner: number, month: number): string {
  return `charge as (
    insert into usage_counters as u (partner_id, period, used)
      select p.id, $${month}, 1 from partners p where p.id = $${partner} and p.monthly_quota > 0
    on conflict (partner_id, period) do update set used = u.used + 1
      where u.used < (select monthly_quota from partners where id = $${partner})
    returning used)`;
}

export async function usedThisMonth(q: Queryable, partnerId: string, now: Date): Promise<number> {
  const { rows } = await q.query<{ used: number }>(
    'select used from usage_counters where partner_id = $1 and period = $2',
    [partnerId, period(now)],
  );
  return rows[0]?.used ?? 0;
}

export async function usageByPartner(q: Queryable, now: Date): Promise<Map<string, number>> {
  const { rows } = await q.query<{ partner_id: string; used: number }>(
    'select partner_id, used from usage_counters where period = $1',
    [period(now)],
  );
  return new Map(rows.map((r) => [r.partner_id, r.used]));
}
