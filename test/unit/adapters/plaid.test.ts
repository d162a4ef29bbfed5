/** The `plaid` fetching source and Plaid Hosted Link as a connect provider (adapters/plaid/), against nock. */
import { expect } from 'chai';
import nock from 'nock';
import { failsWith, validifiRuntime } from '../../helpers/validifi-nock.ts';
import { PlaidSourceSchema, plaid } from '../../../adapters/plaid/index.ts';
import { DAYS_REQUESTED, plaidLink } from '../../../adapters/plaid/connect.ts';
import type { FetchContext } from '../../../adapters/source.ts';

const BASE = 'https://sandbox.plaid.com';
const CREDS = { client_id: 'plaid-client-1', secret: 'pl41d-s3cret-do-not-leak', base_url: BASE };
const ACCESS = 'access-sandbox-7f1e0c3a-secret-token';
const ctx = (creds: unknown = CREDS): FetchContext => ({
  partnerId: 'p1',
  now: new Date('2026-11-02T12:00:00Z'),
  credentials: () => Promise.resolve(creds),
  runtime: validifiRuntime(2),
});
const noCreds = (): FetchContext => ({ ...ctx(), credentials: () => Promise.resolve(undefined) });
/** Fails unless the SourceError carries neither the secret nor the access token. */
const fails = async (p: Promise<unknown>) => {
  const e = await failsWith(p, CREDS.secret);
  expect(e.message).not.to.include(ACCESS);
  return e;
};
const plaidError = (error_type: string, error_code: string, error_message = 'refused') => ({
  error_type,
  error_code,
  error_message,
  display_message: null,
  request_id: 'req-1',
});

const account = {
  account_id: 'acc-1',
  name: 'Current Account',
  mask: '4321',
  type: 'depository',
  subtype: 'checking',
  holder_category: 'personal',
  balances: { available: 1200.5, current: 1250.75, limit: null, iso_currency_code: 'GBP' },
};
const tx = (id: string, amount: number, date: string, extra: Record<string, unknown> = {}) => ({
  transaction_id: id,
  account_id: 'acc-1',
  amount,
  iso_currency_code: 'GBP',
  unofficial_currency_code: null,
  date,
  authorized_date: date,
  name: `NARRATIVE ${id}`,
  merchant_name: `MERCHANT ${id}`,
  original_description: null,
  pending: false,
  personal_finance_category: null,
  ...extra,
});
const syncPage = (added: unknown[], has_more: boolean, next_cursor: string) => ({
  transactions_update_status: 'HISTORICAL_UPDATE_COMPLETE',
  accounts: [account],
  added,
  modified: [],
  removed: [],
  next_cursor,
  has_more,
  request_id: 'req-sync',
});
const input = (over: Record<string, unknown> = {}) =>
  PlaidSourceSchema.parse({ type: 'plaid', access_token: ACCESS, ...over });

