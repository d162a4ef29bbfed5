/**
 * ValidiFI v4 over HTTP, and nothing else (no mapping): the bearer token, the CONNECT transaction
 * history, the account export. Every call goes through the provider's limiter, has a timeout, and is
 * retried with exponential backoff on network errors, 5xx and 429 (honouring `Retry-After`) within the
 * fetch's deadline. A 401 on a data call refreshes the token once and retries.
 *
 * Tokens are cached per credential (base URL + client id + secret, hashed) until shortly before
 * `expiresOn`, process-wide, and fetched single-flight: any number of concurrent assessments for one
 * partner share one token request.
 *
 * Failures are `SourceError`s whose messages name ValidiFI and what to do, and never hold a secret,
 * a token or an account number.
 */
import { errorCode, isRecord } from '../../src/lib/narrow.ts';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { createHash } from 'node:crypto';
import { DeadlineExceeded, outcomeOf, type ProviderRuntime } from '../runtime.ts';
import { SourceError } from '../source.ts';
import { retryAfterMs } from '../provider-http.ts';
import type { components } from './generated.ts';

export type TokenResponse = components['schemas']['TokenResponse'];

export interface ValidifiCredentials {
  client_id: string;
  client_secret: string;
  /** https://sandbox.ribbit.ai, https://prod.ribbit.ai, or another base URL (a simulator). */
  base_url: string;
  /** The CONNECT client id and secret (Ribbit: "different from your API credentials"), for CONNECT sessions. */
  connect_client_id?: string | undefined;
  connect_client_secret?: string | undefined;
}

export const VALIDIFI_ENVIRONMENTS = {
  sandbox: 'https://sandbox.ribbit.ai',
  production: 'https://prod.ribbit.ai',
} as const;

/** A token is used until this long before its `expiresOn`. */
export const TOKEN_EXPIRY_MARGIN_MS = 60_000;

interface CachedToken {
  value: string;
  expiresAt: number;
}

interface TokenSlot {
  cached?: CachedToken;
  inflight?: Promise<CachedToken>;
}

const tokenSlots = new Map<string, TokenSlot>();

/** Forgets every cached token (tests; a credential change also changes the cache key). */
export function clearTokenCache(): void {
  tokenSlots.clear();
}

const PROVIDER = 'ValidiFI';

export class ValidifiClient {
  private readonly http: AxiosInstance;
  private readonly slot: TokenSlot;
  /** Upstream HTTP requests made by this client (token, history, export, retries included). */
  calls = 0;

  constructor(
    private readonly creds: ValidifiCredentials,
    private readonly runtime: ProviderRuntime,
    /** Epoch ms by which everything this client does must have finished. */
    private readonly deadline: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.http = axios.create({
      baseURL: creds.base_url.replace(/\/+$/, ''),
      timeout: runtime.options.timeoutMs,
      validateStatus: () => true,
      headers: { 'user-agent': 'veqtrx-gateway', accept: 'application/json' },
      // Never follow a redirect with a bearer token to wherever it points.
      maxRedirects: 0,
      // Responses are parsed by the callers (a malformed body is a 502, not an exception here).
      transitional: { silentJSONParsing: true, forcedJSONParsing: true, clarifyTimeoutError: true },
    });
    const key = createHash('sha256')
      .update(`${this.http.defaults.baseURL}\u0000${creds.client_id}\u0000${creds.client_secret}`)
      .digest('hex');
    let slot = tokenSlots.get(key);
    if (!slot) {
      slot = {};
      tokenSlots.set(key, slot);
    }
    this.slot = slot;
  }

  /** A valid bearer token: the cached one, the one being fetched, or a new one. */
  async token(): Promise<string> {
    const c = this.slot.cached;
    if (c && c.expiresAt - TOKEN_EXPIRY_MARGIN_MS > this.clock()) return c.value;
    if (!this.slot.inflight) {
      const p = this.fetchToken().finally(() => {
        if (this.slot.inflight === p) delete this.slot.inflight;
      });
      this.slot.inflight = p;
    }
    return (await this.slot.inflight).value;
  }

