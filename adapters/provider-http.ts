/**
 * HTTP calls to a third-party provider, the way every adapter makes them: in its turn on the provider's
 * limiter (ProviderRuntime: bottleneck, Redis-shared with REDIS_URL), with the runtime's per-call
 * timeout, never past the deadline, no redirects followed (a bearer token is never sent wherever a
 * redirect points), and the answer classified:
 * - network error, timeout, 429 or 5xx → `ProviderCallUnavailable` (a `ProviderUnavailable`, with the
 *   provider's `Retry-After` and why);
 * - any other status → returned, for the adapter to read (a 2xx) or to turn into a `SourceError` (4xx).
 *
 * `call` is one call, with no retry loop of its own: for an analysis provider (adapters/analysis.ts) the
 * durable job is the retry loop, asking again later within the analysis deadline. `callRetrying` is the
 * same call tried again with backoff, for a source fetched while the partner waits (ValidiFI CONNECT).
 *
 * Also the client-credentials token cache that ValidiFI and the decisioning API both need: per credential
 * (hashed), single-flight, reused until shortly before it expires.
 */
import axios, { type AxiosInstance, type AxiosRequestConfig, type AxiosResponse } from 'axios';
import { createHash } from 'node:crypto';
import { errorCode } from '../src/lib/narrow.ts';
import { ProviderUnavailable } from './analysis.ts';
import { DeadlineExceeded, outcomeOf, type ProviderRuntime } from './runtime.ts';

/**
 * Why a call got no answer to read: `not_sent`, the deadline passed before it could be sent (while it
 * waited for the limiter); `timeout`, sent and not answered in time; `unreachable`, any other network
 * error; `rate_limited`, a 429; `status`, a 5xx.
 */
export type CallFailure =
  { reason: 'not_sent' | 'timeout' | 'unreachable' } | { reason: 'rate_limited' | 'status'; status: number };

/** What `ProviderHttp` throws when a call got no answer to read, and why. */
export class ProviderCallUnavailable extends ProviderUnavailable {
  constructor(
    message: string,
    readonly failure: CallFailure,
    retryAfterMs?: number,
  ) {
    super(message, retryAfterMs);
  }
}

export class ProviderHttp {
  private readonly http: AxiosInstance;
  /** Calls sent (tests and benchmarks read it). */
  calls = 0;

  constructor(
    /** The limiter and metrics key (`document_api`…), and the name messages use ("the document API"). */
    private readonly provider: { id: string; name: string },
    baseUrl: string,
    private readonly runtime: ProviderRuntime,
  ) {
    this.http = axios.create({
      baseURL: baseUrl.replace(/\/+$/, ''),
      validateStatus: () => true,
      maxRedirects: 0,
      headers: { 'user-agent': 'veqtrx-gateway', accept: 'application/json' },
      transitional: { silentJSONParsing: true, forcedJSONParsing: true, clarifyTimeoutError: true },
    });
  }

  /**
   * Sends one request; `what` names it in messages ("the analysis status"). Returns any answer that is
   * not 429/5xx; throws `ProviderCallUnavailable` otherwise. Never waits past `deadline` (epoch ms on the
   * runtime's clock; by default the runtime's deadline for one step, `deadlineMs` from now) for the
   * limiter, and its timeout never runs past it either.
   */
  async call(
    what: string,
    config: AxiosRequestConfig,
    deadline = this.runtime.now() + this.runtime.options.deadlineMs,
  ): Promise<AxiosResponse> {
    let status: number | undefined;
    let timedOut = false;
    let sent = false;
    const started = performance.now();
    let res: AxiosResponse;
    try {
      res = await this.runtime.run(this.provider.id, deadline, () => {
        sent = true;
        this.calls++;
        return this.http.request({
          ...config,
          timeout: Math.max(1, Math.min(this.runtime.options.timeoutMs, deadline - this.runtime.now())),
        });
      });
      status = res.status;
    } catch (e) {
      if (e instanceof DeadlineExceeded)
        throw new ProviderCallUnavailable(
          `${this.provider.name} is busy (its rate limit): ${what} was not sent`,
          { reason: 'not_sent' },
        );
      const code = errorCode(e);
      timedOut = code === 'ETIMEDOUT' || code === 'ECONNABORTED';
      if (!axios.isAxiosError(e)) throw e;
      throw new ProviderCallUnavailable(
        timedOut
          ? `${this.provider.name} did not answer in time for ${what}`
          : `${this.provider.name} could not be reached for ${what}`,
        { reason: timedOut ? 'timeout' : 'unreachable' },
      );
    } finally {
      if (sent)
        this.runtime.observe(
          this.provider.id,
          outcomeOf(status, timedOut),
          (performance.now() - started) / 1000,
        );
    }
    if (res.status === 429 || res.status >= 500) {
      const after = retryAfterMs(res.headers['retry-after'], Date.now());
      throw res.status === 429
        ? new ProviderCallUnavailable(
            `${this.provider.name} is rate-limiting requests for ${what} (HTTP 429)`,
            { reason: 'rate_limited', status: 429 },
            after,
          )
        : new ProviderCallUnavailable(
            `${this.provider.name} answered HTTP ${res.status} for ${what}`,
            { reason: 'status', status: res.status },
            after,
          );
    }
    return res;
  }