describe('Plaid', () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  describe('the plaid source (/transactions/sync)', () => {
    it('follows every page with its cursor, sends the credentials in the body, and maps through plaid_transactions (sign, pending, category, accounts)', async () => {
      const bodies: Array<Record<string, unknown>> = [];
      const record = (b: Record<string, unknown>) => (bodies.push(b), true);
      nock(BASE)
        .post('/transactions/sync', record)
        .reply(
          200,
          syncPage(
            [
              tx('t1', -2100, '2026-10-25', {
                name: 'BGC ACME LOGISTICS LTD SALARY',
                merchant_name: null,
                personal_finance_category: {
                  primary: 'INCOME',
                  detailed: 'INCOME_WAGES',
                  confidence_level: 'HIGH',
                },
              }),
              tx('t2', 54.2, '2026-10-26'),
            ],
            true,
            'cursor-1',
          ),
        )
        .post('/transactions/sync', record)
        .reply(
          200,
          syncPage(
            [tx('t3', 12.5, '2026-11-01', { pending: true }), tx('t4', 9.99, '2026-10-27')],
            false,
            'cursor-2',
          ),
        );
      const out = await plaid.fetch(input(), ctx());
      expect(bodies.map((b) => b.cursor)).to.deep.equal([undefined, 'cursor-1']);
      expect(bodies[0]).to.include({
        client_id: CREDS.client_id,
        secret: CREDS.secret,
        access_token: ACCESS,
        count: 500,
      });
      expect(out.transactions.map((t) => [t.source_ref, t.amount_minor, t.date, t.source])).to.deep.equal([
        ['t1', -210000, '2026-10-25', 'plaid'],
        ['t2', 5420, '2026-10-26', 'plaid'],
        ['t4', 999, '2026-10-27', 'plaid'],
      ]);
      expect(out.transactions[0]?.category_hint).to.equal('INCOME_WAGES');
      expect(out.warnings.join(' ')).to.match(/1 pending transactions were left out/);
      expect(out.accounts).to.deep.equal([
        { account_id: 'acc-1', type: 'current', stated: 'depository / checking / holder_category personal' },
      ]);
      expect(out.metadata).to.deep.include({
        pages: 2,
        upstream_calls: 2,
        period: { start: '2026-05-02', end: '2026-11-02' },
      });
    });

    it('leaves out, with a warning, what is dated outside the period asked for', async () => {
      nock(BASE)
        .post('/transactions/sync')
        .reply(200, syncPage([tx('old', 10, '2026-01-05'), tx('in', 20, '2026-10-05')], false, 'c'));
      const out = await plaid.fetch(input({ start_date: '2026-09-01', end_date: '2026-10-31' }), ctx());
      expect(out.transactions.map((t) => t.source_ref)).to.deep.equal(['in']);
      expect(out.warnings[0]).to.match(
        /1 transactions from Plaid dated outside the period asked for \(2026-09-01 to 2026-10-31\) were left out: 2026-01-05/,
      );
    });

    it('starts the sync again when Plaid says the data changed during paging', async () => {
      nock(BASE)
        .post('/transactions/sync')
        .reply(200, syncPage([tx('a', 1, '2026-10-01')], true, 'c1'))
        .post('/transactions/sync')
        .reply(400, plaidError('TRANSACTIONS_ERROR', 'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION'))
        .post('/transactions/sync', (b: Record<string, unknown>) => b.cursor === undefined)
        .reply(200, syncPage([tx('a', 1, '2026-10-01'), tx('b', 2, '2026-10-02')], false, 'c2'));
      const out = await plaid.fetch(input(), ctx());
      expect(out.transactions.map((t) => t.source_ref)).to.deep.equal(['a', 'b']);
    });

    it('retries 429 (Retry-After) and 5xx through ProviderHttp, then gives up with 502 provider_unreachable', async () => {
      nock(BASE)
        .post('/transactions/sync')
        .reply(429, plaidError('RATE_LIMIT_EXCEEDED', 'RATE_LIMIT'), { 'retry-after': '0' })
        .post('/transactions/sync')
        .reply(500, plaidError('API_ERROR', 'INTERNAL_SERVER_ERROR'))
        .post('/transactions/sync')
        .reply(200, syncPage([tx('a', 1, '2026-10-01')], false, 'c'));
      expect((await plaid.fetch(input(), ctx())).transactions).to.have.length(1);
      nock(BASE).post('/transactions/sync').times(3).reply(503);
      const e = await fails(plaid.fetch(input(), ctx()));
      expect([e.status, e.code]).to.deep.equal([502, 'provider_unreachable']);
      expect(e.message).to.match(/Plaid answered HTTP 503/);
    });

    it("says what Plaid's refusals mean: reconnect (409), unknown token (400), refused credentials (502), none stored (422)", async () => {
      nock(BASE).post('/transactions/sync').reply(400, plaidError('ITEM_ERROR', 'ITEM_LOGIN_REQUIRED'));
      const login = await fails(plaid.fetch(input(), ctx()));
      expect([login.status, login.code]).to.deep.equal([409, 'plaid_reconnect_required']);
      expect(login.message).to.match(/Plaid Link again/);
      nock(BASE).post('/transactions/sync').reply(400, plaidError('INVALID_INPUT', 'INVALID_ACCESS_TOKEN'));
      const unknown = await fails(plaid.fetch(input(), ctx()));
      expect([unknown.status, unknown.code]).to.deep.equal([400, 'plaid_item_not_found']);
      nock(BASE).post('/transactions/sync').reply(400, plaidError('INVALID_INPUT', 'INVALID_API_KEYS'));
      const keys = await fails(plaid.fetch(input(), ctx()));
      expect([keys.status, keys.code]).to.deep.equal([502, 'provider_credentials_refused']);
      const none = await fails(plaid.fetch(input(), noCreds()));
      expect([none.status, none.code]).to.deep.equal([422, 'provider_not_configured']);
    });

    it("is Plaid's 502 for a malformed page (cut short, wrong shape, a bad transaction, a cursor that does not move)", async () => {
      nock(BASE).post('/transactions/sync').reply(200, '{"added": [', { 'content-type': 'application/json' });
      expect((await fails(plaid.fetch(input(), ctx()))).code).to.equal('provider_bad_response');
      nock(BASE).post('/transactions/sync').reply(200, { added: 'none', has_more: false });
      expect((await fails(plaid.fetch(input(), ctx()))).code).to.equal('provider_bad_response');
      nock(BASE)
        .post('/transactions/sync')
        .reply(200, syncPage([tx('a', 'ten' as unknown as number, '2026-10-01')], false, 'c'));
      expect((await fails(plaid.fetch(input(), ctx()))).code).to.equal('provider_bad_response');
      nock(BASE)
        .post('/transactions/sync')
        .times(2)
        .reply(200, syncPage([tx('a', 1, '2026-10-01')], true, ''));
      expect((await fails(plaid.fetch(input(), ctx()))).code).to.equal('provider_bad_response');
    });

    it('an Item with nothing in the period gives no transactions (the assessment answers 400 no_transactions)', async () => {
      nock(BASE)
        .post('/transactions/sync')
        .reply(200, syncPage([], false, 'c'));
      expect((await plaid.fetch(input(), ctx())).transactions).to.deep.equal([]);
    });
  });

  describe('Plaid Hosted Link (connect provider)', () => {
    const START = {
      customer: { name: 'Ada Lovelace', email: 'ada@example.com' },
      completionUrl: 'https://portal.example/connect/done?s=1',
      reference: 'portal-session-1',
      brandName: 'Acme Lending',
    };
    const LINK = 'link-sandbox-0d3c1c2e-1111-4222-8333-444455556666';
    const getReply = (over: Record<string, unknown> = {}) => ({
      link_token: LINK,
      created_at: '2026-11-02T10:00:00Z',
      expiration: new Date(Date.now() + 3_600_000).toISOString(),
      link_sessions: [],
      request_id: 'req-get',
      ...over,
    });
    const session = (over: Record<string, unknown>) => ({
      link_session_id: 'ls-1',
      started_at: '2026-11-02T10:01:00Z',
      finished_at: '2026-11-02T10:03:00Z',
      results: null,
      exit: null,
      ...over,
    });

    it('start: a link token with hosted_link and six months of transactions; its hosted_link_url is the URL', async () => {
      let sent: Record<string, unknown> | undefined;
      nock(BASE)
        .post('/link/token/create', (b: Record<string, unknown>) => ((sent = b), true))
        .reply(200, {
          link_token: LINK,
          expiration: '2026-11-02T14:00:00Z',
          hosted_link_url: `https://secure.plaid.com/hl/${LINK}`,
          request_id: 'r',
        });
      const s = await plaidLink.start(ctx(), START);
      expect(s).to.deep.equal({
        url: `https://secure.plaid.com/hl/${LINK}`,
        sessionRef: LINK,
        expiresAt: '2026-11-02T14:00:00Z',
      });
      expect(sent).to.deep.include({
        client_id: CREDS.client_id,
        secret: CREDS.secret,
        client_name: 'Acme Lending',
        products: ['transactions'],
        transactions: { days_requested: DAYS_REQUESTED },
        hosted_link: { completion_redirect_uri: START.completionUrl },
        user: {
          client_user_id: 'portal-session-1',
          legal_name: 'Ada Lovelace',
          email_address: 'ada@example.com',
        },
      });
    });

    it('start: a link token without a hosted_link_url is a malformed answer; no credentials is 422', async () => {
      nock(BASE)
        .post('/link/token/create')
        .reply(200, { link_token: LINK, expiration: 'x', request_id: 'r' });
      expect((await fails(plaidLink.start(ctx(), START))).code).to.equal('provider_bad_response');
      const none = await fails(plaidLink.start(noCreds(), START));
      expect([none.status, none.code]).to.deep.equal([422, 'provider_not_configured']);
    });

    it('complete: the session’s public token is exchanged, once, for the access token: a plaid source', async () => {
      nock(BASE)
        .post('/link/token/get', { client_id: CREDS.client_id, secret: CREDS.secret, link_token: LINK })
        .reply(
          200,
          getReply({
            link_sessions: [
              session({ results: { item_add_results: [{ public_token: 'public-sandbox-1' }] } }),
            ],
          }),
        )
        .post(
          '/item/public_token/exchange',
          (b: Record<string, unknown>) => b.public_token === 'public-sandbox-1',
        )
        .reply(200, { access_token: ACCESS, item_id: 'item-1', request_id: 'r' });
      const src = await plaidLink.complete(ctx(), LINK, {});
      expect(src).to.deep.equal({ type: 'plaid', input: { type: 'plaid', access_token: ACCESS } });
    });

    it('complete: an exit is connect_cancelled; an expired link token (or one Plaid no longer knows) is connect_session_expired; no session yet is connect_not_completed', async () => {
      nock(BASE)
        .post('/link/token/get')
        .reply(
          200,
          getReply({
            link_sessions: [session({ exit: { error: null, metadata: { status: 'requires_credentials' } } })],
          }),
        );
      const exit = await fails(plaidLink.complete(ctx(), LINK, {}));
      expect([exit.status, exit.code]).to.deep.equal([409, 'connect_cancelled']);
      nock(BASE)
        .post('/link/token/get')
        .reply(200, getReply({ expiration: '2026-01-01T00:00:00Z' }));
      const expired = await fails(plaidLink.complete(ctx(), LINK, {}));
      expect([expired.status, expired.code]).to.deep.equal([409, 'connect_session_expired']);
      nock(BASE).post('/link/token/get').reply(400, plaidError('INVALID_INPUT', 'INVALID_LINK_TOKEN'));
      expect((await fails(plaidLink.complete(ctx(), LINK, {}))).code).to.equal('connect_session_expired');
      nock(BASE).post('/link/token/get').reply(200, getReply());
      const pending = await fails(plaidLink.complete(ctx(), LINK, {}));
      expect([pending.status, pending.code]).to.deep.equal([409, 'connect_not_completed']);
    });

    it('complete: 429/5xx are retried, then 502 provider_unreachable; a malformed session or exchange is provider_bad_response', async () => {
      nock(BASE).post('/link/token/get').times(3).reply(500);
      const down = await fails(plaidLink.complete(ctx(), LINK, {}));
      expect([down.status, down.code]).to.deep.equal([502, 'provider_unreachable']);
      nock(BASE).post('/link/token/get').reply(200, { link_sessions: 'none' });
      expect((await fails(plaidLink.complete(ctx(), LINK, {}))).code).to.equal('provider_bad_response');
      nock(BASE)
        .post('/link/token/get')
        .reply(
          200,
          getReply({ link_sessions: [session({ results: { item_add_results: [{ public_token: 'p' }] } })] }),
        )
        .post('/item/public_token/exchange')
        .reply(200, { item_id: 'item-1', request_id: 'r' });
      expect((await fails(plaidLink.complete(ctx(), LINK, {}))).code).to.equal('provider_bad_response');
    });
  });
});
