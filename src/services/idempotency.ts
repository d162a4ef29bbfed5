/**
 * Idempotency-Key, as `/assess` and `/assess/documents` both honour it: the first request with a key
 * claims it; a request with the same key and the same request replays the stored answer; while the
 * first is still running, 409; with another request, 422.
 */
import { conflict, unprocessable } from '../lib/errors.ts';
import type { Queryable } from '../store/db.ts';
import * as idem from '../store/idempotency.ts';

/** The stored answer to replay. */
export interface Replay {
  status: number;
  text: string;
  replayed: true;
}

/**
 * Claims `key` for a request whose hash is `hash`: undefined when this request is the first (it runs,
 * and completes or abandons the claim), the answer to replay when it is the same request again; throws
 * 409 `idempotency_in_progress` or 422 `idempotency_key_reused`. `matchesOther` accepts a hash stored
 * in an older form as the same request.
 */
export async function claimKey(
  db: Queryable,
  partnerId: string,
  key: string,
  hash: string,
  now: Date,
  matchesOther?: (stored: string) => boolean,
): Promise<Replay | undefined> {
  const claim = await idem.begin(db, partnerId, key, hash, now, matchesOther);
  if (claim.kind === 'replay') return { status: claim.status, text: claim.response, replayed: true };
  if (claim.kind === 'in_progress')
    throw conflict(
      'A request with this Idempotency-Key is still being processed; retry shortly',
      'idempotency_in_progress',
    );
  if (claim.kind === 'mismatch')
    throw unprocessable(
      'This Idempotency-Key was used with a different request body',
      'idempotency_key_reused',
    );
  return undefined;
}
