import { expect } from 'chai';
import nock from 'nock';
import {
  failsWith,
  tokenReply as validifiToken,
  validifiRuntime,
  VALIDIFI_BASE,
} from '../../helpers/validifi-nock.ts';
import { ProviderRuntime } from '../../../adapters/runtime.ts';
import { ValidifiClient } from '../../../adapters/validifi/client.ts';
import {
  ValidifiSourceSchema,
  clearTokenCache,
  validifi,
  windowsOf,
} from '../../../adapters/validifi/index.ts';
import type { FetchContext, SourceOutput } from '../../../adapters/source.ts';

const BASE = VALIDIFI_BASE;
const CREDS = { client_id: 'client-abc-123', client_secret: 's3cr3t-value-do-not-leak', base_url: BASE };
const NOW = new Date('2026-10-31T12:00:00Z');
const runtime = (over: Partial<ConstructorParameters<typeof ProviderRuntime>[0]> = {}) =>
  validifiRuntime(2, over);

const ctx = (rt = runtime(), creds: unknown = CREDS): FetchContext => ({
  partnerId: 'p1',
  now: NOW,
  credentials: () => Promise.resolve(creds),
  runtime: rt,
});
const input = (over: Record<string, unknown> = {}) =>
  ValidifiSourceSchema.parse({
    type: 'validifi',
    account_token: 'acct-tok-1',
    start_date: '2026-05-01',
    end_date: '2026-10-31',
    ...over,
  });
const tokenReply = (ttlMs = 20 * 60_000) => validifiToken(ttlMs, true);
const tx = (id: string, amount: number, date: string, extra: Record<string, unknown> = {}) => ({
  transactionId: id,
  amount,
  postedDate: `${date}T15:00:00Z`,
  description: `NARRATIVE ${id}`,
  merchantName: `MERCHANT ${id}`,
  currencyCode: 'USD',
  ...extra,
});
const synced = (transactions: unknown[] = []) => ({
  userId: 'u',
  tokenId: 't',
  syncStatus: 'Synced',
  syncInstructions: '',
  challenges: [],
  transactions,
});
const HISTORY = /\/v4\/connect\/transactions\/acct-tok-1/;

const fails = (p: Promise<unknown>) => failsWith(p, CREDS.client_secret);