  /**
   * `call`, tried again when it throws `ProviderCallUnavailable` — a network error, a timeout, 429, 5xx —
   * after an exponential backoff (the runtime's `backoffMs`, doubling each time, jittered ×0.5–1.5; a
   * 429's `Retry-After` instead, when it has one), at most the runtime's `retries` more times, and never
   * past `deadline`: when the next try could not start before it, the last failure is thrown. A call the
   * limiter could not send before the deadline (`not_sent`) is thrown at once.
   */
  async callRetrying(what: string, config: AxiosRequestConfig, deadline: number): Promise<AxiosResponse> {
    const { retries, backoffMs } = this.runtime.options;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.call(what, config, deadline);
      } catch (e) {
        if (!(e instanceof ProviderCallUnavailable) || e.failure.reason === 'not_sent') throw e;
        const after = e.failure.reason === 'rate_limited' ? e.retryAfterMs : undefined;
        const wait = after ?? backoffMs * 2 ** attempt * (0.5 + Math.random());
        if (attempt >= retries || this.runtime.now() + wait >= deadline) throw e;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
}

/** `Retry-After` as milliseconds from now: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: unknown, now: number): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const s = header.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const at = Date.parse(s);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface BearerToken {
  value: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** A token is used until this long before it expires. */
export const TOKEN_EXPIRY_MARGIN_MS = 60_000;

/**
 * Client-credentials tokens, per credential, process-wide: `get(parts, fetch)` returns the cached token
 * while it has more than TOKEN_EXPIRY_MARGIN_MS to live, else the one being fetched, else fetches one.
 * `parts` (base URL, client id, secret…) are hashed into the key, never kept.
 */
export class TokenCache {
  private readonly slots = new Map<string, { cached?: BearerToken; inflight?: Promise<BearerToken> }>();

  constructor(private readonly clock: () => number = Date.now) {}

  async get(
    parts: readonly string[],
    fetch: () => Promise<BearerToken>,
    /** Now, to judge the cached token's expiry by (the cache's clock when not given). */
    now = this.clock(),
  ): Promise<string> {
    const key = createHash('sha256').update(parts.join('\u0000')).digest('hex');
    let slot = this.slots.get(key);
    if (!slot) {
      slot = {};
      this.slots.set(key, slot);
    }
    const c = slot.cached;
    if (c && c.expiresAt - TOKEN_EXPIRY_MARGIN_MS > now) return c.value;
    let pending = slot.inflight;
    if (!pending) {
      const s = slot;
      const p = fetch()
        .then((t) => (s.cached = t))
        .finally(() => {
          if (s.inflight === p) delete s.inflight;
        });
      s.inflight = pending = p;
    }
    return (await pending).value;
  }

  /** Forgets a token the provider refused (unless another call already replaced it). */
  forget(parts: readonly string[], value: string): void {
    const slot = this.slots.get(createHash('sha256').update(parts.join('\u0000')).digest('hex'));
    if (slot?.cached?.value === value) delete slot.cached;
  }

  clear(): void {
    this.slots.clear();
  }
}

/**
 * One logical call to a provider that answers at once (a fetching source, a connect provider — not a
 * polled analysis, whose job retries): `http.call`, tried again on `ProviderUnavailable` (network error,
 * timeout, 429, 5xx) after the provider's `Retry-After` or an exponential backoff with jitter, at most
 * `runtime.options.retries` more times and never past `deadline` (epoch ms on the runtime's clock). The last
 * `ProviderUnavailable` is thrown when it gives up; any other answer is returned for the caller to read.
 */
export async function callWithRetries(
  http: ProviderHttp,
  runtime: ProviderRuntime,
  deadline: number,
  what: string,
  config: AxiosRequestConfig,
): Promise<AxiosResponse> {
  const { retries, backoffMs } = runtime.options;
  for (let attempt = 0; ; attempt++) {
    try {
      return await http.call(what, config);
    } catch (e) {
      if (!(e instanceof ProviderUnavailable)) throw e;
      const wait = e.retryAfterMs ?? backoffMs * 2 ** attempt * (0.5 + Math.random());
      if (attempt >= retries || runtime.now() + wait >= deadline) throw e;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
