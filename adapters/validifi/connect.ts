/**
 * ValidiFI CONNECT as a connect provider (adapters/connect.ts): a CONNECT session for the customer (the
 * partner's CONNECT client id and secret, stored with its ValidiFI credentials), the hosted CONNECT page
 * as the URL the customer goes to, and — once the browser is back — the session's outcome read from
 * ValidiFI with the partner's API credentials: the linked account's token, as a `validifi` source.
 *
 * Shapes: openapi/providers/validifi-v4.yaml (the session request and answer, and the `complete` event's
 * account, are Ribbit's public Widgets pages; the path, the redirect and the status read are `x-assumed`).
 * Every call goes through ValidifiClient: the provider limiter, the timeout, retries on network errors,
 * 5xx and 429 (with Retry-After), the cached bearer token.
 */
import { z } from 'zod';
import { assertType, type Binds } from '../../src/lib/contract-types.ts';
import { connectErrors, type ConnectProvider } from '../connect.ts';
import { SourceError, type FetchContext } from '../source.ts';
import { ValidifiClient } from './client.ts';
import type { components } from './generated.ts';
import {
  malformedAnswer,
  unexpectedStatus,
  ValidifiCredentialsSchema,
  ValidifiSourceSchema,
} from './index.ts';

const NAME = 'ValidiFI CONNECT';

const WireConnectSession = z.object({
  sessionToken: z.string().min(1),
  customerId: z.string().optional(),
  url: z.string().refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'is not a URL'),
  expiration: z.string(),
});

const WireConnectAccount = z.object({
  bankId: z.number().optional(),
  bankName: z.string().optional(),
  accountNickname: z.string().optional(),
  accountType: z.string().optional(),
  accountToken: z.string().min(1),
  accountTokenId: z.string().min(1).optional(),
  last4Digits: z.string().optional(),
});

const WireConnectStatus = z.object({
  sessionToken: z.string(),
  customerId: z.string().optional(),
  status: z.enum(['Pending', 'Complete', 'Exited', 'Expired']),
  expiration: z.string().optional(),
  eventDate: z.string().optional(),
  connectComplete: z.boolean().optional(),
  connectType: z.string().optional(),
  exitReason: z.string().optional(),
  account: WireConnectAccount.optional(),
});

assertType<Binds<typeof WireConnectSession, components['schemas']['ConnectSession'], 'ConnectSession'>>();
assertType<Binds<typeof WireConnectAccount, components['schemas']['ConnectAccount'], 'ConnectAccount'>>();
assertType<
  Binds<typeof WireConnectStatus, components['schemas']['ConnectSessionStatus'], 'ConnectSessionStatus'>
>();

type SessionRequest = components['schemas']['ConnectSessionRequest'];

const malformed = (what: string) => malformedAnswer(`answer for ${what}`);

async function clientFor(ctx: FetchContext) {
  const stored = await ctx.credentials('validifi');
  if (stored === undefined) throw connectErrors.notConfigured('ValidiFI', 'validifi');
  const creds = ValidifiCredentialsSchema.parse(stored);
  const clock = () => ctx.runtime.now();
  return {
    creds,
    client: new ValidifiClient(creds, ctx.runtime, clock() + ctx.runtime.options.deadlineMs, clock),
  };
}

/** "Ada Lovelace" → first name "Ada", last name "Lovelace"; one word is the last name. */
function splitName(name: string): { firstName?: string; lastName: string } {
  const words = name.trim().split(/\s+/);
  const lastName = words.pop() ?? '';
  return words.length ? { firstName: words.join(' '), lastName } : { lastName };
}

export const validifiConnect: ConnectProvider = {
  id: 'validifi',
  name: NAME,
  credentials: ValidifiCredentialsSchema,
  source: 'validifi',

  async start(ctx, req) {
    const { creds, client } = await clientFor(ctx);
    if (!creds.connect_client_id || !creds.connect_client_secret)
      throw connectErrors.notConfigured(
        'ValidiFI',
        'validifi',
        'CONNECT credentials (connect_client_id and connect_client_secret, with its ValidiFI credentials)',
      );
    const body: SessionRequest = {
      token: { clientId: creds.connect_client_id, clientSecret: creds.connect_client_secret },
      customer: {
        customerId: req.reference,
        ...splitName(req.customer.name),
        emailAddress: req.customer.email,
      },
      // Six months for the assessment, and a few days over (the page's own example asks for 93).
      settings: { redirectUrl: req.completionUrl, transactionHistoryDays: 190 },
      notificationType: 0,
    };
    const res = await client.postUnauthenticated('a CONNECT session', '/v4/CONNECT/session', body);
    if (res.status === 401 || res.status === 403)
      throw new SourceError(
        502,
        `ValidiFI refused this partner's CONNECT credentials (HTTP ${res.status}); an administrator must store valid ones (connect_client_id, connect_client_secret: PUT /api/admin/partners/{id}/providers/validifi)`,
        'provider_credentials_refused',
      );
    if (res.status !== 200) throw unexpectedStatus(res.status, 'a CONNECT session');
    const s = WireConnectSession.safeParse(res.data);
    if (!s.success) throw malformed('a CONNECT session');
    return { url: s.data.url, sessionRef: s.data.sessionToken, expiresAt: s.data.expiration };
  },

  async complete(ctx, sessionRef, query) {
    // The query is the browser's word: it may name the session, never decides the outcome.
    if (query.sessionToken !== undefined && query.sessionToken !== sessionRef)
      throw connectErrors.mismatch(NAME);
    const { client } = await clientFor(ctx);
    const res = await client.get(
      'the CONNECT session',
      `/v4/CONNECT/session/${encodeURIComponent(sessionRef)}`,
    );
    // A session ValidiFI no longer knows ended long ago (or was never this partner's).
    if (res.status === 404) throw connectErrors.expired(NAME);
    if (res.status !== 200) throw unexpectedStatus(res.status, 'the CONNECT session');
    const s = WireConnectStatus.safeParse(res.data);
    if (!s.success || s.data.sessionToken !== sessionRef) throw malformed('the CONNECT session');
    switch (s.data.status) {
      case 'Expired':
        throw connectErrors.expired(NAME);
      case 'Exited':
        throw connectErrors.cancelled(NAME, s.data.exitReason);
      case 'Pending':
        throw connectErrors.notCompleted(NAME);
      case 'Complete': {
        const account = s.data.account;
        if (!account || s.data.connectComplete === false) throw malformed('the CONNECT session');
        const input = ValidifiSourceSchema.safeParse({
          type: 'validifi',
          account_token: account.accountToken,
          account_token_id: account.accountTokenId ?? account.accountToken,
        });
        // A token the `validifi` source would refuse is ValidiFI's wrong answer, not the customer's.
        if (!input.success) throw malformed('the CONNECT session');
        return { type: 'validifi', input: input.data };
      }
    }
  },
};