describe('ValidiFI source (nock)', function () {
  this.timeout(20_000);
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  after(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
  beforeEach(() => clearTokenCache());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending, 'every mocked call was made').to.deep.equal([]);
  });

  it('splits six months into windows of at most 90 days and asks for each', async () => {
    expect(windowsOf('2026-05-01', '2026-10-31')).to.deep.equal([
      { start: '2026-05-01', end: '2026-07-29' },
      { start: '2026-07-30', end: '2026-10-27' },
      { start: '2026-10-28', end: '2026-10-31' },
    ]);
    nock(BASE)
      .post('/v4/token', {
        clientId: CREDS.client_id,
        clientSecret: CREDS.client_secret,
        grantType: 'client_credentials',
      })
      .reply(200, tokenReply());
    for (const [s, e] of [
      ['2026-05-01', '2026-07-29'],
      ['2026-07-30', '2026-10-27'],
      ['2026-10-28', '2026-10-31'],
    ] as const) {
      nock(BASE)
        .get('/v4/connect/transactions/acct-tok-1')
        .query({ startDateTime: `${s}T00:00:00Z`, endDateTime: `${e}T23:59:59Z` })
        .matchHeader('authorization', /^Bearer tok-/)
        .reply(200, synced([tx(`${s}-a`, -10, s)]));
    }
    const out = await validifi.fetch(input(), ctx());
    expect(out.transactions).to.have.length(3);
    expect(out.metadata).to.deep.include({ windows: 3, period: { start: '2026-05-01', end: '2026-10-31' } });
  });

  it('merges the windows and de-duplicates by transaction id; maps sign, date, currency, balance; leaves pending out', async () => {
    nock(BASE).post('/v4/token').reply(200, tokenReply());
    nock(BASE)
      .get(HISTORY)
      .query(true)
      .reply(
        200,
        synced([
          tx('a', -12.5, '2026-07-29', { runningBalance: 100.25 }),
          tx('b', 2000, '2026-07-29', { transactionType: 'Credit' }),
        ]),
      );
    nock(BASE)
      .get(HISTORY)
      .query(true)
      .reply(
        200,
        synced([
          tx('b', 2000, '2026-07-29', { transactionType: 'Credit' }),
          tx('c', 30, '2026-08-01', { transactionType: 'DEBIT' }),
          tx('p', -5, '2026-08-02', { pending: true }),
        ]),
      );
    nock(BASE)
      .get(HISTORY)
      .query(true)
      .reply(200, synced([tx('d', -1, '2026-10-30', { currencyCode: null })]));
    const out: SourceOutput = await validifi.fetch(input(), ctx());
    const byRef = new Map(out.transactions.map((t) => [t.source_ref, t]));
    expect([...byRef.keys()].sort()).to.deep.equal(['a', 'b', 'c', 'd']);
    expect(byRef.get('a')).to.include({
      amount_minor: 1250,
      date: '2026-07-29',
      currency: 'USD',
      balance_minor: 10025,
      merchant_name: 'MERCHANT a',
      description: 'NARRATIVE a',
      source: 'validifi',
    });
    expect(byRef.get('b')!.amount_minor).to.equal(-200000);
    expect(byRef.get('c')!.amount_minor).to.equal(3000); // Debit decides, whatever the sign
    expect(out.metadata.counts).to.deep.equal({
      received: 6,
      duplicates: 1,
      pending_excluded: 1,
      outside_period_excluded: 0,
      posted: 4,
    });
    expect(out.warnings.join(' ')).to.match(/1 pending transactions were left out/);
    expect(byRef.get('a')!.account_id)
      .to.match(/^validifi-[0-9a-f]{12}$/)
      .and.not.include('acct-tok-1');
  });

  it('reuses one token across assessments until shortly before it expires', async () => {
    nock(BASE).post('/v4/token').once().reply(200, tokenReply());
    nock(BASE).get(HISTORY).query(true).times(6).reply(200, synced());
    await validifi.fetch(input(), ctx());
    await validifi.fetch(input(), ctx());
  });

  it('fetches a new token when the cached one is about to expire', async () => {
    let now = Date.now();
    const rt = runtime();
    nock(BASE)
      .post('/v4/token')
      .reply(200, () => ({
        accessToken: 'first',
        tokenType: 'Bearer',
        expiresOn: new Date(now + 5 * 60_000).toISOString(),
      }));
    nock(BASE)
      .post('/v4/token')
      .reply(200, () => ({
        accessToken: 'second',
        tokenType: 'Bearer',
        expiresOn: new Date(now + 20 * 60_000).toISOString(),
      }));
    const client = () => new ValidifiClient(CREDS, rt, now + 10_000, () => now);
    expect(await client().token()).to.equal('first');
    now += 3 * 60_000;
    expect(await client().token()).to.equal('first');
    now += 90_000; // within a minute of expiry
    expect(await client().token()).to.equal('second');
  });

  it('makes exactly one token request for 100 concurrent assessments of one partner (single flight)', async function () {
    // The subject is the token count, not speed: 300 history calls on a busy machine get generous limits.
    this.timeout(180_000);
    const rt = runtime({ timeoutMs: 60_000, deadlineMs: 150_000 });
    let tokenCalls = 0;
    nock(BASE)
      .post('/v4/token')
      .times(100)
      .delay(100)
      .reply(200, () => (tokenCalls++, tokenReply()));
    nock(BASE)
      .get(HISTORY)
      .query(true)
      .times(300)
      .reply(200, synced([tx('x', -1, '2026-06-01')]));
    const outs = await Promise.all(Array.from({ length: 100 }, () => validifi.fetch(input(), ctx(rt))));
    expect(outs.every((o) => o.transactions.length === 1)).to.equal(true);
    expect(tokenCalls).to.equal(1);
    nock.cleanAll(); // the 99 unused token interceptors
  });

  it('on a 401, refreshes the token once and retries', async () => {
    nock(BASE)
      .post('/v4/token')
      .reply(200, { ...tokenReply(), accessToken: 'stale' });
    nock(BASE)
      .post('/v4/token')
      .reply(200, { ...tokenReply(), accessToken: 'fresh' });
    nock(BASE).get(HISTORY).query(true).matchHeader('authorization', 'Bearer stale').reply(401);
    nock(BASE).get(HISTORY).query(true).matchHeader('authorization', 'Bearer fresh').reply(200, synced());
    await validifi.fetch(input({ start_date: '2026-09-01' }), ctx(runtime(), CREDS));
  });

  it('answers 502 when a fresh token is refused too, and when the credentials are refused', async () => {
    nock(BASE)
      .post('/v4/token')
      .times(2)
      .reply(200, () => tokenReply());
    nock(BASE).get(HISTORY).query(true).times(2).reply(401);
    const e = await fails(validifi.fetch(input({ end_date: '2026-06-01' }), ctx()));
    expect([e.status, e.code]).to.deep.equal([502, 'validifi_unauthorized']);
    clearTokenCache();
    nock(BASE).post('/v4/token').reply(401, { error: 'invalid_client' });
    const e2 = await fails(validifi.fetch(input(), ctx()));
    expect([e2.status, e2.code]).to.deep.equal([502, 'validifi_credentials_refused']);
    expect(e2.message).to.match(/ValidiFI refused this partner's client credentials/);
  });

  it('answers 409 with what to do when the account is not synced (an MFA challenge)', async () => {
    nock(BASE).post('/v4/token').reply(200, tokenReply());
    nock(BASE)
      .get(HISTORY)
      .query(true)
      .times(2)
      .reply(200, {
        userId: 'u',
        tokenId: 't',
        syncStatus: 'MFARequired',
        syncInstructions: 'Answer the security question',
        challenges: [{ q: 'pet?' }],
      });
    const e = await fails(validifi.fetch(input({ start_date: '2026-08-01' }), ctx()));
    expect([e.status, e.code]).to.deep.equal([409, 'validifi_reconnect_required']);
    expect(e.message)
      .to.match(/send the customer through CONNECT again \(update mode\)/)
      .and.match(/Answer the security question/);
  });

  it('retries a 500 and succeeds', async () => {
    nock(BASE).post('/v4/token').reply(200, tokenReply());
    nock(BASE).get(HISTORY).query(true).reply(500, 'oops');
    nock(BASE)
      .get(HISTORY)
      .query(true)
      .reply(200, synced([tx('a', -1, '2026-10-01')]));
    const out = await validifi.fetch(input({ start_date: '2026-09-01' }), ctx());
    expect(out.transactions).to.have.length(1);
    expect(out.metadata.upstream_calls).to.equal(3);
  });

  it('gives up with 502 after the retries of a failing provider', async () => {
    nock(BASE).post('/v4/token').reply(200, tokenReply());
    nock(BASE).get(HISTORY).query(true).times(3).reply(503);
    const e = await fails(validifi.fetch(input({ start_date: '2026-09-01' }), ctx()));
    expect([e.status, e.code]).to.deep.equal([502, 'validifi_bad_response']);
  });

  it('gives up with 502 validifi_rate_limited when every try is a 429', async () => {
    nock(BASE).post('/v4/token').reply(200, tokenReply());
    const limited = nock(BASE).get(HISTORY).query(true).times(3).reply(429, {});
    const e = await fails(validifi.fetch(input({ start_date: '2026-09-01' }), ctx()));
    expect([e.status, e.code]).to.deep.equal([502, 'validifi_rate_limited']);
    expect(limited.isDone(), 'the first try and both retries were sent').to.equal(true);
  });

  it('gives up with 502 validifi_unreachable when ValidiFI cannot be reached', async () => {
    nock(BASE).post('/v4/token').reply(200, tokenReply());
    const refused = nock(BASE).get(HISTORY).query(true).times(3).replyWithError('socket hang up');
    const e = await fails(validifi.fetch(input({ start_date: '2026-09-01' }), ctx()));
    expect([e.status, e.code]).to.deep.equal([502, 'validifi_unreachable']);
    expect(refused.isDone(), 'the first try and both retries were sent').to.equal(true);
  });

  it('answers 504 when ValidiFI does not answer in time', async () => {
    nock(BASE).post('/v4/token').reply(200, tokenReply());
    nock(BASE).get(HISTORY).query(true).times(2).delay(1500).reply(200, synced());
    const t0 = Date.now();
    const e = await fails(
      validifi.fetch(input({ start_date: '2026-09-01' }), ctx(runtime({ timeoutMs: 200, retries: 1 }))),
    );
    expect([e.status, e.code]).to.deep.equal([504, 'validifi_timeout']);
    expect(Date.now() - t0).to.be.below(1500);
  });

  it('waits as long as Retry-After says on a 429, then succeeds', async () => {
    nock(BASE).post('/v4/token').reply(200, tokenReply());
    nock(BASE).get(HISTORY).query(true).reply(429, {}, { 'Retry-After': '1' });
    nock(BASE).get(HISTORY).query(true).reply(200, synced());
    const t0 = Date.now();
    await validifi.fetch(input({ start_date: '2026-09-01' }), ctx());
    expect(Date.now() - t0).to.be.at.least(950);
  });

  it('answers 502 for a malformed history, never a partial one', async () => {
    nock(BASE).post('/v4/token').reply(200, tokenReply());
    nock(BASE)
      .get(HISTORY)
      .query(true)
      .reply(200, synced([tx('a', -1, '2026-06-01')]));
    nock(BASE).get(HISTORY).query(true).reply(200, { syncStatus: 'Synced', transactions: 'not a list' });
    const e = await fails(
      validifi.fetch(
        input({ start_date: '2026-06-01', end_date: '2026-10-01' }),
        ctx(runtime({ limits: { maxConcurrent: 1, minTimeMs: 0 } })),
      ),
    );
    expect([e.status, e.code]).to.deep.equal([502, 'validifi_bad_response']);
    nock.cleanAll();
  });

  it('keeps the account export as metadata, with only the last four digits of the number', async () => {
    nock(BASE).post('/v4/token').reply(200, tokenReply());
    nock(BASE)
      .get(HISTORY)
      .query(true)
      .reply(200, synced([tx('a', -1, '2026-10-01')]));
    nock(BASE).get('/v4/accounts/acct-id-9/export').reply(200, {
      institutionName: 'Fifth Third Bank',
      accountType: 'Checking',
      accountHolderName: 'John M Doe',
      routingNumber: '042000314',
      accountNumber: '1234567',
      accountNickname: 'Johns Free Checking',
      lastAvailableBalance: 1220,
      lastCurrentBalance: 1220,
    });
    const out = await validifi.fetch(
      input({ start_date: '2026-09-01', account_token_id: 'acct-id-9' }),
      ctx(),
    );
    expect(out.metadata.account).to.deep.include({
      institution_name: 'Fifth Third Bank',
      account_holder_name: 'John M Doe',
      account_number: '••••4567',
      last_current_balance: 1220,
    });
    expect(JSON.stringify(out)).not.to.include('1234567');
  });

  it('answers 422 when the partner has no ValidiFI credentials, before any call', async () => {
    const e = await fails(
      validifi.fetch(input(), { ...ctx(), credentials: () => Promise.resolve(undefined) }),
    );
    expect([e.status, e.code]).to.deep.equal([422, 'provider_not_configured']);
  });
});
