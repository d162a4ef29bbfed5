/**
 * The credit-decisioning API over HTTP, and nothing else (no mapping): the client-credentials token,
 * customers, analyses. Every call is one `ProviderHttp.call` — the provider's limiter, the runtime's
 * timeout, no redirects, and 429/5xx/network failures thrown as `ProviderUnavailable` (with the
 * provider's Retry-After) for the durable job to try again later. The job is the retry loop; this client
 * has none, except one: a data call answered 401 forgets the token, fetches a new one and is sent once
 * more (a token can expire early or be revoked).
 *
 * Tokens are cached per credential (base URL, client id and secret, hashed) until shortly before
 * `expires_in` runs out, process-wide and single-flight (adapters/provider-http.ts TokenCache).
 *
 * Refusals become `SourceError`s with the codes of src/lib/errors.ts, whose messages name the provider
 * and never hold a secret, a token, or the request:
 * - the token refused (400/401/403), a fresh token refused (401), a route forbidden (403) →
 *   `provider_credentials_refused`;
 * - no credits (402) → `provider_out_of_credits`;
 * - the request refused (400/422, or 404 for the lender's own ids) → `provider_request_refused`, quoting
 *   the provider's reason;
 * - any other answer, or a 2xx that is not what the spec says → `provider_bad_response`.
 */
import type { AxiosRequestConfig, AxiosResponse } from 'axios';
import type { z } from 'zod';
import { isRecord } from '../../src/lib/narrow.ts';
import type { ErrorCode } from '../../src/lib/errors.ts';
import { ProviderHttp, TokenCache, type BearerToken } from '../provider-http.ts';
import type { ProviderRuntime } from '../runtime.ts';
import { SourceError } from '../source.ts';
import type { components } from './generated.ts';
import type { DecisioningCredentials } from './input.ts';
import {
  DECISIONING_PROVIDER,
  WireAnalysis,
  WireAnalysisList,
  WireCustomer,
  WireCustomerList,
  WireError,
  WireToken,
  verdictOf,
  type Analysis,
  type DecisioningResult,
} from './map.ts';

const NAME = DECISIONING_PROVIDER.name;
/** The limiter and metrics key. */
export const PROVIDER_ID = 'decisioning_api';

const tokens = new TokenCache();

/** Forgets every cached token (tests; a credential change also changes the cache key). */
export function clearTokenCache(): void {
  tokens.clear();
}

/** An upper-case-first message: the provider's name starts most of them. */
export const sentence = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The provider's own reason from an error body (`message`, else `code`), printable and short; '' when none. */
export function providerReason(body: unknown): string {
  const e = WireError.safeParse(isRecord(body) ? body : {});
  const text = e.success ? (e.data.message ?? e.data.code ?? '') : '';
  // eslint-disable-next-line no-control-regex -- control characters are what is being removed
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > 300 ? `${clean.slice(0, 300)}…` : clean;
}

export class DecisioningClient {
  private readonly http: ProviderHttp;
  private readonly parts: readonly string[];

  constructor(
    private readonly creds: DecisioningCredentials,
    runtime: ProviderRuntime,
  ) {
    const base = creds.base_url.replace(/\/+$/, '');
    this.http = new ProviderHttp({ id: PROVIDER_ID, name: NAME }, base, runtime);
    this.parts = [base, creds.client_id, creds.client_secret];
  }

  /** Requests sent by this client (token calls included). */
  get calls(): number {
    return this.http.calls;
  }

  /** A valid access token: the cached one, the one being fetched, or a new one. */
  token(): Promise<string> {
    return tokens.get(this.parts, () => this.fetchToken());
  }