  private async fetchToken(): Promise<CachedToken> {
    const res = await this.request('the token', {
      method: 'POST',
      url: '/v4/token',
      data: {
        clientId: this.creds.client_id,
        clientSecret: this.creds.client_secret,
        grantType: 'client_credentials',
      },
    });
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      // ValidiFI's production API also refuses callers whose IP address it has not allow-listed, and
      // says so no differently: name both causes, so that nobody rotates good credentials for nothing.
      const ip =
        res.status === 400
          ? ''
          : `, or refused this gateway's IP address (production allows only the IP addresses ValidiFI has on its allow-list for the partner: ask ValidiFI to add the gateway's outbound address)`;
      throw new SourceError(
        502,
        `${PROVIDER} refused this partner's client credentials (HTTP ${res.status})${ip}; if the credentials are wrong, an administrator must store valid ones (PUT /api/admin/partners/{id}/providers/validifi)`,
        'validifi_credentials_refused',
      );
    }
    if (res.status !== 200) throw this.badStatus('the token', res.status);
    const body: unknown = res.data;
    const { expiresOn, accessToken }: Partial<Record<keyof TokenResponse, unknown>> = isRecord(body)
      ? body
      : {};
    const expiresAt = typeof expiresOn === 'string' ? Date.parse(expiresOn) : NaN;
    if (typeof accessToken !== 'string' || accessToken.length === 0 || Number.isNaN(expiresAt)) {
      throw new SourceError(
        502,
        `${PROVIDER} returned a malformed token response; retry later, and tell support if it persists`,
        'validifi_bad_response',
      );
    }
    const token = { value: accessToken, expiresAt };
    this.slot.cached = token;
    return token;
  }

  /**
   * POST to an endpoint that takes no bearer token (its credentials are in `body`, as the CONNECT session's
   * are): the same limiter, timeout, retries and Retry-After as every other call; the final answer is returned.
   */
  async postUnauthenticated(what: string, url: string, body: unknown): Promise<AxiosResponse> {
    return this.request(what, { method: 'POST', url, data: body });
  }

  /** GET a data endpoint with the bearer token; on a 401, one refresh and one more try. */
  async get(what: string, url: string, params?: Record<string, string>): Promise<AxiosResponse> {
    for (let refreshed = false; ; refreshed = true) {
      const token = await this.token();
      const res = await this.request(what, {
        method: 'GET',
        url,
        ...(params ? { params } : {}),
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.status !== 401) return res;
      // The token was refused (expired early, revoked): forget it — unless another call already has.
      if (this.slot.cached?.value === token) delete this.slot.cached;
      if (refreshed)
        throw new SourceError(
          502,
          `${PROVIDER} refused a fresh bearer token for ${what} (HTTP 401); check the partner's ValidiFI credentials and that ValidiFI has this gateway's IP address on its allow-list`,
          'validifi_unauthorized',
        );
    }
  }

  /**
   * One logical call: scheduled on the provider's limiter, retried on network errors, 5xx and 429
   * (Retry-After honoured) with exponential backoff, never past the deadline. Returns the final response
   * for any other status; throws a SourceError (502, or 504 for a timeout) when it gives up.
   */
  private async request(
    what: string,
    config: Parameters<AxiosInstance['request']>[0],
  ): Promise<AxiosResponse> {
    const { retries, backoffMs } = this.runtime.options;
    for (let attempt = 0; ; attempt++) {
      const remaining = this.deadline - this.clock();
      if (remaining <= 0) throw this.timedOut(what);
      let res: AxiosResponse | undefined;
      let timedOut = false;
      let sent = false;
      const started = performance.now();
      try {
        // The wait for the limiter is inside the deadline too; the call's timeout is what is left of it then.
        res = await this.runtime.run('validifi', this.deadline, () => {
          sent = true;
          this.calls++;
          return this.http.request({
            ...config,
            timeout: Math.max(1, Math.min(this.runtime.options.timeoutMs, this.deadline - this.clock())),
          });
        });
      } catch (e) {
        if (e instanceof DeadlineExceeded) throw this.timedOut(what);
        const code = errorCode(e);
        timedOut = code === 'ETIMEDOUT' || code === 'ECONNABORTED';
        if (!axios.isAxiosError(e) || e.response) throw e;
      } finally {
        if (sent)
          this.runtime.observe(
            'validifi',
            outcomeOf(res?.status, timedOut),
            (performance.now() - started) / 1000,
          );
      }
      if (res !== undefined && res.status !== 429 && res.status < 500) return res; // not worth another try
      let wait = backoffMs * 2 ** attempt * (0.5 + Math.random());
      if (res?.status === 429) {
        const after = retryAfterMs(res.headers['retry-after'], this.clock());
        if (after !== undefined) wait = after;
      }
      const last = attempt >= retries || this.clock() + wait >= this.deadline;
      if (last) {
        if (res === undefined)
          throw timedOut
            ? this.timedOut(what)
            : new SourceError(
                502,
                `${PROVIDER} could not be reached for ${what}; retry later`,
                'validifi_unreachable',
              );
        if (res.status === 429)
          throw new SourceError(
            502,
            `${PROVIDER} is rate-limiting requests for ${what}; retry later`,
            'validifi_rate_limited',
          );
        throw this.badStatus(what, res.status);
      }
      await new Promise((r) => setTimeout(r, wait));
    }
  }

  private badStatus(what: string, status: number): SourceError {
    return new SourceError(
      502,
      `${PROVIDER} answered HTTP ${status} for ${what}; retry later, and tell support if it persists`,
      'validifi_bad_response',
    );
  }

  private timedOut(what: string): SourceError {
    return new SourceError(
      504,
      `${PROVIDER} did not answer in time for ${what}; retry later`,
      'validifi_timeout',
    );
  }
}
