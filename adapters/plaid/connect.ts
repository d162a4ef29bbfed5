/**
 * Plaid Hosted Link as a connect provider (adapters/connect.ts): a link token with `hosted_link` (the
 * customer's browser goes to its `hosted_link_url`, and Plaid sends it back to `completion_redirect_uri`),
 * then — once it is back — `/link/token/get` says how the Link session ended: a public token, exchanged
 * (`/item/public_token/exchange`) for the Item's access token, is a `plaid` source; an `exit` is the
 * customer leaving. Shapes: openapi/providers/plaid.yaml (Plaid's public API reference; what Hosted Link
 * adds to the redirect, nothing, is `x-assumed`).
 *
 * The access token is a lasting credential: it is returned to the caller inside the source (to assess at
 * once, or to keep sealed), and never appears in a message or a log. `complete` exchanges the public token,
 * which Plaid accepts once: call it once per session.
 */
import { connectErrors, type ConnectProvider } from '../connect.ts';
import { malformed } from '../provider-common.ts';
import {
  PLAID_PROVIDER,
  PlaidApiError,
  PlaidClient,
  PlaidCredentialsSchema,
  plaidCredentials,
  plaidRefusal,
  readingPlaid,
} from './client.ts';
import { PlaidSourceSchema } from './index.ts';
import { WireLinkTokenCreate, WireLinkTokenGet, WirePublicTokenExchange } from './wire.ts';

const NAME = 'Plaid Link';

/** Days of history Plaid fetches for the Item: six months for the assessment, and a few days over. */
export const DAYS_REQUESTED = 190;

export const plaidLink: ConnectProvider = {
  id: 'plaid',
  name: NAME,
  credentials: PlaidCredentialsSchema,
  source: 'plaid',

  async start(ctx, req) {
    const client = new PlaidClient(await plaidCredentials(ctx), ctx.runtime);
    const created = WireLinkTokenCreate.safeParse(
      await readingPlaid('a Link token', () =>
        client.post('a Link token', '/link/token/create', {
          // Plaid shows this name to the customer (at most 30 characters).
          client_name: (req.brandName ?? 'Veqtrx').slice(0, 30),
          language: 'en',
          country_codes: ['GB'],
          user: {
            client_user_id: req.reference,
            legal_name: req.customer.name,
            email_address: req.customer.email,
          },
          products: ['transactions'],
          transactions: { days_requested: DAYS_REQUESTED },
          hosted_link: { completion_redirect_uri: req.completionUrl },
        }),
      ),
    );
    if (!created.success || !created.data.hosted_link_url || !URL.canParse(created.data.hosted_link_url))
      throw malformed(PLAID_PROVIDER, 'a Link token');
    return {
      url: created.data.hosted_link_url,
      sessionRef: created.data.link_token,
      expiresAt: created.data.expiration,
    };
  },

  async complete(ctx, sessionRef) {
    const client = new PlaidClient(await plaidCredentials(ctx), ctx.runtime);
    let got: unknown;
    try {
      got = await client.post('the Link session', '/link/token/get', { link_token: sessionRef });
    } catch (e) {
      // A link token Plaid no longer knows has expired (or was never this partner's).
      if (e instanceof PlaidApiError && e.code === 'INVALID_LINK_TOKEN') throw connectErrors.expired(NAME);
      throw e instanceof PlaidApiError ? plaidRefusal('the Link session', e) : e;
    }
    const token = WireLinkTokenGet.safeParse(got);
    if (!token.success) throw malformed(PLAID_PROVIDER, 'the Link session');
    const sessions = token.data.link_sessions ?? [];
    const linked = sessions.flatMap((s) => s.results?.item_add_results ?? [])[0];
    if (linked) {
      const exchanged = WirePublicTokenExchange.safeParse(
        await readingPlaid('the public token exchange', () =>
          client.post('the public token exchange', '/item/public_token/exchange', {
            public_token: linked.public_token,
          }),
        ),
      );
      if (!exchanged.success) throw malformed(PLAID_PROVIDER, 'the public token exchange');
      const input = PlaidSourceSchema.safeParse({ type: 'plaid', access_token: exchanged.data.access_token });
      // An access token the `plaid` source would refuse is Plaid's wrong answer, not the customer's.
      if (!input.success) throw malformed(PLAID_PROVIDER, 'the public token exchange');
      return { type: 'plaid', input: input.data };
    }
    const exited = sessions.find((s) => s.exit);
    if (exited?.exit) {
      const e = exited.exit.error;
      throw connectErrors.cancelled(NAME, e?.display_message ?? e?.error_message ?? undefined);
    }
    // Plaid's clock, not the gateway's (whose date a test may pin): the runtime's elapsed clock is real time.
    const expires = token.data.expiration ? Date.parse(token.data.expiration) : NaN;
    if (!Number.isNaN(expires) && expires <= ctx.runtime.now()) throw connectErrors.expired(NAME);
    throw connectErrors.notCompleted(NAME);
  },
};
