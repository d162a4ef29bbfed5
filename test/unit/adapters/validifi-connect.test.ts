/** ValidiFI CONNECT as a connect provider (adapters/validifi/connect.ts), against nock. */
import { expect } from 'chai';
import nock from 'nock';
import { failsWith, tokenReply, validifiRuntime, VALIDIFI_BASE } from '../../helpers/validifi-nock.ts';
import { clearTokenCache } from '../../../adapters/validifi/index.ts';
import { validifiConnect } from '../../../adapters/validifi/connect.ts';
import type { FetchContext } from '../../../adapters/source.ts';

const BASE = VALIDIFI_BASE;
const CREDS = {
  client_id: 'client-abc-123',
  client_secret: 's3cr3t-value-do-not-leak',
  base_url: BASE,
  connect_client_id: 'connect-client-9',
  connect_client_secret: 'c0nnect-s3cret-do-not-leak',
};
const ctx = (creds: unknown = CREDS, retries = 2): FetchContext => ({
  partnerId: 'p1',
  now: new Date('2026-10-31T12:00:00Z'),
  credentials: () => Promise.resolve(creds),
  runtime: validifiRuntime(retries),
});
const START = {
  customer: { name: 'Ada King Lovelace', email: 'ada@example.com' },
  completionUrl: 'https://portal.example/connect/done?s=abc',
  reference: 'portal-session-1',
};
const SESSION = 'B1D0A3E2-0000-4000-8000-000000000001';
const session = {
  sessionToken: SESSION,
  customerId: 'portal-session-1',
  url: `https://connect.ribbit.ai/?token=${SESSION}`,
  expiration: '2026-10-31T12:30:00Z',
};
const status = (over: Record<string, unknown>) => ({ sessionToken: SESSION, status: 'Pending', ...over });
const account = {
  bankId: 101,
  bankName: 'Fifth Third Bank',
  accountType: 'Checking',
  accountToken: 'acct-tok-77',
  last4Digits: '4234',
};
/** Fails unless the SourceError carries neither secret. */
const fails = async (p: Promise<unknown>) => {
  const e = await failsWith(p, CREDS.client_secret);
  expect(e.message).not.to.include(CREDS.connect_client_secret);
  return e;
};

