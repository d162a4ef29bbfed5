/**
 * Each third-party analysis provider end to end against its local simulator (the decisioning API has its
 * own, longer suite: analyses.test.ts): `POST /assess` → 202 → the job polled to an assessment with the
 * provider's verdict beside ours, one unit charged and one webhook; the provider's failure or refusal →
 * the job failed with its code, nothing charged and no webhook; an analysis that never finishes →
 * `analysis_timeout` at the deadline. Each provider's own failure model too: the document API failing a
 * corrupt bank statement (the job fails) or a rental agreement that is not a PDF (it only warns), the
 * legacy provider refusing to analyse an application's data.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { simCredentials, simSource } from '../helpers/analysis-sims.ts';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import {
  adminToken,
  call,
  createPartner,
  startGateway,
  type Running,
  type TestPartner,
} from '../helpers/gateway.ts';
import { startReceiver, waitFor, type Receiver } from '../helpers/receiver.ts';
import { generatePersona } from '../../tools/personas/personas.ts';
import { SIM_NO_CREDIT_KEY, startDocumentApiSimulator } from '../../tools/simulators/document-api.ts';
import { startLegacyProviderSimulator } from '../../tools/simulators/legacy-provider.ts';
import { startValidifiSimulator } from '../../tools/simulators/validifi.ts';

const NOW = new Date(generatePersona('salaried_single_renter', 1).now);
const KEY = randomBytes(32).toString('base64');

interface Sim {
  url: string;
  stop(): Promise<void>;
}

/** An outcome of the provider's own failure model. */
interface ModelCase {
  title: string;
  /** The simulator, with the fault that makes this outcome (else the case's). */
  start?: () => Promise<Sim>;
  /** The source (else the case's). */
  source?: () => Promise<Record<string, unknown>>;
  /** The job failed with this reason, its detail matching; or completed, a warning matching. */
  outcome: { status: 'failed'; reason: string; detail: RegExp } | { status: 'completed'; warning: RegExp };
}

interface Case {
  provider: 'document_api' | 'legacy_provider' | 'validifi_insights';
  /** Starts the simulator; `never`: at the provider's real pace, its analyses never finishing (the deadline). */
  start(never: boolean): Promise<Sim>;
  /** What replaces the stored credentials' fields to make the provider refuse them. */
  broken?: Record<string, unknown>;
  /** A source the provider fails (when the credentials are not what fails). */
  failing?: () => Promise<Record<string, unknown>>;
  /** The failure code of the broken credentials or the failing source. */
  failure: string;
  model: ModelCase[];
}

/** The persona's three statements as the document API's source, the second replaced by `second`. */
async function documentSource(second: { document: string; filename: string }) {
  const source = await simSource('document_api');
  const statements = source.bank_statements as Array<{ document: string; filename: string }>;
  return { ...source, bank_statements: [statements[0], second, statements[2]] };
}

/** A file that starts as a PDF and is none: the provider's reader cannot open it. */
const CORRUPT_PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nnot a statement\n%%EOF\n');

const CASES: Case[] = [
  {
    provider: 'document_api',
    // At its real pace the provider takes 2–5 minutes: past a 10 s deadline.
    start: (never) => startDocumentApiSimulator({ timeScale: never ? 1 : 0.005 }),
    broken: { api_key: SIM_NO_CREDIT_KEY },
    failure: 'provider_out_of_credits',
    model: [
      {
        title: 'a bank statement it cannot read fails the analysis',
        source: () =>
          documentSource({ document: CORRUPT_PDF.toString('base64'), filename: 'statement-2.pdf' }),
        outcome: {
          status: 'failed',
          reason: 'analysis_failed',
          // The provider's reason for the job and for the document, with the document named.
          detail: /bank_statement_failed.*bank statement 2 \("statement-2\.pdf"\): corrupt/,
        },
      },
      {
        title: 'a rental agreement that is not a PDF only warns: the assessment goes on without it',
        source: async () => ({
          ...(await simSource('document_api')),
          supporting_documents: {
            rental_agreement: {
              document: Buffer.from('a tenancy agreement, typed').toString('base64'),
              filename: 'tenancy.txt',
            },
          },
        }),
        outcome: {
          status: 'completed',
          warning: /could not process the rental agreement.*continued without it/,
        },
      },
    ],
  },
  {
    provider: 'legacy_provider',
    start: async (never) => {
      const sim = await startLegacyProviderSimulator({ timeScale: 0.01 });
      sim.neverFinish(never);
      return sim;
    },
    broken: { password: 'wrong-pass' },
    failure: 'provider_credentials_refused',
    model: [
      {
        title: 'its refusal to analyse the uploaded data fails the analysis',
        start: async () => {
          const sim = await startLegacyProviderSimulator({ timeScale: 0.01 });
          sim.refuseNextAnalyses();
          return sim;
        },
        outcome: {
          status: 'failed',
          reason: 'analysis_failed',
          detail: /would not produce the affordability.*Insufficient transaction data to analyse/,
        },
      },
    ],
  },
  {
    provider: 'validifi_insights',
    start: async (never) => {
      const sim = await startValidifiSimulator({ timeScale: 0.02 });
      sim.neverFinish(never);
      return sim;
    },
    failing: async () => ({ ...(await simSource('validifi_insights')), account_token: 'sim-mfa' }),
    failure: 'analysis_failed',
    model: [],
  },
];

