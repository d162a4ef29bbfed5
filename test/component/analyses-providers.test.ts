/**
 * Each third-party analysis provider end to end against its local simulator (the decisioning API has its
 * own, longer suite: analyses.test.ts): `POST /assess` → 202 → the job polled to an assessment with the
 * provider's verdict beside ours and one unit charged; the provider's failure or refusal → the job failed
 * with its code and nothing charged; an analysis that never finishes → `analysis_timeout` at the deadline.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import {
  adminToken,
  call,
  createPartner,
  startGateway,
  type Running,
  type TestPartner,
} from '../helpers/gateway.ts';
import { waitFor } from '../helpers/receiver.ts';
import { generatePersona } from '../../tools/personas/personas.ts';
import {
  personaDocuments,
  SIM_API_KEY,
  SIM_NO_CREDIT_KEY,
  startDocumentApiSimulator,
} from '../../tools/simulators/document-api.ts';
import { personaSource, startLegacyProviderSimulator } from '../../tools/simulators/legacy-provider.ts';
import { startValidifiSimulator } from '../../tools/simulators/validifi.ts';

const NOW = new Date(generatePersona('salaried_single_renter', 1).now);
const KEY = randomBytes(32).toString('base64');

interface Case {
  provider: 'document_api' | 'legacy_provider' | 'validifi_insights';
  /** Starts the simulator; `never`: at the provider's real pace, its analyses never finishing (the deadline). */
  start(never: boolean): Promise<{ url: string; stop(): Promise<void> }>;
  credentials(url: string, broken: boolean): { provider: string; body: Record<string, unknown> };
  source(failing: boolean): Promise<Record<string, unknown>>;
  /** The failure code when `source(true)` or `credentials(…, true)` is used. */
  failure: string;
  failWith: 'source' | 'credentials';
}

const CASES: Case[] = [
  {
    provider: 'document_api',
    // At its real pace the provider takes 2–5 minutes: past a 10 s deadline.
    start: (never) => startDocumentApiSimulator({ timeScale: never ? 1 : 0.005 }),
    credentials: (url, broken) => ({
      provider: 'document_api',
      body: { api_key: broken ? SIM_NO_CREDIT_KEY : SIM_API_KEY, base_url: url },
    }),
    source: async () => {
      const docs = await personaDocuments('salaried_single_renter', {
        months: ['2026-08', '2026-09', '2026-10'],
      });
      return {
        type: 'document_api',
        currency_code: 'GBP',
        bank_statements: docs.map((d) => ({ document: d.document, filename: d.filename })),
      };
    },
    failure: 'provider_out_of_credits',
    failWith: 'credentials',
  },
  {
    provider: 'legacy_provider',
    start: async (never) => {
      const sim = await startLegacyProviderSimulator({ timeScale: 0.01 });
      sim.neverFinish(never);
      return sim;
    },
    credentials: (url, broken) => ({
      provider: 'legacy_provider',
      body: {
        username: 'sim-user',
        password: broken ? 'wrong-pass' : 'sim-pass',
        base_url: url,
        redirect_url: 'https://lender.example/done',
      },
    }),
    source: () => Promise.resolve({ type: 'legacy_provider', ...personaSource('salaried_single_renter') }),
    failure: 'provider_credentials_refused',
    failWith: 'credentials',
  },
  {
    provider: 'validifi_insights',
    start: async (never) => {
      const sim = await startValidifiSimulator({ timeScale: 0.02 });
      sim.neverFinish(never);
      return sim;
    },
    credentials: (url) => ({
      provider: 'validifi',
      body: { client_id: 'sim-client', client_secret: 'sim-secret', environment: 'custom', base_url: url },
    }),
    source: (failing) =>
      Promise.resolve({
        type: 'validifi_insights',
        product: 'BankLOGIN+',
        account_token: failing ? 'sim-mfa' : 'sim-salaried_single_renter-1',
      }),
    failure: 'analysis_failed',
    failWith: 'source',
  },
];

