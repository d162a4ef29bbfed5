/**
 * Outbound-call policy for fetching sources: one `bottleneck` limiter per provider — in-process, or
 * shared by every replica through Redis when REDIS_URL is set, so that a provider's rate limit holds
 * across the fleet — and the timeouts every call must use.
 *
 * Every wait sits inside the fetch's deadline, the limiter's included. When Redis is down, drops its
 * connections or does not answer, calls degrade to an in-process limiter (same limits, per process)
 * with one warning in the log, rather than hang or fail: the provider's own 429s (retried, honouring
 * `Retry-After`) are the backstop while the fleet-wide limit is not held.
 */
import { errorMessage, isRecord, present } from '../src/lib/narrow.ts';
import Bottleneck from 'bottleneck';

export interface ProviderLimits {
  /** Calls to one provider in flight at once (per process, or fleet-wide with Redis). */
  maxConcurrent: number;
  /** Minimum milliseconds between the starts of two calls to one provider. */
  minTimeMs: number;
}

export interface RuntimeOptions {
  /** Per-call timeout. */
  timeoutMs: number;
  /** The whole fetch for one assessment (all calls and retries) must end within this. */
  deadlineMs: number;
  /** Retries after the first attempt, for network errors, 5xx and 429. */
  retries: number;
  /** First backoff; doubles each retry (with jitter). */
  backoffMs: number;
  limits: ProviderLimits;
  redisUrl?: string | undefined;
  /**
   * The clock deadlines are measured on (epoch ms; Date.now when not given) — fetching sources take
   * theirs from `ProviderRuntime.now`, so a deadline and every check against it read one clock. Elapsed
   * time, not the gateway's date clock: a test that pins the date must not stop deadlines running.
   */
  clock?: () => number;
}

/** How one provider call ended: the status class, or why there was no status. */
export type CallOutcome = '2xx' | '3xx' | '4xx' | '429' | '5xx' | 'timeout' | 'error';

export const outcomeOf = (status: number | undefined, timedOut: boolean): CallOutcome =>
  status === undefined
    ? timedOut
      ? 'timeout'
      : 'error'
    : status === 429
      ? '429'
      : status >= 500
        ? '5xx'
        : status >= 400
          ? '4xx'
          : status >= 300
            ? '3xx'
            : '2xx';

/** The deadline passed while a call waited for its turn (nothing was sent). */
export class DeadlineExceeded extends Error {
  constructor() {
    super('the deadline passed while the call waited for the provider limiter');
    this.name = 'DeadlineExceeded';
  }
}

/** The limiter itself failed (its Redis) before the call started: the call may run elsewhere. */
class LimiterFailed extends Error {
  constructor(readonly reason: unknown) {
    super(`the provider limiter failed: ${errorMessage(reason)}`);
    this.name = 'LimiterFailed';
  }
}

/** Where the runtime says that Redis went away or came back (the gateway's logger). */
export interface RuntimeLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/**
 * How long the first call waits for a Redis that is still connecting before it uses the in-process
 * limiter instead (later calls never wait: Redis is used when it is connected, and not otherwise).
 */
export const REDIS_FIRST_CONNECT_WAIT_MS = 1000;

/** An ioredis client as bottleneck holds it (its status and its `close` event are read). */
interface RedisClient {
  status: string;
  on(event: 'close', f: () => void): unknown;
  off(event: 'close', f: () => void): unknown;
}

/**
 * What bottleneck's IORedisConnection holds beyond its typings: `client` and `subscriber` (its ioredis
 * clients) and `ready`, a promise property (typed as a method). Read through checks rather than casts: a
 * bottleneck that changed them would leave the runtime on its local limiters with a warning, and the
 * shared-limiter tests against a real Redis (test/unit/adapters/runtime.test.ts) would fail.
 */
function isRedisClient(x: unknown): x is RedisClient {
  return (
    isRecord(x) && typeof x.status === 'string' && typeof x.on === 'function' && typeof x.off === 'function'
  );
}
function connectionReady(conn: Bottleneck.IORedisConnection): Promise<unknown> {
  const c: unknown = conn;
  if (isRecord(c) && c.ready instanceof Promise) return c.ready;
  return conn.ready(); // as typed
}

export class ProviderRuntime {
  private readonly limiters = new Map<string, Bottleneck>();
  private readonly local = new Map<string, Bottleneck>();
  private connection: Bottleneck.IORedisConnection | undefined;
  /** The first calls' bounded wait for a Redis that has never been connected (shared by them; later calls never wait). */
  private firstConnect: Promise<boolean> | undefined;
  private degradedSince: number | undefined;
  private lastRedisError: string | undefined;