for (const c of CASES)
  onEachDatabase(`third-party analyses: ${c.provider} against its simulator`, (kind, getDb) => {
    let g: Running;
    let p: TestPartner;
    let rx: Receiver;
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
      rx = await startReceiver();
      g = await start();
    });
    after(async () => {
      await g?.stop();
      await rx?.close();
    });
    beforeEach(async function () {
      this.timeout(30_000);
      await reset(getDb());
      p = await createPartner(g.url, `${c.provider.replace(/_/g, '-')}-${++n}`, { webhook_url: rx.url });
    });

    const setCredentials = async (gw: Running, url: string, broken = false) => {
      const { provider, body } = simCredentials(c.provider, url, broken ? c.broken : {});
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
    /** The assessments the partner's webhooks were queued for (in the transaction that ends a job). */
    const webhooks = async (gw: Running) =>
      (
        (await call(gw.url, 'GET', '/api/partner/v1/webhooks/deliveries', { key: p.key })).body
          .deliveries as Array<{ assessment_id: string }>
      ).map((d) => d.assessment_id);

    it('completes: one assessment with the provider beside us, one unit, one webhook', async function () {
      this.timeout(120_000);
      const sim = await c.start(false);
      try {
        await setCredentials(g, sim.url);
        const j = await run(g, await simSource(c.provider));
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
        expect(await webhooks(g)).to.deep.equal([j.assessment_id]);
      } finally {
        await sim.stop();
      }
    });

    it(`fails with ${c.failure} when the provider refuses or fails it, and charges nothing`, async function () {
      this.timeout(120_000);
      const sim = await c.start(false);
      try {
        await setCredentials(g, sim.url, c.broken !== undefined);
        const j = await run(g, await (c.failing ?? (() => simSource(c.provider)))());
        expect(j.status, JSON.stringify(j)).to.equal('failed');
        expect(j.failures[0].reason).to.equal(c.failure);
        expect(j.failures[0].detail).to.be.a('string').and.not.include('sim-pass');
        expect(await usage(g)).to.equal(0);
        expect(await webhooks(g)).to.deep.equal([]);
      } finally {
        await sim.stop();
      }
    });

    for (const m of c.model)
      it(`its failure model: ${m.title}`, async function () {
        this.timeout(120_000);
        const sim = await (m.start ?? (() => c.start(false)))();
        try {
          await setCredentials(g, sim.url);
          const j = await run(g, await (m.source ?? (() => simSource(c.provider)))());
          const o = m.outcome;
          expect(j.status, JSON.stringify(j)).to.equal(o.status);
          if (o.status === 'failed') {
            expect(j.failures.map((f: { reason: string }) => f.reason)).to.deep.equal([o.reason]);
            expect(j.failures[0].detail).to.match(o.detail);
            expect(j.assessment_id).to.equal(null);
            expect(await usage(g)).to.equal(0);
            expect(await webhooks(g)).to.deep.equal([]);
          } else {
            expect(
              j.warnings.some((w: string) => o.warning.test(w)),
              JSON.stringify(j.warnings),
            ).to.equal(true);
            expect(await usage(g)).to.equal(1);
            expect(await webhooks(g)).to.deep.equal([j.assessment_id]);
          }
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
          const j = await run(short, await simSource(c.provider), 60_000);
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