for (const c of CASES)
  onEachDatabase(`third-party analyses: ${c.provider} against its simulator`, (kind, getDb) => {
    let g: Running;
    let p: TestPartner;
    let n = 0;
    const start = async (over: Record<string, string> = {}) => {
      const r = await startGateway(getDb(), {
        ANALYSIS_POLL_SCALE: '0.01',
        LOG_LEVEL: 'warn',
        DATA_ENCRYPTION_KEY: KEY,
        ...over,
      });
      r.clock.now = NOW;
      return r;
    };
    before(async function () {
      this.timeout(60_000);
      g = await start();
    });
    after(async () => g?.stop());
    beforeEach(async function () {
      this.timeout(30_000);
      await reset(getDb());
      p = await createPartner(g.url, `${c.provider.replace(/_/g, '-')}-${++n}`);
    });

    const setCredentials = async (gw: Running, url: string, broken = false) => {
      const { provider, body } = c.credentials(url, broken);
      const r = await call(gw.url, 'PUT', `/api/admin/partners/${p.id}/providers/${provider}`, {
        token: await adminToken(),
        body,
      });
      expect(r.status, r.text).to.equal(200);
    };
    const run = async (gw: Running, source: Record<string, unknown>, timeoutMs = 90_000) => {
      const r = await call(gw.url, 'POST', '/api/partner/v1/assess', {
        key: p.key,
        body: { customer_ref: `cust-${c.provider}`, source },
      });
      expect(r.status, r.text).to.equal(202);
      return waitFor(
        async () => {
          const v = (await call(gw.url, 'GET', r.body.poll_url, { key: p.key })).body;
          return v.status !== 'processing' && v;
        },
        { timeoutMs, intervalMs: 50, what: `the ${c.provider} job to end` },
      );
    };
    const usage = async (gw: Running) =>
      (await call(gw.url, 'GET', '/api/partner/v1/usage', { key: p.key })).body.current_usage as number;

    it('completes: one assessment with the provider beside us, one unit', async function () {
      this.timeout(120_000);
      const sim = await c.start(false);
      try {
        await setCredentials(g, sim.url);
        const j = await run(g, await c.source(false));
        expect(j.status, JSON.stringify(j)).to.equal('completed');
        const a = await call(g.url, 'GET', `/api/partner/v1/assessment/${j.assessment_id}`, { key: p.key });
        expect(a.body.third_party.provider).to.equal(c.provider);
        expect(a.body.transactions_analyzed).to.be.greaterThan(20);
        const ev = (
          await call(g.url, 'GET', `/api/partner/v1/assessment/${j.assessment_id}/evidence`, { key: p.key })
        ).body;
        expect(ev.source.type).to.equal(c.provider);
        expect(ev.third_party_comparison.provider).to.equal(c.provider);
        expect(await usage(g)).to.equal(1);
      } finally {
        await sim.stop();
      }
    });

    it(`fails with ${c.failure} when the provider refuses or fails it, and charges nothing`, async function () {
      this.timeout(120_000);
      const sim = await c.start(false);
      try {
        await setCredentials(g, sim.url, c.failWith === 'credentials');
        const j = await run(g, await c.source(c.failWith === 'source'));
        expect(j.status, JSON.stringify(j)).to.equal('failed');
        expect(j.failures[0].reason).to.equal(c.failure);
        expect(j.failures[0].detail).to.be.a('string').and.not.include('sim-pass');
        expect(await usage(g)).to.equal(0);
      } finally {
        await sim.stop();
      }
    });

    if (kind === 'pglite')
      it('fails with analysis_timeout at its deadline, and charges nothing', async function () {
        this.timeout(120_000);
        const sim = await c.start(true);
        await g.stop();
        const short = await start({ ANALYSIS_DEADLINES: `${c.provider}=10` });
        try {
          await setCredentials(short, sim.url);
          const j = await run(short, await c.source(false), 60_000);
          expect(j.status, JSON.stringify(j)).to.equal('failed');
          expect(j.failures[0].reason).to.equal('analysis_timeout');
          expect(await usage(short)).to.equal(0);
        } finally {
          await short.stop();
          await sim.stop();
          g = await start();
        }
      });
  });
