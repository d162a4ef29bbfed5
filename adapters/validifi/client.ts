/**
 * ValidiFI v4 over HTTP, and nothing else (no mapping): the bearer token, the CONNECT transaction
 * history, the account export. Every call is `ProviderHttp.callRetrying` (adapters/provider-http.ts):
 * through the provider's limiter, with a timeout, and retried with exponential backoff on network
 * errors, 5xx and 429 (honouring `Retry-After`) within the fetch's deadline. A 401 on a data call
 * refreshes the token once and retries.
 *
 * Tokens are cached per credential (base URL + client id + secret, hashed) until shortly before
 * `expiresOn`, process-wide, and fetched single-flight (`TokenCache`): any number of concurrent
 * assessments for one partner share one token request.
 *
 * Failures are `SourceError`s whose messages name ValidiFI and what to do, and never hold a secret,
 * a token or an account number.
 */
import { isRecord } from '../../src/lib/narrow.ts';
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type { ProviderRuntime } from '../runtime.ts';
import { SourceError } from '../source.ts';
import { ProviderCallUnavailable, ProviderHttp, TokenCache, type BearerToken } from '../provider-http.ts';
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

const tokens = new TokenCache();

/** Forgets every cached token (tests; a credential change also changes the cache key). */
export function clearTokenCache(): void {
  tokens.clear();
}

const PROVIDER = 'ValidiFI';
/** The limiter and metrics key, shared with ValidiFI INSIGHTS (adapters/validifi_insights). */
const VALIDIFI = { id: 'validifi', name: PROVIDER } as const;

export class ValidifiClient {
  private readonly http: ProviderHttp;
  /** What identifies the credential in the token cache (hashed there, never kept). */
  private readonly parts: readonly string[];

  constructor(
    private readonly creds: ValidifiCredentials,
    runtime: ProviderRuntime,
    /** Epoch ms (on the runtime's clock) by which everything this client does must have finished. */
    private readonly deadline: number,
    /** Now, for the cached token's expiry. */
    private readonly clock: () => number = Date.now,
  ) {
    this.http = new ProviderHttp(VALIDIFI, creds.base_url, runtime);
    this.parts = [creds.base_url.replace(/\/+$/, ''), creds.client_id, creds.client_secret];
  }

  /** Upstream HTTP requests made by this client (token, history, export, retries included). */
  get calls(): number {
    return this.http.calls;
  }

  /** A valid bearer token: the cached one, the one being fetched, or a new one. */
  token(): Promise<string> {
    return tokens.get(this.parts, () => this.fetchToken(), this.clock());
  }

  private async fetchToken(): Promise<BearerToken> {
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
    return { value: accessToken, expiresAt };
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
      tokens.forget(this.parts, token);
      if (refreshed)
        throw new SourceError(
          502,
          `${PROVIDER} refused a fresh bearer token for ${what} (HTTP 401); check the partner's ValidiFI credentials and that ValidiFI has this gateway's IP address on its allow-list`,
          'validifi_unauthorized',
        );
    }
  }

  /**
   * One logical call (`ProviderHttp.callRetrying`: retried on network errors, 5xx and 429, never past
   * the deadline). Returns the final response for any other status; throws a SourceError (502, or 504
   * for a timeout) when it gives up.
   */
  private async request(what: string, config: AxiosRequestConfig): Promise<AxiosResponse> {
    try {
      return await this.http.callRetrying(what, config, this.deadline);
    } catch (e) {
      if (!(e instanceof ProviderCallUnavailable)) throw e;
      const failure = e.failure;
      switch (failure.reason) {
        case 'not_sent':
        case 'timeout':
          throw this.timedOut(what);
        case 'unreachable':
          throw new SourceError(
            502,
            `${PROVIDER} could not be reached for ${what}; retry later`,
            'validifi_unreachable',
          );
        case 'rate_limited':
          throw new SourceError(
            502,
            `${PROVIDER} is rate-limiting requests for ${what}; retry later`,
            'validifi_rate_limited',
          );
        case 'status':
          throw this.badStatus(what, failure.status);
      }
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
