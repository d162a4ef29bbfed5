/**
 * ValidiFI-sourced assessments when a dependency misbehaves (issue 17, defects 2 and 11), end to end
 * against the local simulator: a Redis that is down (a loopback port nothing listens on), one that
 * accepts and drops every connection, one that accepts and never answers; and ValidiFI answers that
 * must blame the right party.
 */
import { expect } from 'chai';
import { embedded, reset } from '../helpers/databases.ts';
import { fakeRedis } from '../helpers/fake-redis.ts';
import { freePort } from '../helpers/free-port.ts';
import { redis } from '../helpers/redis.ts';
import {
  adminToken,
  call,
  createPartner,
  logLines,
  startGateway,
  type Running,
  type TestPartner,
} from '../helpers/gateway.ts';
import { clearTokenCache } from '../../adapters/validifi/index.ts';
import { generatePersona } from '../../tools/personas/personas.ts';
import {
  personaAccount,
  startValidifiSimulator,
  type ValidifiSimulator,
} from '../../tools/simulators/validifi.ts';

const persona = generatePersona('couple_two_children_mortgage', 1);
const TOKEN = 'sim-couple_two_children_mortgage-1';
const base = {
  customer_ref: 'cust-vf',
  circumstances: persona.circumstances,
  declared_income: persona.declared_income,
};
/**
 * The provider deadline of these gateways (production's default): every answer must come within it. A
 * dead or silent Redis costs a couple of seconds on a quiet machine; the margin is for a busy one.
 */
const DEADLINE_MS = 30_000;