  constructor(
    /** From the PROVIDER_* settings (src/config.ts holds their defaults). */
    readonly options: RuntimeOptions,
    /** Told of every call a provider client makes (metrics). */
    readonly observe: (provider: string, outcome: CallOutcome, seconds: number) => void = () => {},
    /** Told when the shared limiter is unusable and when it is back. */
    private readonly log?: RuntimeLog,
  ) {}

  /** Now, on the clock deadlines are measured on (`options.clock`; epoch ms). */
  now(): number {
    return (this.options.clock ?? Date.now)();
  }

  /** The shared (Redis) limiter for a provider when REDIS_URL is set, else the in-process one (created on first use). */
  limiter(provider: string): Bottleneck {
    if (!this.options.redisUrl) return this.localLimiter(provider);
    let l = this.limiters.get(provider);
    if (!l) {
      const common = {
        id: `veqtrx-provider-${provider}`,
        maxConcurrent: this.options.limits.maxConcurrent,
        minTime: this.options.limits.minTimeMs,
      };
      l = new Bottleneck({
        ...common,
        datastore: 'ioredis',
        connection: this.redis(),
        clearDatastore: false,
        timeout: 60_000,
      });
      const made = l;
      // Errors of the datastore (heartbeats while Redis is away) are expected; calls see them through run().
      made.on('error', (e: Error) => void (this.lastRedisError = e.message));
      // A limiter whose set-up failed (Redis went away half-way) never recovers: forget it, make a new one later.
      made.ready().catch(() => this.forget(provider, made));
      this.limiters.set(provider, l);
    }
    return l;
  }

  /**
   * Runs `call` as one call to `provider`, in its turn on the provider's limiter, and never waits past
   * `deadline` (epoch ms) for that turn: a `DeadlineExceeded` when it passes first (and `call` is then
   * never made). Once started, `call` bounds itself (its own timeout).
   *
   * With REDIS_URL, the limiter is shared through Redis while Redis is connected; when it is not (down,
   * dropping connections, not answering) or fails before the call starts, the call goes through the
   * in-process limiter instead — the same limits, per process — and the log says so once, with a
   * second line when Redis is back.
   */
  async run<T>(provider: string, deadline: number, call: () => Promise<T>): Promise<T> {
    if (this.now() >= deadline) throw new DeadlineExceeded();
    if (this.options.redisUrl) {
      const shared = await this.sharedLimiter(provider, deadline);
      if (shared) {
        try {
          const out = await this.turn(shared, deadline, call, (give) => this.onDisconnect(give));
          this.recovered();
          return out;
        } catch (e) {
          if (!(e instanceof LimiterFailed)) throw e;
          this.degrade(e.message);
          this.forget(provider, shared);
          if (this.now() >= deadline) throw new DeadlineExceeded();
        }
      }
    }
    return this.turn(this.localLimiter(provider), deadline, call);
  }

