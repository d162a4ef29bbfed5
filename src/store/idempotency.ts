/**
 * Idempotency keys (per partner, 24 hours). `begin` claims a key atomically: the first caller gets
 * `new`; later callers see the stored outcome, a request still running, or a different body.
 */
import type { Queryable } from './db.ts';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * A claim still "in progress" after this long belongs to a request that died with its process (no
 * request runs this long: the server's request timeout is 2 minutes), so a retry may take it over.
 */
export const STALE_CLAIM_MS = 5 * 60 * 1000;

export type Claim =
  | { kind: 'new' }
  | { kind: 'replay'; status: number; response: string }
  | { kind: 'in_progress' }
  | { kind: 'mismatch' };

/**
 * `matchesOther`, when given, decides whether a stored hash of another form (one written before the
 * hash changed form) is of the same body; without it such a hash is a mismatch.
 */
export async function begin(
  q: Queryable,
  partnerId: string,
  key: string,
  hash: string,
  now: Date,
  matchesOther?: (stored: string) => boolean,
): Promise<Claim> {
  // An expired key is forgotten, then claimed again; so is a claim abandoned by a crashed request.
  await q.query(
    `delete from idempotency_keys where partner_id = $1 and key = $2 and (expires_at <= $3 or (state = 'in_progress' and created_at <= $4))`,
    [partnerId, key, now, new Date(now.getTime() - STALE_CLAIM_MS)],
  );
  const inserted = await q.query(
    `insert into idempotency_keys (partner_id, key, request_hash, state, created_at, expires_at)
     values ($1, $2, $3, 'in_progress', $4, $5) on conflict do nothing returning key`,
    [partnerId, key, hash, now, new Date(now.getTime() + IDEMPOTENCY_TTL_MS)],
  );
  if (inserted.rows.length === 1) return { kind: 'new' };
  const { rows } = await q.query<{
    request_hash: string;
    state: string;
    status_code: number | null;
    response: string;
  }>(
    'select request_hash, state, status_code, response::text as response from idempotency_keys where partner_id = $1 and key = $2',
    [partnerId, key],
  );
  const row = rows[0];
  if (!row) return begin(q, partnerId, key, hash, now, matchesOther); // expired and deleted between the two statements
  if (row.request_hash !== hash && !matchesOther?.(row.request_hash)) return { kind: 'mismatch' };
  if (row.state === 'in_progress') return { kind: 'in_progress' };
  return { kind: 'replay', status: row.status_code ?? 200, response: row.response };
}

/** Records the outcome; `response` is the exact response text. */
export async function complete(
  q: Queryable,
  partnerId: string,
  key: string,
  status: number,
  response: string,
): Promise<void> {
  await q.query(
    `update idempotency_keys set state = 'completed', status_code = $3, response = $4 where partner_id = $1 and key = $2`,
    [partnerId, key, status, response],
  );
}

/** The first request failed: forget the key so a retry runs afresh. */
export async function abandon(q: Queryable, partnerId: string, key: string): Promise<void> {
  await q.query(`delete from idempotency_keys where partner_id = $1 and key = $2 and state = 'in_progress'`, [
    partnerId,
    key,
  ]);
}

export async function purgeExpired(q: Queryable, now: Date): Promise<number> {
  return (await q.query('delete from idempotency_keys where expires_at <= $1', [now])).rowCount;
}
