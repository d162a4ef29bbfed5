/**
 * Connect providers (issue 15): the customer links their bank account through an aggregator's hosted flow
 * — Plaid Hosted Link, the ValidiFI CONNECT widget — and the gateway ends up with a fetching source it can
 * assess (`{type: 'plaid', access_token}`, `{type: 'validifi', account_token}`). A `ConnectProvider` is the
 * provider-specific half of that:
 *
 * 1. `start` asks the provider for a session (with the partner's stored credentials) and returns the URL
 *    the customer's browser goes to, and the provider's reference for the session (`sessionRef`), which the
 *    caller keeps with its own session (it is not a credential, but it is not shown to the customer either).
 * 2. The provider's hosted page sends the browser back to `completionUrl` when the customer is done — linked,
 *    or cancelled. What the page adds to the query is a hint, never trusted on its own.
 * 3. `complete` asks the provider, server to server, how the session ended, and returns the fetching source
 *    to assess; or throws a `SourceError`: `connect_cancelled` (the customer left without linking),
 *    `connect_session_expired`, `connect_not_completed` (the provider has no result yet: the browser came
 *    back early, or the query was made up), `connect_session_mismatch` (the query names another session).
 *
 * Rules as for every adapter: calls go through `ctx.runtime` (the provider's limiter, timeouts), secrets and
 * tokens never appear in a message or a log, and a provider's wrong answer is its `badResponse` 502.
 */
import type { z } from 'zod';
import { SourceError, type FetchContext } from './source.ts';

export interface ConnectStart {
  /** The customer, as the provider's session wants them (Ribbit's `customer`, Plaid's `user`). */
  customer: { name: string; email: string };
  /** Where the provider's page sends the customer's browser when the flow ends (https, or http on loopback). */
  completionUrl: string;
  /** The caller's unique id for this connection (the portal session): the provider's customer / user id. */
  reference: string;
  /** The name the provider shows the customer, where it shows one (Plaid's `client_name`): the partner's brand. */
  brandName?: string;
}

export interface ConnectSession {
  /** The provider's hosted page for this session: the customer's browser goes here. */
  url: string;
  /** The provider's id of the session, for `complete` (Plaid's `link_token`, Ribbit's `sessionToken`). */
  sessionRef: string;
  /** When the provider stops accepting the session (ISO 8601), when it says. */
  expiresAt?: string;
}

/** A fetching source the assessment path runs (src/services/assessments.ts): its `type` and its parsed `source` object. */
export interface ConnectedSource {
  type: string;
  input: unknown;
}

export interface ConnectProvider {
  /** The provider as the portal configures it (`validifi`, `plaid`): also the provider whose stored credentials it uses. */
  readonly id: string;
  /** As the customer and the partner know it ("Plaid", "ValidiFI CONNECT"). */
  readonly name: string;
  /** The credentials a partner stores for `id` (the admin API's `PUT …/providers/{id}`), parsed. */
  readonly credentials: z.ZodType;
  /** The `type` of the fetching source `complete` returns. */
  readonly source: string;
  start(ctx: FetchContext, req: ConnectStart): Promise<ConnectSession>;
  /**
   * How the session ended, from the provider (server to server): the source to assess, or a SourceError.
   * `query` is the completion URL's query string as the browser brought it back.
   */
  complete(
    ctx: FetchContext,
    sessionRef: string,
    query: Readonly<Record<string, string | undefined>>,
  ): Promise<ConnectedSource>;
}

/** The refusals every connect provider shares, worded for the partner (the portal shows its own words to the customer). */
export const connectErrors = {
  cancelled: (name: string, said?: string) =>
    new SourceError(
      409,
      `The customer left ${name} without linking an account${said ? ` (${name} says: "${said.slice(0, 200)}")` : ''}; start a new connection to try again`,
      'connect_cancelled',
    ),
  expired: (name: string) =>
    new SourceError(
      409,
      `The ${name} session expired before the customer finished linking an account; start a new connection`,
      'connect_session_expired',
    ),
  notCompleted: (name: string) =>
    new SourceError(
      409,
      `${name} has no linked account for this session yet (the customer has not finished, or the completion did not come from ${name}); finish the flow, then complete again`,
      'connect_not_completed',
    ),
  mismatch: (name: string) =>
    new SourceError(
      400,
      `The completion names another ${name} session than the one this connection started; start a new connection`,
      'connect_session_mismatch',
    ),
  notConfigured: (name: string, provider: string, what = 'credentials') =>
    new SourceError(
      422,
      `This partner has no ${name} ${what}; an administrator stores them with PUT /api/admin/partners/{id}/providers/${provider}`,
      'provider_not_configured',
    ),
};