  /** `call` in its turn on `limiter`; its own outcome as soon as it has one, whatever the limiter does after. */
  private turn<T>(
    limiter: Bottleneck,
    deadline: number,
    call: () => Promise<T>,
    watch?: (give: () => void) => () => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let started = false;
      let settled = false;
      const settle = (f: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        unwatch?.();
        f();
      };
      // The limiter's store going away while the call waits for its turn: the call need not wait for it.
      const unwatch = watch?.(() => {
        if (!started)
          settle(() =>
            reject(
              new LimiterFailed(
                new Error(`Redis disconnected${this.lastRedisError ? ` (${this.lastRedisError})` : ''}`),
              ),
            ),
          );
      });
      const timer = setTimeout(
        () => {
          if (!started) settle(() => reject(new DeadlineExceeded()));
        },
        Math.max(0, deadline - this.now()),
      );
      limiter
        .schedule(async () => {
          if (settled) return; // the caller stopped waiting: nothing is sent
          started = true;
          clearTimeout(timer);
          unwatch?.();
          try {
            const v = await call();
            settle(() => resolve(v));
          } catch (e) {
            // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the call's own error, passed on as it was thrown
            settle(() => reject(e));
          }
        })
        .catch((e: unknown) => {
          // Before the call started, a rejection is the limiter's (Redis); after, the call's outcome is already delivered.
          if (!started) settle(() => reject(new LimiterFailed(e)));
        });
    });
  }

  /** The Redis limiter when Redis is usable now, else undefined (after a warning). */
  private async sharedLimiter(provider: string, deadline: number): Promise<Bottleneck | undefined> {
    const conn = this.redis();
    if (!this.connected()) {
      // Only the first calls wait, briefly and together, for a Redis that has never been connected yet.
      this.firstConnect ??= within(connectionReady(conn), REDIS_FIRST_CONNECT_WAIT_MS);
      const left = deadline - this.now();
      if (left > 0) await within(this.firstConnect, left);
      if (!this.connected()) {
        this.degrade(`Redis is not connected${this.lastRedisError ? ` (${this.lastRedisError})` : ''}`);
        return undefined;
      }
    }
    const l = this.limiter(provider);
    if (!(await within(l.ready(), Math.min(REDIS_FIRST_CONNECT_WAIT_MS, deadline - this.now())))) {
      this.degrade('the shared limiter could not be set up in Redis in time');
      return undefined;
    }
    return l;
  }

  private redis(): Bottleneck.IORedisConnection {
    if (!this.connection) {
      const url = present(this.options.redisUrl, 'redisUrl'); // only called when there is one
      const c = new Bottleneck.IORedisConnection({ clientOptions: redisOptions(url) });
      c.on('error', (e: Error) => void (this.lastRedisError = e.message));
      this.connection = c;
    }
    return this.connection;
  }

  private clients(): RedisClient[] {
    const c: unknown = this.connection;
    if (!isRecord(c)) return [];
    return [c.client, c.subscriber].filter(isRedisClient);
  }

  /** Both of the connection's clients (commands and pub/sub) are connected and ready. */
  private connected(): boolean {
    const cs = this.clients();
    return cs.length === 2 && cs.every((c) => c.status === 'ready');
  }

  /** Calls `give` when either Redis client loses its connection; returns the unsubscribe. */
  private onDisconnect(give: () => void): () => void {
    const cs = this.clients();
    for (const c of cs) c.on('close', give);
    return () => {
      for (const c of cs) c.off('close', give);
    };
  }

  private forget(provider: string, l: Bottleneck): void {
    if (this.limiters.get(provider) !== l) return;
    this.limiters.delete(provider);
    Promise.resolve()
      .then(() => l.disconnect(false))
      .catch(() => undefined);
  }

  private localLimiter(provider: string): Bottleneck {
    let l = this.local.get(provider);
    if (!l) {
      l = new Bottleneck({
        maxConcurrent: this.options.limits.maxConcurrent,
        minTime: this.options.limits.minTimeMs,
      });
      this.local.set(provider, l);
    }
    return l;
  }

  private degrade(reason: string): void {
    if (this.degradedSince !== undefined) return;
    this.degradedSince = this.now();
    this.log?.warn(
      { reason },
      'REDIS_URL is set but Redis is unusable: provider rate limits are now enforced per process (in-process limiter), not fleet-wide, until it is back',
    );
  }

  private recovered(): void {
    if (this.degradedSince === undefined) return;
    this.log?.info(
      { degraded_ms: this.now() - this.degradedSince },
      'Redis is back: provider rate limits are shared by the fleet again',
    );
    this.degradedSince = undefined;
  }

  async close(): Promise<void> {
    // A limiter on a shared connection does not own it; the connection is closed once, last.
    for (const l of this.limiters.values()) await Promise.resolve(l.disconnect(false)).catch(() => undefined);
    this.limiters.clear();
    for (const l of this.local.values()) await Promise.resolve(l.disconnect(false)).catch(() => undefined);
    this.local.clear();
    if (this.connection) await Promise.resolve(this.connection.disconnect(false)).catch(() => undefined);
    this.connection = undefined;
  }
}

/** Whether `p` resolves within `ms` (false when it rejects or is slower; it is never left unobserved). */
function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  if (ms <= 0)
    return Promise.race([
      p.then(
        () => true,
        () => false,
      ),
      Promise.resolve(false),
    ]);
  return new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    p.then(
      () => {
        clearTimeout(t);
        resolve(true);
      },
      () => {
        clearTimeout(t);
        resolve(false);
      },
    );
  });
}

function redisOptions(url: string): Record<string, unknown> {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: 2,
    connectTimeout: 5_000,
    // While Redis is away a command fails at once instead of queueing (calls use the in-process limiter then).
    enableOfflineQueue: false,
    // A Redis that accepts and never answers: its command fails, and the call uses the in-process limiter.
    commandTimeout: 2_000,
  };
}
