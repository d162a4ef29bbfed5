/**
 * Counters of failures in a fixed window (per client address, per key prefix, …) and a small
 * semaphore for expensive work. The counters live in Redis when REDIS_URL is set (shared by replicas)
 * and in process otherwise; a Redis that errors or does not answer within `redisTimeoutMs` never holds
 * up or fails a request: the in-process counters take over, with a warning in the log (at most one a
 * minute), and Redis is tried again 5 s later (or as soon as it reconnects, when it was disconnected).
 */
import { at, errorMessage } from './narrow.ts';
import ipaddr from 'ipaddr.js';
import { Redis } from 'ioredis';
import type { Logger } from './logger.ts';

/** In-process fixed-window counters, bounded in memory (expired entries swept, then the oldest dropped). */
export class LocalCounters {
  private readonly m = new Map<string, { n: number; resetAt: number }>();
  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 100_000,
  ) {}

  /** The count and the milliseconds left in the window of `key` (0 and 0 when none). */
  get(key: string): { n: number; ttlMs: number } {
    const e = this.m.get(key);
    const t = this.now();
    if (!e || e.resetAt <= t) return { n: 0, ttlMs: 0 };
    return { n: e.n, ttlMs: e.resetAt - t };
  }

  incr(key: string, windowMs: number): { n: number; ttlMs: number } {
    const t = this.now();
    let e = this.m.get(key);
    if (!e || e.resetAt <= t) {
      if (this.m.size >= this.maxEntries) this.sweep(t);
      e = { n: 0, resetAt: t + windowMs };
      this.m.set(key, e);
    }
    return { n: ++e.n, ttlMs: e.resetAt - t };
  }

  decr(key: string): void {
    const e = this.m.get(key);
    if (e && e.n > 0) e.n--;
  }

  private sweep(t: number): void {
    for (const [k, v] of this.m) if (v.resetAt <= t) this.m.delete(k);
    for (const k of this.m.keys()) {
      if (this.m.size < this.maxEntries) break;
      this.m.delete(k); // oldest first
    }
  }
}

const TAKE_SCRIPT = `local r = {}
for i, k in ipairs(KEYS) do
  local n = redis.call('INCR', k)
  if n == 1 then redis.call('PEXPIRE', k, ARGV[1]) end
  r[2 * i - 1] = n
  r[2 * i] = redis.call('PTTL', k)
end
return r`;

const GIVE_BACK_SCRIPT = `for i, k in ipairs(KEYS) do
  if tonumber(redis.call('GET', k) or '0') > 0 then redis.call('DECR', k) end
end
return 0`;

/**
 * Failure counters for authentication. An attempt takes one unit from every counter before the work
 * (so that many concurrent attempts cannot all slip under the limit), and gives it back when it
 * succeeds: `take(keys)` answers 0 to go ahead, or the milliseconds to wait (the attempt is refused).
 * All keys of one limiter share one window.
 */
export class FailureLimiter {
  private readonly local: LocalCounters;
  private readonly redis: Redis | undefined;
  private lastWarning = -Infinity;
  private skipRedisUntil = -Infinity;
  private readonly now: () => number;
  private readonly prefix: string;
  private readonly timeoutMs: number;