  private async fetchToken(): Promise<BearerToken> {
    const res = await this.http.call('the access token', {
      method: 'POST',
      url: '/v1/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      data: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.creds.client_id,
        client_secret: this.creds.client_secret,
      } satisfies components['schemas']['TokenRequest']).toString(),
    });
    if (res.status === 400 || res.status === 401 || res.status === 403)
      throw new SourceError(
        502,
        `${sentence(NAME)} refused this partner's client credentials (HTTP ${res.status}); an administrator must store valid ones for the provider decisioning_api`,
        'provider_credentials_refused',
      );
    if (res.status !== 200 && res.status !== 201) throw badStatus('the access token', res.status);
    const t = WireToken.safeParse(res.data);
    if (!t.success) throw malformed('access token');
    return { value: t.data.access_token, expiresAt: Date.now() + t.data.expires_in * 1000 };
  }

  /** One data call with the bearer token; on a 401, one new token and one more try. */
  async request(what: string, config: AxiosRequestConfig): Promise<AxiosResponse> {
    for (let refreshed = false; ; refreshed = true) {
      const token = await this.token();
      const res = await this.http.call(what, {
        ...config,
        headers: { ...(config.headers ?? {}), authorization: `Bearer ${token}` },
      });
      if (res.status !== 401) return res;
      tokens.forget(this.parts, token);
      if (refreshed)
        throw new SourceError(
          502,
          `${sentence(NAME)} refused a fresh access token for ${what} (HTTP 401); check the partner's client credentials for the provider decisioning_api`,
          'provider_credentials_refused',
        );
    }
  }

  /**
   * Creates the customer, or finds the one that already has this identifier (422 on a duplicate, as
   * the provider's quick start says). `created` is false when it existed.
   */
  async ensureCustomer(customIdentifier: string): Promise<{ id: string; created: boolean }> {
    const res = await this.request('the new customer', {
      method: 'POST',
      url: '/v2/customers',
      data: { customIdentifier } satisfies components['schemas']['CustomerCreate'],
    });
    if (res.status === 201 || res.status === 200) {
      return { id: parse(WireCustomer, res.data, 'customer').id, created: true };
    }
    if (res.status !== 422) throw refusal('the new customer', res);
    // A customer with this identifier exists (an earlier run of this analysis, or the lender's own).
    const found = await this.findCustomer(customIdentifier);
    if (found) return { id: found, created: false };
    // 422 and nobody has the identifier: the provider refused it for another reason.
    throw refusal('the new customer', res);
  }

  /** The provider's id of the customer with this identifier, if there is one. */
  async findCustomer(customIdentifier: string): Promise<string | undefined> {
    const res = await this.request('the customer lookup', {
      method: 'GET',
      url: '/v2/customers',
      params: { filter: JSON.stringify({ customIdentifier }) },
    });
    if (res.status !== 200) throw refusal('the customer lookup', res);
    const list = parse(WireCustomerList, res.data, 'customer list');
    // The filter should return only this identifier; a provider that ignored it must not hand us another customer.
    return list.resources.find((c) => c.customIdentifier === customIdentifier)?.id;
  }

  /** The customer's analyses, newest first (by `createdAt`; in the order given when it is absent). */
  async listAnalyses(customerId: string): Promise<Analysis[]> {
    const res = await this.request('the list of analyses', {
      method: 'GET',
      url: `/v2/customers/${encodeURIComponent(customerId)}/analyses`,
      params: { limit: 100 },
    });
    if (res.status !== 200) throw refusal('the list of analyses', res);
    const body: unknown = res.data;
    const list = Array.isArray(body)
      ? parse(WireAnalysisList, { resources: body }, 'list of analyses').resources
      : parse(WireAnalysisList, body, 'list of analyses').resources;
    return list
      .map((a, i) => ({ a, i }))
      .sort((x, y) => (y.a.createdAt ?? '').localeCompare(x.a.createdAt ?? '') || y.i - x.i)
      .map((x) => x.a);
  }

  /** Starts an analysis of the uploaded accounts (202). */
  async createAnalysis(
    customerId: string,
    upload: components['schemas']['AnalysisCreate'],
  ): Promise<Analysis> {
    const res = await this.request('the new analysis', {
      method: 'POST',
      url: `/v2/customers/${encodeURIComponent(customerId)}/analyses`,
      data: upload,
    });
    if (res.status !== 202 && res.status !== 201 && res.status !== 200)
      throw refusal('the new analysis', res);
    return parse(WireAnalysis, res.data, 'analysis');
  }

  /**
   * One analysis, with the verdict part kept for the evidence, and the provider's Retry-After when it
   * sent one. `attached`: the ids are the lender's (a 404 is their mistake, said so).
   */
  async getAnalysis(
    customerId: string,
    analysisId: string,
    attached: boolean,
  ): Promise<DecisioningResult & { retryAfter?: unknown }> {
    const res = await this.request('the analysis', {
      method: 'GET',
      url: `/v2/customers/${encodeURIComponent(customerId)}/analyses/${encodeURIComponent(analysisId)}`,
    });
    if (res.status === 404)
      throw new SourceError(
        502,
        attached
          ? `${sentence(NAME)} has no analysis ${analysisId.slice(0, 100)} for customer ${customerId.slice(0, 100)} (HTTP 404): check customer_id and analysis_id, and that the partner's stored credentials are those of the project that holds them`
          : `${sentence(NAME)} no longer has the analysis the gateway started (HTTP 404); submit the assessment again, and tell support if it persists`,
        'provider_request_refused',
      );
    if (res.status !== 200) throw refusal('the analysis', res);
    const analysis = parse(WireAnalysis, res.data, 'analysis');
    const out: DecisioningResult & { retryAfter?: unknown } = { analysis, raw: verdictOf(res.data) };
    if (res.headers['retry-after'] !== undefined) out.retryAfter = res.headers['retry-after'];
    return out;
  }
}

