/**
 * API keys: `prt_<slug>_<32 base62>`, shown once, stored as bcrypt. Verifying costs ~60 ms of bcrypt,
 * so a verified key is trusted in-process for a short TTL, keyed by its SHA-256 (never the key itself);
 * a disabled key therefore stops working within the TTL on every replica (at once on the replica that
 * disabled it). Failed keys are remembered for the same TTL so that guessing costs the guesser, not us.
 * Concurrent first uses of one key share a single bcrypt check.
 */
import bcrypt from 'bcrypt';
import { keyId, randomToken } from '../lib/ids.ts';
import { sha256 } from '../lib/secrets.ts';
import type { Db, Queryable } from '../store/db.ts';
import { activeKeys, insertKey, touchKey } from '../store/partners.ts';

export const KEY_PATTERN = /^prt_([a-z0-9][a-z0-9-]{1,38}[a-z0-9])_([A-Za-z0-9]{32})$/;
export const BCRYPT_COST = 10;

export interface VerifiedKey {
  partnerId: string;
  keyId: string;
}

export interface IssuedKey {
  key_id: string;
  api_key: string;
  api_key_prefix: string;
}

export async function issueKey(q: Queryable, partnerId: string): Promise<IssuedKey> {
  const secret = randomToken(32);
  const apiKey = `prt_${partnerId}_${secret}`;
  const id = keyId();
  await insertKey(q, { id, partner_id: partnerId, display_prefix: `prt_${partnerId}_${secret.slice(0, 4)}…`, key_hash: await bcrypt.hash(apiKey, BCRYPT_COST) });
  return { key_id: id, api_key: apiKey, api_key_prefix: `prt_${partnerId}_` };
}

export class KeyVerifier {
  private readonly good = new Map<string, { v: VerifiedKey; until: number }>();
  private readonly bad = new Map<string, number>();
  private readonly inflight = new Map<string, Promise<VerifiedKey | undefined>>();

  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  async verify(raw: string | undefined): Promise<VerifiedKey | undefined> {
    if (!raw || raw.length > 200) return undefined;
    const m = KEY_PATTERN.exec(raw);
    if (!m) return undefined;
    const h = sha256(raw);
    const t = this.now();
    const hit = this.good.get(h);
    if (hit && hit.until > t) return hit.v;
    const miss = this.bad.get(h);
    if (miss && miss > t) return undefined;
    let p = this.inflight.get(h);
    if (!p) {
      p = this.check(raw, m[1]!, h).finally(() => this.inflight.delete(h));
      this.inflight.set(h, p);
    }
    return p;
  }

  private async check(raw: string, slug: string, h: string): Promise<VerifiedKey | undefined> {
    const until = this.now() + this.ttlMs;
    for (const k of await activeKeys(this.db, slug)) {
      if (await bcrypt.compare(raw, k.key_hash)) {
        const v = { partnerId: k.partner_id, keyId: k.id };
        this.remember(this.good, h, { v, until });
        await touchKey(this.db, k.id);
        return v;
      }
    }
    this.remember(this.bad, h, until);
    return undefined;
  }

  /** Forgets a key at once on this replica (after it is disabled). */
  evictKey(keyIdToEvict: string): void {
    for (const [h, e] of this.good) if (e.v.keyId === keyIdToEvict) this.good.delete(h);
  }

  private remember<V>(map: Map<string, V>, k: string, v: V): void {
    if (map.size >= this.maxEntries) {
      const t = this.now();
      for (const [key, val] of map) {
        const until = typeof val === 'number' ? val : (val as { until: number }).until;
        if (until <= t) map.delete(key);
      }
      if (map.size >= this.maxEntries) map.delete(map.keys().next().value!);
    }
    map.set(k, v);
  }
}