  constructor(
    opts: {
      redisUrl?: string | undefined;
      redisTimeoutMs?: number;
      prefix?: string;
      now?: () => number;
      windowMs: number;
    },
    private readonly log?: Logger,
  ) {
    this.now = opts.now ?? Date.now;
    this.windowMs = opts.windowMs;
    this.local = new LocalCounters(this.now);
    this.prefix = opts.prefix ?? 'veqtrx:auth-fail:';
    this.timeoutMs = opts.redisTimeoutMs ?? 250;
    if (opts.redisUrl) {
      this.redis = new Redis(opts.redisUrl, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        commandTimeout: this.timeoutMs,
        connectTimeout: 2000,
        retryStrategy: (times) => Math.min(200 * times, 5000),
      });
      this.redis.on('error', (e: Error) => this.warn(e));
    }
  }

  private readonly windowMs: number;

  /** Takes one unit from every counter; 0 when all were under their limit, else the milliseconds to wait. */
  async take(keys: Array<[string, number]>): Promise<number> {
    const counts = await this.viaRedis(
      async (r) => {
        const out: unknown = await r.eval(
          TAKE_SCRIPT,
          keys.length,
          ...keys.map(([k]) => this.prefix + k),
          String(this.windowMs),
        );
        if (!Array.isArray(out)) throw new Error('Redis answered the counter script with no list');
        return keys.map((_, i) => ({ n: Number(out[2 * i]), ttlMs: Math.max(0, Number(out[2 * i + 1])) }));
      },
      () => keys.map(([k]) => this.local.incr(k, this.windowMs)),
    );
    let wait = 0;
    keys.forEach(([, limit], i) => {
      const c = at(counts, i, 'count'); // one per key
      if (c.n > limit) wait = Math.max(wait, c.ttlMs || this.windowMs);
    });
    return wait;
  }

  /** Gives back the unit an attempt took (it succeeded). */
  async giveBack(keys: Array<[string, number]>): Promise<void> {
    await this.viaRedis(
      async (r) => {
        await r.eval(GIVE_BACK_SCRIPT, keys.length, ...keys.map(([k]) => this.prefix + k));
      },
      () => {
        for (const [k] of keys) this.local.decr(k);
      },
    );
  }

  /** Runs `op` against Redis within the timeout, or `fallback` in process if Redis is absent, down or slow. */
  private async viaRedis<T>(op: (r: Redis) => Promise<T>, fallback: () => T): Promise<T> {
    const r = this.redis;
    if (!r || r.status !== 'ready' || this.now() < this.skipRedisUntil) {
      if (r && r.status !== 'ready') this.warn(new Error(`Redis is ${r.status}`));
      return fallback();
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        op(r),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`Redis did not answer within ${this.timeoutMs} ms`)),
            this.timeoutMs,
          );
        }),
      ]);
    } catch (e) {
      // A Redis that errs or is slow is left alone for a few seconds, so that each attempt does not
      // wait for its timeout again.
      this.skipRedisUntil = this.now() + 5000;
      this.warn(e instanceof Error ? e : new Error(errorMessage(e)));
      return fallback();
    } finally {
      clearTimeout(timer);
    }
  }

  private warn(e: Error): void {
    const t = this.now();
    if (t - this.lastWarning < 60_000) return;
    this.lastWarning = t;
    this.log?.warn(
      { err: { message: e.message } },
      'authentication failure limiter: Redis unavailable, counting failures in this process until it answers',
    );
  }

  /** Whether the counters are in Redis right now. */
  get shared(): boolean {
    return this.redis?.status === 'ready' && this.now() >= this.skipRedisUntil;
  }

  close(): Promise<void> {
    this.redis?.disconnect();
    return Promise.resolve();
  }
}

/** The address a failure is counted against: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6 by its /64. */
export function clientAddressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  try {
    let a = ipaddr.parse(address);
    if (a instanceof ipaddr.IPv6 && a.isIPv4MappedAddress()) a = a.toIPv4Address();
    if (a instanceof ipaddr.IPv4) return a.toString();
    const parts = a.parts.slice(0, 4).map((p) => p.toString(16));
    return `${parts.join(':')}::/64`;
  } catch {
    return 'unknown';
  }
}

export class BusyError extends Error {
  constructor() {
    super('too much work queued');
    this.name = 'BusyError';
  }
}

/** At most `max` tasks at once, at most `maxQueue` waiting; beyond that `run` rejects with BusyError at once. */
export class Semaphore {
  private active = 0;
  private readonly queue: Array<() => void> = [];
  constructor(
    readonly max: number,
    readonly maxQueue: number,
  ) {}

  get running(): number {
    return this.active;
  }
  get waiting(): number {
    return this.queue.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) {
      if (this.queue.length >= this.maxQueue) throw new BusyError();
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      const next = this.queue.shift();
      if (next)
        next(); // the slot passes to the next waiter
      else this.active--;
    }
  }
}