describe('ValidiFI-sourced assessments when a dependency misbehaves', function () {
  let sim: ValidifiSimulator;
  before(async function () {
    this.timeout(60_000);
    sim = await startValidifiSimulator();
  });
  after(async () => sim?.stop());

  async function partnerOn(g: Running, name: string): Promise<TestPartner> {
    const p = await createPartner(g.url, name);
    const set = await call(g.url, 'PUT', `/api/admin/partners/${p.id}/providers/validifi`, {
      token: await adminToken(),
      body: {
        client_id: sim.clientId,
        client_secret: sim.clientSecret,
        environment: 'custom',
        base_url: sim.url,
      },
    });
    if (set.status !== 200) throw new Error(`provider-set: ${set.status} ${set.text}`);
    return p;
  }

  const assess = (g: Running, p: TestPartner, source: Record<string, unknown> = {}) =>
    call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { ...base, source: { type: 'validifi', account_token: TOKEN, ...source } },
    });

  /** Starts a gateway with REDIS_URL, runs one ValidiFI assessment, and returns it with its time. */
  async function assessWithRedis(
    redisUrl: string,
    name: string,
    before?: (g: Running, p: TestPartner) => Promise<void>,
  ) {
    const db = await embedded();
    await reset(db);
    clearTokenCache();
    const g = await startGateway(db, {
      REDIS_URL: redisUrl,
      PROVIDER_DEADLINE_MS: String(DEADLINE_MS),
      PROVIDER_TIMEOUT_MS: '2000',
      PROVIDER_BACKOFF_MS: '20',
    });
    g.clock.now = new Date(persona.now);
    try {
      const p = await partnerOn(g, name);
      await before?.(g, p);
      const from = logLines.length;
      const started = performance.now();
      const r = await assess(g, p);
      const ms = Math.round(performance.now() - started);
      // A second assessment, once the limiter knows Redis is unusable, waits for nothing.
      const again = await assess(g, p);
      console.log(
        `      ${name}: HTTP ${r.status} in ${ms} ms, then HTTP ${again.status} in ${Math.round(performance.now() - started) - ms} ms`,
      );
      return { r, again, ms, log: logLines.slice(from).join('') };
    } finally {
      await g.stop();
    }
  }

  describe('Redis (REDIS_URL) misbehaving: the provider limiter degrades to in-process, with a warning', function () {
    this.timeout(150_000);

    it('Redis down (nothing listens on the port): the assessment is made within the deadline and the log says why', async () => {
      const port = await freePort();
      const { r, again, ms, log } = await assessWithRedis(`redis://127.0.0.1:${port}`, 'redis-down');
      expect(r.status, r.text).to.equal(200);
      expect(again.status, again.text).to.equal(200);
      expect(ms).to.be.below(DEADLINE_MS);
      expect(log).to.match(/"level":40[^\n]*Redis[^\n]*in-process/);
    });

    it('Redis that accepts and drops every connection: a 200, not a 500', async () => {
      const fake = await fakeRedis('drop');
      try {
        const { r, again, ms, log } = await assessWithRedis(fake.url, 'redis-drops');
        expect(r.status, r.text).to.equal(200);
        expect(again.status, again.text).to.equal(200);
        expect(ms).to.be.below(DEADLINE_MS);
        expect(fake.connections).to.be.greaterThan(0);
        expect(log).to.match(/"level":40[^\n]*Redis[^\n]*in-process/);
      } finally {
        await fake.close();
      }
    });

    it('Redis that goes away after connecting (a real Redis behind a loopback proxy, then cut): a 200, not a 500', async function () {
      const url = await redis();
      if (!url) this.skip();
      const proxy = await fakeRedis('proxy', url);
      try {
        const { r, again, ms, log } = await assessWithRedis(proxy.url, 'redis-goes-away', async (g, p) => {
          // Connected and used first: this assessment goes through the shared limiter.
          const mark = logLines.length;
          const first = await assess(g, p);
          expect(first.status, first.text).to.equal(200);
          expect(logLines.slice(mark).join('')).not.to.match(/Redis is unusable/);
          proxy.cut();
        });
        expect(r.status, r.text).to.equal(200);
        expect(again.status, again.text).to.equal(200);
        expect(ms).to.be.below(DEADLINE_MS);
        expect(log).to.match(/"level":40[^\n]*Redis[^\n]*in-process/);
      } finally {
        await proxy.close();
      }
    });

    it('Redis that accepts and never answers: the assessment is made within the deadline', async () => {
      const fake = await fakeRedis('silent');
      try {
        const { r, again, ms } = await assessWithRedis(fake.url, 'redis-silent');
        expect(r.status, r.text).to.equal(200);
        expect(again.status, again.text).to.equal(200);
        expect(ms).to.be.below(DEADLINE_MS);
      } finally {
        await fake.close();
      }
    });
  });

  describe('ValidiFI answers that must blame the right party', function () {
    this.timeout(60_000);
    let g: Running;
    let p: TestPartner;
    let n = 0;
    before(async function () {
      this.timeout(60_000);
      g = await startGateway(await embedded(), { PROVIDER_TIMEOUT_MS: '1000', PROVIDER_BACKOFF_MS: '20' });
      g.clock.now = new Date(persona.now);
    });
    after(async () => g?.stop());
    beforeEach(async () => {
      await reset(await embedded());
      clearTokenCache();
      sim.reset();
      p = await partnerOn(g, `vfi-blame-${++n}`);
    });

    it('"Synced" with no transaction list is a 502 naming ValidiFI, not a 400 about the account', async () => {
      sim.register('sim-no-list', { transactions: [], omitTransactions: true });
      const r = await assess(g, p, { account_token: 'sim-no-list' });
      expect(r.status, r.text).to.equal(502);
      expect(r.body.code).to.equal('validifi_bad_response');
      expect(r.body.detail)
        .to.match(/^ValidiFI /)
        .and.match(/no transaction list/);
    });

    it('"Synced" with an empty transaction list is still the lender’s 400 no_transactions', async () => {
      sim.register('sim-empty', { transactions: [] });
      const r = await assess(g, p, { account_token: 'sim-empty' });
      expect(r.status, r.text).to.equal(400);
      expect(r.body.code).to.equal('no_transactions');
    });

    it('transactions ValidiFI sends from outside the period asked for (or the accepted date window) are left out with a warning, not assessed', async () => {
      const clean = await assess(g, p);
      expect(clean.status, clean.text).to.equal(200);
      // A provider that ignores the requested range: the persona's history, plus rows from 2016 and next year.
      const { account } = personaAccount('couple_two_children_mortgage', 1);
      const stray = (id: string, date: string, amount: number) => ({
        ...account.transactions[0]!,
        transactionId: id,
        postedDate: `${date}T12:00:00Z`,
        amount,
        transactionType: 'Credit',
        description: 'BACS OLD EMPLOYER LTD',
        merchantName: 'OLD EMPLOYER LTD',
      });
      const transactions = [
        ...account.transactions,
        stray('old-1', '2016-03-31', 4000),
        stray('old-2', '2016-04-29', 4000),
        stray('future-1', `${Number(persona.now.slice(0, 4)) + 1}-01-15`, 9000),
      ];
      sim.register('sim-wide', { ...account, transactions, ignoreRange: true });
      const r = await assess(g, p, { account_token: 'sim-wide' });
      expect(r.status, r.text).to.equal(200);
      for (const f of [
        'monthly_income',
        'monthly_expenditure',
        'affordable_amount',
        'transactions_analyzed',
      ] as const)
        expect(r.body[f], f).to.deep.equal(clean.body[f]);
      const ev = (
        await call(g.url, 'GET', `/api/partner/v1/assessment/${r.body.assessment_id}/evidence`, {
          key: p.key,
        })
      ).body;
      const warning = (ev.source.warnings as string[]).find((w) => /dated outside/.test(w));
      expect(warning, JSON.stringify(ev.source.warnings)).to.match(
        /^\d+ transactions from ValidiFI dated outside the period asked for \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\) were left out: 2016-03-31 to \d{4}-01-15$/,
      );
      // The persona's own rows before the period, and the three strays.
      const cleanEv = (
        await call(g.url, 'GET', `/api/partner/v1/assessment/${clean.body.assessment_id}/evidence`, {
          key: p.key,
        })
      ).body;
      expect(ev.source.metadata.counts.posted).to.equal(cleanEv.source.metadata.counts.posted);
      expect(ev.source.metadata.counts.outside_period_excluded)
        .to.equal(transactions.length - cleanEv.source.metadata.counts.posted)
        .and.be.at.least(3);
    });

    it('a history with every transaction outside the period asked for is a 502 naming ValidiFI, nothing charged', async () => {
      const { account } = personaAccount('couple_two_children_mortgage', 1);
      sim.register('sim-ancient', {
        ...account,
        transactions: account.transactions
          .slice(0, 5)
          .map((t, i) => ({ ...t, transactionId: `old-${i}`, postedDate: `2016-0${i + 1}-10T12:00:00Z` })),
        ignoreRange: true,
      });
      const before = (await call(g.url, 'GET', '/api/partner/v1/usage', { key: p.key })).body;
      const r = await assess(g, p, { account_token: 'sim-ancient' });
      expect(r.status, r.text).to.equal(502);
      expect(r.body.code).to.equal('validifi_bad_response');
      expect(r.body.detail).to.match(
        /^ValidiFI returned 5 transactions, all dated outside the period asked for/,
      );
      expect((await call(g.url, 'GET', '/api/partner/v1/usage', { key: p.key })).body).to.deep.equal(before);
    });

    it('an account export past its 24-hour life is a warning, and the assessment is made', async () => {
      sim.expireExport(TOKEN);
      const r = await assess(g, p, { account_token_id: TOKEN });
      expect(r.status, r.text).to.equal(200);
      const ev = (
        await call(g.url, 'GET', `/api/partner/v1/assessment/${r.body.assessment_id}/evidence`, {
          key: p.key,
        })
      ).body;
      expect(ev.source.warnings.join(' '))
        .to.match(/account export/)
        .and.match(/24 hours/);
      expect(ev.source.metadata.account).to.equal(null);
    });

    it('a 401 on the token call says it may be the credentials or the IP allow-list', async () => {
      sim.failNext(401, 1);
      const r = await assess(g, p);
      expect(r.status, r.text).to.equal(502);
      expect(r.body.code).to.equal('validifi_credentials_refused');
      expect(r.body.detail)
        .to.match(/credentials/)
        .and.match(/IP address/)
        .and.match(/allow-list/);
    });
  });
});
