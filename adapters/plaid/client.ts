/**
 * Plaid over HTTP, and nothing else (no mapping): every Plaid endpoint the gateway calls is a POST with
 * the partner's `client_id` and `secret` in the JSON body (openapi/providers/plaid.yaml). Calls go through
 * ProviderHttp (the `plaid` limiter, the runtime's timeout, no redirects) and are tried again on network
 * errors, 429 and 5xx (honouring Retry-After) within the deadline (`callWithRetries`).
 *
 * Plaid's errors (its error object: `error_type`, `error_code`) become `SourceError`s that name Plaid and
 * what to do, and never hold the secret, an access token or a public token:
 * - INVALID_API_KEYS (and any 401/403) → 502 provider_credentials_refused;
 * - ITEM_LOGIN_REQUIRED (and other Item errors the customer must fix at the bank) → 409 plaid_reconnect_required;
 * - INVALID_ACCESS_TOKEN, ITEM_NOT_FOUND → 400 plaid_item_not_found;
 * - anything else through `refusal` (adapters/provider-common.ts); the caller may read a code first
 *   (`PlaidApiError.code`, e.g. INVALID_LINK_TOKEN, TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION).
 */
import { z } from 'zod';
import { ProviderUnavailable } from '../analysis.ts';
import { providerBaseUrl, refusal } from '../provider-common.ts';
import { ProviderHttp, callWithRetries } from '../provider-http.ts';
import type { ProviderRuntime } from '../runtime.ts';
import { SourceError, type FetchContext, type FetchingSource } from '../source.ts';
import { WirePlaidError } from './wire.ts';

export const PLAID_ENVIRONMENTS = {
  sandbox: 'https://sandbox.plaid.com',
  production: 'https://production.plaid.com',
} as const;

/** What an administrator stores for a partner (sealed at rest, never returned). */
export const PlaidCredentialsSchema = z.strictObject({
  client_id: z.string().trim().min(1).max(200),
  secret: z.string().min(1).max(500),
  /** https://sandbox.plaid.com, https://production.plaid.com, or a simulator on loopback. */
  base_url: providerBaseUrl,
});

export type PlaidCredentials = z.output<typeof PlaidCredentialsSchema>;

/** Plaid as the partner knows it, and the code of its wrong answers. */
export const PLAID_PROVIDER: FetchingSource['provider'] = {
  name: 'Plaid',
  badResponse: 'provider_bad_response',
};

const CREDENTIALS_HINT =
  'an administrator must store valid ones (PUT /api/admin/partners/{id}/providers/plaid: client_id, secret, base_url)';

/** A Plaid error answer the caller may want to read before it becomes a SourceError. */
export class PlaidApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly body: unknown,
  ) {
    super(`Plaid answered HTTP ${status}${code ? ` ${code}` : ''}`);
    this.name = 'PlaidApiError';
  }
}

/** The partner's Plaid credentials, or a 422 saying how to store them. */
export async function plaidCredentials(ctx: FetchContext): Promise<PlaidCredentials> {
  const stored = await ctx.credentials('plaid');
  if (stored === undefined)
    throw new SourceError(
      422,
      'This partner has no Plaid credentials; an administrator stores them with PUT /api/admin/partners/{id}/providers/plaid (client_id, secret, base_url)',
      'provider_not_configured',
    );
  const c = PlaidCredentialsSchema.safeParse(stored);
  if (!c.success)
    throw new SourceError(
      422,
      `This partner's stored Plaid credentials are not usable; ${CREDENTIALS_HINT}`,
      'provider_not_configured',
    );
  return c.data;
}

export class PlaidClient {
  private readonly http: ProviderHttp;
  private readonly deadline: number;

  constructor(
    private readonly creds: PlaidCredentials,
    private readonly runtime: ProviderRuntime,
  ) {
    this.http = new ProviderHttp({ id: 'plaid', name: 'Plaid' }, creds.base_url, runtime);
    this.deadline = runtime.now() + runtime.options.deadlineMs;
  }

  /** Upstream requests sent (retries included). */
  get calls(): number {
    return this.http.calls;
  }

  /**
   * POSTs `body` (with the credentials) to `path`; the 200's body, or `PlaidApiError` for Plaid's own
   * refusal (4xx), or a SourceError when Plaid cannot be reached or keeps failing.
   */
  async post(what: string, path: string, body: Record<string, unknown>): Promise<unknown> {
    let res;
    try {
      res = await callWithRetries(this.http, this.runtime, this.deadline, what, {
        method: 'POST',
        url: path,
        data: { client_id: this.creds.client_id, secret: this.creds.secret, ...body },
      });
    } catch (e) {
      if (e instanceof ProviderUnavailable)
        throw new SourceError(502, `${e.message}; retry later`, 'provider_unreachable');
      throw e;
    }
    if (res.status === 200) return res.data;
    const err = WirePlaidError.safeParse(res.data);
    throw new PlaidApiError(res.status, err.success ? err.data.error_code : undefined, res.data);
  }
}

/** Plaid's refusal as the partner should see it (see the file's comment). */
export function plaidRefusal(what: string, e: PlaidApiError): SourceError {
  const err = WirePlaidError.safeParse(e.body);
  const code = err.success ? err.data.error_code : undefined;
  const type = err.success ? err.data.error_type : undefined;
  if (code === 'INVALID_API_KEYS' || e.status === 401 || e.status === 403)
    return new SourceError(
      502,
      `Plaid refused this partner's credentials for ${what} (HTTP ${e.status}${code ? ` ${code}` : ''}); ${CREDENTIALS_HINT}`,
      'provider_credentials_refused',
    );
  if (code === 'INVALID_ACCESS_TOKEN' || code === 'ITEM_NOT_FOUND')
    return new SourceError(
      400,
      `Plaid does not know this access_token (${code}); send the access token /item/public_token/exchange returned, or connect the customer again`,
      'plaid_item_not_found',
    );
  if (type === 'ITEM_ERROR' && code !== 'PRODUCTS_NOT_SUPPORTED' && code !== 'PRODUCT_NOT_READY')
    return new SourceError(
      409,
      `Plaid cannot read this customer's bank (${code ?? 'ITEM_ERROR'}): send the customer through Plaid Link again (update mode) to log in to their bank again, then retry`,
      'plaid_reconnect_required',
    );
  return refusal(PLAID_PROVIDER, what, e.status, e.body, CREDENTIALS_HINT);
}

/** Runs `fn`; a `PlaidApiError` it throws becomes the partner's SourceError for `what`. */
export async function readingPlaid<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof PlaidApiError) throw plaidRefusal(what, e);
    throw e;
  }
}
