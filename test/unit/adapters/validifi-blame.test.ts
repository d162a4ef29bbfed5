/**
 * ValidiFI answers that must blame the right party, and the deadline that covers the limiter's queue
 * (issue 17, defects 11 and 2), against nock.
 */
import { expect } from 'chai';
import nock from 'nock';
import {
  failsWith,
  tokenReply as validifiToken,
  validifiRuntime,
  VALIDIFI_BASE,
} from '../../helpers/validifi-nock.ts';
import { ProviderRuntime } from '../../../adapters/runtime.ts';
import type { FetchContext } from '../../../adapters/source.ts';
import {
  EXPORT_GONE_WARNING,
  ValidifiSourceSchema,
  clearTokenCache,
  validifi,
} from '../../../adapters/validifi/index.ts';

const BASE = VALIDIFI_BASE;
const CREDS = { client_id: 'client-blame-1', client_secret: 'blame-secret-do-not-leak', base_url: BASE };
const NOW = new Date('2026-10-31T12:00:00Z');
const runtime = (over: Partial<ConstructorParameters<typeof ProviderRuntime>[0]> = {}) =>
  validifiRuntime(0, over);
const ctx = (rt = runtime()): FetchContext => ({
  partnerId: 'p1',
  now: NOW,
  credentials: () => Promise.resolve(CREDS),
  runtime: rt,
});
const input = (over: Record<string, unknown> = {}) =>
  ValidifiSourceSchema.parse({
    type: 'validifi',
    account_token: 'acct-blame',
    start_date: '2026-09-01',
    end_date: '2026-10-31',
    ...over,
  });
const tokenReply = () => validifiToken();
const HISTORY = /\/v4\/connect\/transactions\/acct-blame/;
const tx = {
  transactionId: 'a',
  amount: -10,
  postedDate: '2026-09-10T15:00:00Z',
  description: 'SHOP',
  currencyCode: 'USD',
};

const fails = (p: Promise<unknown>) => failsWith(p, CREDS.client_secret);

describe('ValidiFI answers that blame the right party (nock)', function () {
  this.timeout(20_000);
  const runtimes: ProviderRuntime[] = [];
  const rt = (over: Partial<ConstructorParameters<typeof ProviderRuntime>[0]> = {}) => {
    const r = runtime(over);
    runtimes.push(r);
    return r;
  };
  before(() => nock.disableNetConnect());
  after(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
  beforeEach(() => clearTokenCache());
  afterEach(async () => {
    nock.cleanAll();
    await Promise.all(runtimes.splice(0).map((r) => r.close()));
  });

  it('"Synced" with no transaction list is a 502 naming ValidiFI (an empty list is simply no transactions)', async () => {
    nock(BASE).post('/v4/token').reply(200, tokenReply());
    nock(BASE).get(HISTORY).query(true).reply(200, { syncStatus: 'Synced', challenges: [] });
    const e = await fails(validifi.fetch(input(), ctx(rt())));
    expect([e.status, e.code]).to.deep.equal([502, 'validifi_bad_response']);
    expect(e.message).to.match(/^ValidiFI said the account is synced but sent no transaction list/);

    nock(BASE).get(HISTORY).query(true).reply(200, { syncStatus: 'Synced', transactions: null });
    expect((await fails(validifi.fetch(input(), ctx(rt())))).status).to.equal(502);

    nock(BASE).get(HISTORY).query(true).reply(200, { syncStatus: 'Synced', transactions: [] });
    expect((await validifi.fetch(input(), ctx(rt()))).transactions).to.deep.equal([]);
  });

  for (const status of [404, 410]) {
    it(`an account export that is gone (HTTP ${status}: past its 24 hours) is a warning, not a failure`, async () => {
      nock(BASE).post('/v4/token').reply(200, tokenReply());
      nock(BASE)
        .get(HISTORY)
        .query(true)
        .reply(200, { syncStatus: 'Synced', transactions: [tx] });
      nock(BASE).get('/v4/accounts/acct-id-old/export').reply(status, { error: 'account not found' });
      const out = await validifi.fetch(input({ account_token_id: 'acct-id-old' }), ctx(rt()));
      expect(out.transactions).to.have.length(1);
      expect(out.metadata.account).to.equal(null);
      expect(out.warnings).to.include(EXPORT_GONE_WARNING);
      expect(EXPORT_GONE_WARNING).to.match(/24 hours/);
    });
  }

  it('an export that fails otherwise is still a 502', async () => {
    nock(BASE).post('/v4/token').reply(200, tokenReply());
    nock(BASE)
      .get(HISTORY)
      .query(true)
      .reply(200, { syncStatus: 'Synced', transactions: [tx] });
    nock(BASE).get('/v4/accounts/acct-id-x/export').reply(403, {});
    expect(
      (await fails(validifi.fetch(input({ account_token_id: 'acct-id-x' }), ctx(rt())))).status,
    ).to.equal(502);
  });

  it('a 401 or 403 on the token call names both causes: the credentials, or the IP allow-list', async () => {
    for (const status of [401, 403]) {
      clearTokenCache();
      nock(BASE).post('/v4/token').reply(status, { error: 'unauthorized' });
      const e = await fails(validifi.fetch(input(), ctx(rt())));
      expect([e.status, e.code]).to.deep.equal([502, 'validifi_credentials_refused']);
      expect(e.message)
        .to.match(/credentials/)
        .and.match(/IP address/)
        .and.match(/allow-list/);
    }
  });

  it('the wait for the limiter is inside the deadline: a fetch stuck behind a slow one is a 504 at its deadline, and sends nothing', async () => {
    const shared = rt({ limits: { maxConcurrent: 1, minTimeMs: 0 }, deadlineMs: 600, timeoutMs: 5000 });
    // Another call holds the provider's one slot for as long as the test wants (no mock: nothing may be sent).
    let release!: () => void;
    const hog = shared.run('validifi', Date.now() + 10_000, () => new Promise<void>((r) => (release = r)));
    const started = performance.now();
    const e = await fails(validifi.fetch(input({ account_token: 'acct-blame' }), ctx(shared)));
    const ms = performance.now() - started;
    release();
    await hog;
    expect([e.status, e.code]).to.deep.equal([504, 'validifi_timeout']);
    expect(ms).to.be.below(3000);
  });

  it("the fetch's deadline is on the runtime's clock: once that clock passes it, a 504 and nothing more is sent", async () => {
    let t = Date.parse('2026-10-31T12:00:00Z');
    const clocked = rt({ deadlineMs: 10_000, clock: () => t });
    // The token call takes (by that clock) longer than the whole deadline.
    nock(BASE)
      .post('/v4/token')
      .reply(200, () => {
        t += 10_001;
        return tokenReply();
      });
    const history = nock(BASE)
      .get(HISTORY)
      .query(true)
      .reply(200, { syncStatus: 'Synced', transactions: [tx] });
    const e = await fails(validifi.fetch(input(), ctx(clocked)));
    expect([e.status, e.code]).to.deep.equal([504, 'validifi_timeout']);
    expect(history.isDone()).to.equal(false);
  });
});