describe('ValidiFI CONNECT (connect provider)', () => {
  beforeEach(() => {
    clearTokenCache();
    nock.disableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  describe('start', () => {
    it('creates a CONNECT session with the CONNECT credentials in the body (no bearer token) and returns its url', async () => {
      let sent: Record<string, unknown> | undefined;
      let auth: string | undefined;
      nock(BASE)
        .post('/v4/CONNECT/session', (b: Record<string, unknown>) => ((sent = b), true))
        .reply(function () {
          auth = this.req.headers.authorization;
          return [200, session];
        });
      const s = await validifiConnect.start(ctx(), START);
      expect(s).to.deep.equal({ url: session.url, sessionRef: SESSION, expiresAt: session.expiration });
      expect(auth).to.equal(undefined);
      expect(sent).to.deep.include({
        token: { clientId: 'connect-client-9', clientSecret: CREDS.connect_client_secret },
        customer: {
          customerId: 'portal-session-1',
          firstName: 'Ada King',
          lastName: 'Lovelace',
          emailAddress: 'ada@example.com',
        },
        notificationType: 0,
      });
      expect(sent?.settings).to.include({ redirectUrl: START.completionUrl });
    });

    it('is 422 provider_not_configured without ValidiFI credentials, or without the CONNECT ones', async () => {
      const none = await fails(
        validifiConnect.start({ ...ctx(), credentials: () => Promise.resolve(undefined) }, START),
      );
      expect([none.status, none.code]).to.deep.equal([422, 'provider_not_configured']);
      const { connect_client_id: _id, connect_client_secret: _secret, ...apiOnly } = CREDS;
      const noConnect = await fails(validifiConnect.start(ctx(apiOnly), START));
      expect([noConnect.status, noConnect.code]).to.deep.equal([422, 'provider_not_configured']);
      expect(noConnect.message).to.match(/connect_client_id/);
    });

    it('retries a 429 (after its Retry-After) and a 5xx, then succeeds', async () => {
      nock(BASE)
        .post('/v4/CONNECT/session')
        .reply(429, {}, { 'retry-after': '0' })
        .post('/v4/CONNECT/session')
        .reply(503)
        .post('/v4/CONNECT/session')
        .reply(200, session);
      expect((await validifiConnect.start(ctx(), START)).sessionRef).to.equal(SESSION);
      expect(nock.isDone()).to.equal(true);
    });

    it('gives up with a 502 when ValidiFI keeps failing or rate-limiting', async () => {
      nock(BASE).post('/v4/CONNECT/session').times(3).reply(500);
      const e = await fails(validifiConnect.start(ctx(), START));
      expect([e.status, e.code]).to.deep.equal([502, 'validifi_bad_response']);
      nock(BASE).post('/v4/CONNECT/session').times(3).reply(429, {}, { 'retry-after': '0' });
      const r = await fails(validifiConnect.start(ctx(), START));
      expect([r.status, r.code]).to.deep.equal([502, 'validifi_rate_limited']);
    });

    it('names refused CONNECT credentials (401) and a malformed answer', async () => {
      nock(BASE).post('/v4/CONNECT/session').reply(401, { error: 'invalid client' });
      const refused = await fails(validifiConnect.start(ctx(), START));
      expect([refused.status, refused.code]).to.deep.equal([502, 'provider_credentials_refused']);
      nock(BASE).post('/v4/CONNECT/session').reply(200, { sessionToken: SESSION, url: 'not a url' });
      const bad = await fails(validifiConnect.start(ctx(), START));
      expect([bad.status, bad.code]).to.deep.equal([502, 'validifi_bad_response']);
      nock(BASE).post('/v4/CONNECT/session').reply(200, '{"sessionToken": ', {
        'content-type': 'application/json',
      });
      const cut = await fails(validifiConnect.start(ctx(), START));
      expect(cut.code).to.equal('validifi_bad_response');
    });
  });

  describe('complete', () => {
    const read = () =>
      nock(BASE)
        .post('/v4/token')
        .reply(200, tokenReply())
        .get(`/v4/CONNECT/session/${SESSION}`)
        .matchHeader('authorization', /^Bearer tok-/);

    it('reads the session with the API token and returns the linked account as a validifi source', async () => {
      read().reply(200, status({ status: 'Complete', connectComplete: true, account }));
      const src = await validifiConnect.complete(ctx(), SESSION, {
        sessionToken: SESSION,
        eventName: 'complete',
      });
      expect(src.type).to.equal('validifi');
      expect(src.input).to.deep.include({
        type: 'validifi',
        account_token: 'acct-tok-77',
        account_token_id: 'acct-tok-77',
      });
    });

    it('uses accountTokenId for the export when ValidiFI gives one', async () => {
      read().reply(
        200,
        status({ status: 'Complete', account: { ...account, accountTokenId: 'export-id-5' } }),
      );
      const src = await validifiConnect.complete(ctx(), SESSION, {});
      expect(src.input).to.deep.include({ account_token: 'acct-tok-77', account_token_id: 'export-id-5' });
    });

    it('is connect_cancelled when the customer left, whatever the query says', async () => {
      read().reply(200, status({ status: 'Exited', connectComplete: false, exitReason: 'Closed by user' }));
      const e = await fails(validifiConnect.complete(ctx(), SESSION, { eventName: 'complete' }));
      expect([e.status, e.code]).to.deep.equal([409, 'connect_cancelled']);
      expect(e.message).to.include('Closed by user');
    });

    it('is connect_session_expired when the session expired, or ValidiFI no longer knows it', async () => {
      read().reply(200, status({ status: 'Expired' }));
      const e = await fails(validifiConnect.complete(ctx(), SESSION, {}));
      expect([e.status, e.code]).to.deep.equal([409, 'connect_session_expired']);
      nock(BASE).get(`/v4/CONNECT/session/${SESSION}`).reply(404, { error: 'session not found' });
      const gone = await fails(validifiConnect.complete(ctx(), SESSION, {}));
      expect(gone.code).to.equal('connect_session_expired');
    });

    it('is connect_not_completed while the session is pending (a completion that did not come from ValidiFI)', async () => {
      read().reply(200, status({ status: 'Pending' }));
      const e = await fails(validifiConnect.complete(ctx(), SESSION, { eventName: 'complete' }));
      expect([e.status, e.code]).to.deep.equal([409, 'connect_not_completed']);
    });

    it('is connect_session_mismatch, asking ValidiFI nothing, when the query names another session', async () => {
      const e = await fails(validifiConnect.complete(ctx(), SESSION, { sessionToken: 'OTHER' }));
      expect([e.status, e.code]).to.deep.equal([400, 'connect_session_mismatch']);
    });

    it("is ValidiFI's 502 for a malformed session, a complete one without an account, or persistent 5xx", async () => {
      read().reply(200, { sessionToken: SESSION, status: 'Done' });
      expect((await fails(validifiConnect.complete(ctx(), SESSION, {}))).code).to.equal(
        'validifi_bad_response',
      );
      nock(BASE)
        .get(`/v4/CONNECT/session/${SESSION}`)
        .reply(200, status({ status: 'Complete' }));
      expect((await fails(validifiConnect.complete(ctx(), SESSION, {}))).code).to.equal(
        'validifi_bad_response',
      );
      nock(BASE)
        .get(`/v4/CONNECT/session/${SESSION}`)
        .reply(
          200,
          status({ status: 'Complete', account: { ...account, accountToken: 'has spaces in it' } }),
        );
      expect((await fails(validifiConnect.complete(ctx(), SESSION, {}))).code).to.equal(
        'validifi_bad_response',
      );
      nock(BASE).get(`/v4/CONNECT/session/${SESSION}`).times(3).reply(502);
      const e = await fails(validifiConnect.complete(ctx(), SESSION, {}));
      expect([e.status, e.code]).to.deep.equal([502, 'validifi_bad_response']);
    });
  });
});