function parse<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const r = schema.safeParse(body);
  if (!r.success) {
    const status = isRecord(body) ? body.status : undefined;
    if (
      what === 'analysis' &&
      typeof status === 'string' &&
      !r.error.issues.some((i) => i.path[0] !== 'status')
    )
      throw new SourceError(
        502,
        `${sentence(NAME)} answered an analysis status this gateway does not know ("${status.slice(0, 40)}"); retry later, and tell support if it persists`,
        'provider_bad_response',
      );
    throw malformed(what);
  }
  return r.data;
}

function malformed(what: string): SourceError {
  return new SourceError(
    502,
    `${sentence(NAME)} returned a malformed ${what}; this is the provider's answer, not your request: retry later, and tell support if it persists`,
    'provider_bad_response',
  );
}

function badStatus(what: string, status: number): SourceError {
  return new SourceError(
    502,
    `${sentence(NAME)} answered HTTP ${status} for ${what}; retry later, and tell support if it persists`,
    'provider_bad_response',
  );
}

/** A 4xx other than a handled one, as the refusal it is. */
export function refusal(what: string, res: { status: number; data: unknown }): SourceError {
  const reason = providerReason(res.data);
  const says = reason ? `: "${reason}"` : '';
  const code: ErrorCode | undefined =
    res.status === 403
      ? 'provider_credentials_refused'
      : res.status === 402
        ? 'provider_out_of_credits'
        : res.status === 400 || res.status === 422
          ? 'provider_request_refused'
          : undefined;
  switch (code) {
    case 'provider_credentials_refused':
      return new SourceError(
        502,
        `${sentence(NAME)} refused ${what} (HTTP 403)${says}: the partner's service account may not use it; an administrator must check the credentials stored for the provider decisioning_api`,
        code,
      );
    case 'provider_out_of_credits':
      return new SourceError(
        502,
        `${sentence(NAME)} refused ${what} for lack of credits (HTTP 402)${says}: top up the partner's account with the provider, then retry`,
        code,
      );
    case 'provider_request_refused':
      return new SourceError(502, `${sentence(NAME)} refused ${what} (HTTP ${res.status})${says}`, code);
    default:
      return badStatus(what, res.status);
  }
}
