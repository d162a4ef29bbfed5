/**
 * Outbound-call policy for fetching sources: one `bottleneck` limiter per provider — in-process, or
 * shared by every replica through Redis when REDIS_URL is set, so that a provider's rate limit holds
 * across the fleet — and the timeouts every call must use.
 */
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
}

/** How one provider call ended: the status class, or why there was no status. */
export type CallOutcome = '2xx' | '3xx' | '4xx' | '429' | '5xx' | 'timeout' | 'error';

export const outcomeOf = (status: number | undefined, timedOut: boolean): CallOutcome =>
  status === undefined ? (timedOut ? 'timeout' : 'error') : status === 429 ? '429' : status >= 500 ? '5xx' : status >= 400 ? '4xx' : status >= 300 ? '3xx' : '2xx';

export class ProviderRuntime {
  private readonly limiters = new Map<string, Bottleneck>();
  private connection: Bottleneck.IORedisConnection | undefined;

  constructor(
    /** From the PROVIDER_* settings (src/config.ts holds their defaults). */
    readonly options: RuntimeOptions,
    /** Told of every call a provider client makes (metrics). */
    readonly observe: (provider: string, outcome: CallOutcome, seconds: number) => void = () => {},
  ) {}

  /** The limiter for a provider (created on first use). */
  limiter(provider: string): Bottleneck {
    let l = this.limiters.get(provider);
    if (!l) {
      const common = { id: `veqtrx-provider-${provider}`, maxConcurrent: this.options.limits.maxConcurrent, minTime: this.options.limits.minTimeMs };
      if (this.options.redisUrl) {
        this.connection ??= new Bottleneck.IORedisConnection({ clientOptions: redisOptions(this.options.redisUrl) });
        l = new Bottleneck({ ...common, datastore: 'ioredis', connection: this.connection, clearDatastore: false, timeout: 60_000 });
      } else {
        l = new Bottleneck(common);
      }
      this.limiters.set(provider, l);
    }
    return l;
  }

  async close(): Promise<void> {
    // A limiter on a shared connection does not own it; the connection is closed once, last.
    for (const l of this.limiters.values()) await Promise.resolve(l.disconnect(false)).catch(() => undefined);
    this.limiters.clear();
    if (this.connection) await Promise.resolve(this.connection.disconnect(false)).catch(() => undefined);
    this.connection = undefined;
  }
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
  };
}
