/**
 * API keys: `prt_<slug>_<32 base62>`, shown once, stored as bcrypt. Verifying costs ~60 ms of bcrypt on
 * libuv's thread pool (which gunzip, fs and DNS share), so:
 *
 * - A verified key is remembered in process, keyed by an HMAC of it under a per-process random key
 *   (never the key itself). Within the TTL it is trusted as is; after the TTL one database read (is the
 *   key still active, with the same hash?) renews it without bcrypt. A disabled key therefore stops
 *   working within the TTL on every replica (at once on the replica that disabled it).
 * - A wrong key is remembered for the TTL too, so repeating it costs nothing.
 * - Failed verifications are counted per client address and per key prefix (the slug); at the limit
 *   the caller gets 429 with Retry-After, before any bcrypt (see FailureLimiter). A known-good key
 *   still passes, so guessers cannot lock a partner out of a key it is using.
 * - bcrypt runs through a small semaphore (AUTH_BCRYPT_CONCURRENCY at once, AUTH_BCRYPT_QUEUE
 *   waiting, 429 beyond), so guesses cannot take the whole thread pool or both cores.
 * - A refused attempt is held up to AUTH_REFUSAL_DELAY_MS before its 429, so a guesser who retries at
 *   once cannot turn cheap refusals into a flood that takes the event loop.
 * - Every well-formed guess costs exactly one bcrypt: the candidate is the active key whose display
 *   prefix matches, and when there is none (an unknown slug, or a wrong 4-character prefix) a dummy
 *   hash is compared, so the time does not reveal whether a partner exists.
 * Concurrent first uses of one key share a single check.
 */
