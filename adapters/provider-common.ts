/**
 * Small pieces the analysis-provider adapters share (adapters/analysis.ts): the rule for a provider's
 * base URL, the provider's own reason for a refusal as text safe to show, and the status → `SourceError`
 * classes every provider's 4xx falls into.
 */
import { z } from 'zod';
import { isRecord } from '../src/lib/narrow.ts';
import { SourceError } from './source.ts';
import type { ErrorCode } from '../src/lib/errors.ts';

/**
 * The hosts a provider base URL may name over plain http: this machine, where a local simulator
 * (tools/simulators/) listens. `localhost`, any address of 127.0.0.0/8 (all of it is loopback, RFC 1122
 * 3.2.1.3) and `[::1]`, as `URL.hostname` writes them — lower case, IPv4 in dotted decimal (`127.1` is
 * read as 127.0.0.1), IPv6 compressed in brackets (`[0:0:0:0:0:0:0:1]` is `[::1]`). Not `*.localhost`
 * nor IPv4-mapped IPv6 (`[::ffff:127.0.0.1]`): no simulator needs them.
 */
const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

/** The longest base URL a partner may store. */
export const MAX_BASE_URL_LENGTH = 500;

/**
 * The one rule for a provider's base URL (every provider's stored credentials, and the admin API that
 * stores them): an absolute https URL, or plain http only on a loopback host (LOOPBACK: a simulator);
 * no user name or password (they belong in the credentials, which are never logged), no query and no
 * fragment (the API's paths are appended to it), no white space or control characters.
 */
export function isProviderBaseUrl(s: string): boolean {
  return isProviderUrl(s) && !s.includes('?') && !s.includes('#');
}

/**
 * The same rule for a URL a provider sends the customer's browser back to (a connect provider's
 * completion URL): a query and a fragment allowed, the rest as `isProviderBaseUrl`.
 */
export function isProviderUrl(s: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u0020\u007f]/.test(s) || !URL.canParse(s)) return false;
  const u = new URL(s);
  if (u.username || u.password) return false;
  return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.test(u.hostname));
}

/** `isProviderBaseUrl` as a credentials field: surrounding white space trimmed, at most 500 characters. */
export const providerBaseUrl = z
  .string()
  .trim()
  .max(MAX_BASE_URL_LENGTH)
  .refine(
    isProviderBaseUrl,
    'must be an https URL without credentials, query or fragment (plain http only on localhost, 127.x.x.x or [::1], for a simulator)',
  );

/** Control characters and long runs of whitespace out, at most `max` characters. */
const clean = (s: string, max: number) =>
  s
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max);

/**
 * The provider's reason for a refusal, as it gave it, for a partner to read: FastAPI's `detail` (a string,
 * or a list of `{loc, msg}`), a `message`, an `error`, or ValidiFI's `status.errors[].description`.
 * Undefined when the body says nothing readable. Never more than 300 characters.
 */
export function providerReason(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim() ? clean(body, 300) : undefined;
  if (!isRecord(body)) return undefined;
  const d = body.detail;
  if (typeof d === 'string' && d.trim()) return clean(d, 300);
  if (Array.isArray(d)) {
    const parts = d
      .filter(isRecord)
      .map((e) => {
        const loc = Array.isArray(e.loc) ? e.loc.filter((l) => l !== 'body').join('.') : '';
        const msg = typeof e.msg === 'string' ? e.msg : '';
        return loc && msg ? `${loc}: ${msg}` : msg;
      })
      .filter(Boolean);
    if (parts.length) return clean(parts.join('; '), 300);
  }
  for (const k of ['message', 'error', 'title'] as const) {
    const v = body[k];
    if (typeof v === 'string' && v.trim()) return clean(v, 300);
  }
  return undefined;
}

/**
 * A provider's 4xx (429 excepted: ProviderHttp makes it a ProviderUnavailable) as the `SourceError` the
 * partner sees: 401/403 its credentials, 402 its credits, 400/422 the data submitted (with the
 * provider's reason), anything else the provider's unexpected answer. `what` names the call.
 */
export function refusal(
  provider: { name: string; badResponse: ErrorCode },
  what: string,
  status: number,
  body: unknown,
  credentialsHint: string,
): SourceError {
  const reason = providerReason(body);
  const said = reason ? `: "${reason}"` : '';
  if (status === 401 || status === 403)
    return new SourceError(
      502,
      `${provider.name} refused this partner's credentials for ${what} (HTTP ${status}); ${credentialsHint}`,
      'provider_credentials_refused',
    );
  if (status === 402)
    return new SourceError(
      502,
      `${provider.name} refused ${what} for lack of credits on the partner's account with it (HTTP 402)${said}; top the account up with ${provider.name}, then retry`,
      'provider_out_of_credits',
    );
  if (status === 400 || status === 422)
    return new SourceError(
      502,
      `${provider.name} refused ${what} (HTTP ${status})${said}`,
      'provider_request_refused',
    );
  return new SourceError(
    502,
    `${provider.name} answered HTTP ${status} for ${what}; retry later, and tell support if it persists`,
    provider.badResponse,
  );
}

/** The provider's answer was not what its API describes. */
export const malformed = (provider: { name: string; badResponse: ErrorCode }, what: string) =>
  new SourceError(
    502,
    `${provider.name} returned a malformed answer for ${what}; retry later, and tell support if it persists`,
    provider.badResponse,
  );