import { at } from '../lib/narrow.ts';
import { createHmac, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import bcrypt from 'bcrypt';
import { ApiError, unauthorized, type ErrorCode } from '../lib/errors.ts';
import { keyId, randomToken } from '../lib/ids.ts';
import type { Logger } from '../lib/logger.ts';
import { BusyError, clientAddressKey, FailureLimiter, Semaphore } from '../lib/rate-limit.ts';
import type { Db, Queryable } from '../store/db.ts';
import { activeKeys, insertKey, touchKey, type ApiKeyRow } from '../store/partners.ts';

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

const displayPrefix = (slug: string, secret: string) => `prt_${slug}_${secret.slice(0, 4)}…`;

export async function issueKey(q: Queryable, partnerId: string): Promise<IssuedKey> {
  const secret = randomToken(32);
  const apiKey = `prt_${partnerId}_${secret}`;
  const id = keyId();
  await insertKey(q, {
    id,
    partner_id: partnerId,
    display_prefix: displayPrefix(partnerId, secret),
    key_hash: await bcrypt.hash(apiKey, BCRYPT_COST),
  });
  return { key_id: id, api_key: apiKey, api_key_prefix: `prt_${partnerId}_` };
}

export interface AuthLimits {
  /** Failed verifications per client address per window. */
  perAddress: number;
  /** Failed verifications per key prefix (`prt_<slug>_`) per window. */
  perPrefix: number;
  windowMs: number;
  /** bcrypt comparisons at once. */
  concurrency: number;
  /** bcrypt comparisons waiting; beyond this a request is refused with 429 at once. */
  queue: number;
  /** How long a refused (rate-limited) attempt is held before its 429. */
  refusalDelayMs: number;
  redisUrl?: string | undefined;
}

export const DEFAULT_AUTH_LIMITS: AuthLimits = {
  perAddress: 20,
  perPrefix: 100,
  windowMs: 60_000,
  concurrency: 2,
  queue: 64,
  refusalDelayMs: 1000,
};

interface Known {
  v: VerifiedKey;
  keyHash: string;
  until: number;
}

export class KeyVerifier {
  private readonly good = new Map<string, Known>();
  private readonly bad = new Map<string, number>();
  private readonly inflight = new Map<string, Promise<VerifiedKey | undefined>>();
  private readonly hmacKey = randomBytes(32);
  private readonly limiter: FailureLimiter;
  private readonly bcryptSlots: Semaphore;
  private readonly limits: AuthLimits;
  private dummyHash: Promise<string> | undefined;
  private held = 0;

  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
    limits: Partial<AuthLimits> = {},
    log?: Logger,
  ) {
    this.limits = { ...DEFAULT_AUTH_LIMITS, ...limits };
    this.limiter = new FailureLimiter(
      { redisUrl: this.limits.redisUrl, windowMs: this.limits.windowMs },
      log,
    );
    this.bcryptSlots = new Semaphore(this.limits.concurrency, this.limits.queue);
  }

  /**
   * The partner key of a request from `address`, or a 401 (missing, malformed, wrong or disabled key)
   * or 429 (too many failures from this address or for this prefix; bcrypt queue full) ApiError.
   */
  async authenticate(raw: string | undefined, address: string | undefined): Promise<VerifiedKey> {
    const v = await this.verify(raw, address);
    if (!v) throw unauthorized();
    return v;
  }

  /** The key's owner, or undefined when it is not a valid active key; throws 429 ApiErrors (see authenticate). */
  async verify(raw: string | undefined, address?: string): Promise<VerifiedKey | undefined> {
    if (!raw || raw.length > 200) return undefined;
    const m = KEY_PATTERN.exec(raw);
    if (!m) return undefined;
    const h = createHmac('sha256', this.hmacKey).update(raw).digest('base64url');
    const t = this.now();
    const known = this.good.get(h);
    if (known && known.until > t) return known.v;
    const miss = this.bad.get(h);
    if (miss && miss > t) return undefined;
    let p = this.inflight.get(h);
    if (!p) {
      p = (
        known
          ? this.renew(h, known)
          : this.check(raw, at(m, 1, 'key group'), at(m, 2, 'key group'), h, address)
      ).finally(() => this.inflight.delete(h));
      this.inflight.set(h, p);
    }
    return p;
  }

  /** A key verified before whose TTL ran out: still active with the same hash? One query, no bcrypt. */
  private async renew(h: string, known: Known): Promise<VerifiedKey | undefined> {
    const row = (await activeKeys(this.db, known.v.partnerId)).find((k) => k.id === known.v.keyId);
    if (!row || row.key_hash !== known.keyHash) {
      this.good.delete(h);
      return undefined;
    }
    this.remember(this.good, h, { ...known, until: this.now() + this.ttlMs });
    return known.v;
  }

  private async check(
    raw: string,
    slug: string,
    secret: string,
    h: string,
    address: string | undefined,
  ): Promise<VerifiedKey | undefined> {
    const counters: Array<[string, number]> = [
      [`addr:${clientAddressKey(address)}`, this.limits.perAddress],
      [`prefix:${slug}`, this.limits.perPrefix],
    ];
    // The attempt counts as a failure from the start (given back if the key is right), so concurrent
    // guesses cannot all pass the check before the first of them fails.
    const waitMs = await this.limiter.take(counters);
    if (waitMs > 0) {
      await this.tarpit(waitMs);
      throw tooManyFailures(waitMs);
    }
    const candidates = (await activeKeys(this.db, slug)).filter(
      (k) => k.display_prefix === displayPrefix(slug, secret),
    );
    let found: ApiKeyRow | undefined;
    try {
      found = await this.bcryptSlots.run(async () => {
        if (candidates.length === 0) {
          // Unknown slug or prefix: the same work as a real comparison, so the time says nothing.
          await bcrypt.compare(raw, await this.dummy());
          return undefined;
        }
        for (const k of candidates) if (await bcrypt.compare(raw, k.key_hash)) return k;
        return undefined;
      });
    } catch (e) {
      if (e instanceof BusyError)
        throw new RetryLater('Too many API key verifications in progress; retry shortly', 'auth_busy', 1);
      throw e;
    }
    const until = this.now() + this.ttlMs;
    if (found) {
      const v = { partnerId: found.partner_id, keyId: found.id };
      this.remember(this.good, h, { v, keyHash: found.key_hash, until });
      await this.limiter.giveBack(counters);
      await touchKey(this.db, found.id);
      return v;
    }
    this.remember(this.bad, h, until);
    return undefined;
  }

  /**
   * Holds a refused attempt for a moment before the 429 (at most `refusalDelayMs`, and only while
   * fewer than 1,000 are held), so a guesser who retries at once gets few answers a second instead of
   * as many as the event loop can write, and valid traffic keeps its share of the loop.
   */
  private async tarpit(waitMs: number): Promise<void> {
    const ms = Math.min(this.limits.refusalDelayMs, waitMs);
    if (ms <= 0 || this.held >= 1000) return;
    this.held++;
    try {
      await sleep(ms);
    } finally {
      this.held--;
    }
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= bcrypt.hash(randomBytes(24).toString('base64'), BCRYPT_COST);
    return this.dummyHash;
  }

  /** Forgets a key at once on this replica (after it is disabled). */
  evictKey(keyIdToEvict: string): void {
    for (const [h, e] of this.good) if (e.v.keyId === keyIdToEvict) this.good.delete(h);
  }

  /** Whether failures are counted in Redis (shared by replicas) right now. */
  get sharedCounting(): boolean {
    return this.limiter.shared;
  }

  async close(): Promise<void> {
    await this.limiter.close();
  }

  private remember<V>(map: Map<string, V>, k: string, v: V): void {
    if (map.size >= this.maxEntries) {
      const t = this.now();
      // Known keys are kept past their TTL (they renew without bcrypt); wrong keys only until theirs.
      for (const [key, val] of map) if (typeof val === 'number' && val <= t) map.delete(key);
      const oldest = map.keys().next();
      if (map.size >= this.maxEntries && !oldest.done) map.delete(oldest.value);
    }
    map.delete(k);
    map.set(k, v);
  }
}

/** A 429 with the seconds to put in Retry-After. */
export class RetryLater extends ApiError {
  constructor(
    detail: string,
    code: ErrorCode,
    readonly retryAfterSeconds: number,
  ) {
    super(429, detail, code);
  }
}

function tooManyFailures(waitMs: number): RetryLater {
  const s = Math.max(1, Math.ceil(waitMs / 1000));
  return new RetryLater(
    `Too many failed API key attempts from this address or for this key prefix; retry after ${s} s`,
    'auth_rate_limited',
    s,
  );
}
