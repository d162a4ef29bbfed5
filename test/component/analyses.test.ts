/**
 * Third-party analyses end to end: `POST /assess` with a `decisioning_api` source against the local
 * simulator of that API (tools/simulators/decisioning-api.ts), through the durable polling job — 202, the
 * job polled to its end, one assessment with the provider's figures beside ours, one unit charged, one
 * webhook — and what goes wrong: the provider's own failure, its 429s and 5xx, a deadline passed, missing
 * credentials, a second run of a poll, a restart mid-analysis, the provider's webhook short-cutting the wait.
 */
import { expect } from 'chai';
import { createHmac, randomBytes } from 'node:crypto';
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
import {
  sampleSource,
  startDecisioningSimulator,
  type DecisioningSimulator,
} from '../../tools/simulators/decisioning-api.ts';
import { generatePersona } from '../../tools/personas/personas.ts';
import { startValidifiSimulator, type ValidifiSimulator } from '../../tools/simulators/validifi.ts';

const NOW = new Date(generatePersona('salaried_single_renter', 1).now);
// One encryption key for every gateway of the suite: a restarted gateway reads what the first sealed.
const FAST = {
  ANALYSIS_POLL_SCALE: '0.01',
  LOG_LEVEL: 'warn',
  DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};

onEachDatabase('third-party analyses (decisioning_api)', (_kind, getDb) => {
  let g: Running;
  let sim: DecisioningSimulator;
  let p: TestPartner;
  let rx: Receiver;
  let n = 0;

  const start = async (over: Record<string, string> = {}) => {
    const r = await startGateway(getDb(), { ...FAST, ...over });
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
    sim = await startDecisioningSimulator({ timeScale: 0.01 });
    rx = await startReceiver();
    p = await createPartner(g.url, `tp-${++n}`, { webhook_url: rx.url });
    await storeCredentials(g.url, p.id, sim.url);
  });
  afterEach(async () => {
    await rx.close();
    await sim.stop();
  });

  /** Runs `fn` with a gateway of its own configuration as the only one on the database (no other polls its jobs). */
  const alone = async (over: Record<string, string>, fn: (gw: Running) => Promise<void>) => {
    await g.stop();
    const other = await start(over);
    try {
      await fn(other);
    } finally {
      await other.stop();
      g = await start();
    }
  };

  const assess = (gw: Running, source: unknown, headers: Record<string, string> = {}) =>
    call(gw.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { customer_ref: 'cust-tp', partner_ref: 'loan-tp', source },
      headers,
    });
  const job = async (gw: Running, id: string) =>
    (await call(gw.url, 'GET', `/api/partner/v1/jobs/${id}`, { key: p.key })).body;
  const ended = (gw: Running, id: string, timeoutMs = 60_000) =>
    waitFor(
      async () => {
        const j = await job(gw, id);
        return j.status !== 'processing' && j;
      },
      { timeoutMs, intervalMs: 50, what: `job ${id} to end` },
    );
  /** The assessments of the partner's webhook deliveries (one per completed job: written with it). */
  const deliveries = async (gw: Running) =>
    (
      (await call(gw.url, 'GET', '/api/partner/v1/webhooks/deliveries', { key: p.key })).body
        .deliveries as Array<{
        assessment_id: string;
      }>
    ).map((d) => d.assessment_id);
  const usage = async (gw: Running = g) =>
    (await call(gw.url, 'GET', '/api/partner/v1/usage', { key: p.key })).body.current_usage as number;

  it('answers 202 with a job, polls the analysis to its end and stores one assessment with the provider beside us', async function () {
    this.timeout(90_000);
    const r = await assess(g, sampleSource('good', 1, NOW));
    expect(r.status, r.text).to.equal(202);
    expect(r.body).to.include({ status: 'processing', provider: 'decisioning_api' });
    expect(r.body.poll_url).to.equal(`/api/partner/v1/jobs/${r.body.job_id}`);
    expect(await usage(), 'the unit is reserved at submission').to.equal(1);

    const j = await ended(g, r.body.job_id);
    expect(j, JSON.stringify(j)).to.include({
      status: 'completed',
      kind: 'analysis',
      provider: 'decisioning_api',
    });
    expect(j.provider_status).to.equal('COMPLETED');
    const a = await call(g.url, 'GET', `/api/partner/v1/assessment/${j.assessment_id}`, { key: p.key });
    expect(a.status).to.equal(200);
    expect(a.body.monthly_income).to.be.greaterThan(1000);
    expect(a.body.third_party).to.include({ provider: 'decisioning_api' });
    expect(a.body.third_party.figures.score.max).to.equal(1000);
    expect(a.body.third_party.figures.score.value).to.be.greaterThan(600); // "Good" scores high at the provider
    const ev = (
      await call(g.url, 'GET', `/api/partner/v1/assessment/${j.assessment_id}/evidence`, { key: p.key })
    ).body;
    expect(ev.source.type).to.equal('decisioning_api');
    expect(ev.source.third_party.analysis_id).to.equal(a.body.third_party.analysis_id);
    expect(ev.third_party_comparison.rule).to.equal('third_party.disagreement');
    expect(ev.third_party_comparison.figures.map((f: { figure: string }) => f.figure)).to.include(
      'monthly_income',
    );

    const [hook] = await rx.waitFor(1);
    expect(hook!.body.toString()).to.equal(a.text);
    expect(await usage(), 'one unit, charged once').to.equal(1);
    expect(sim.counts.analysisCreate).to.equal(1);
    // One webhook chain: its delivery is written with the assessment, so a second would already be listed.
    expect(await deliveries(g)).to.deep.equal([j.assessment_id]);
    expect(rx.received).to.have.length(1);
  });

  it("carries the request's proposed_credit through the analysis to the assessment and its evidence", async function () {
    this.timeout(90_000);
    const r = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: {
        customer_ref: 'cust-tp',
        source: sampleSource('good', 1, NOW),
        proposed_credit: { amount: 3000, term_months: 36, apr: 12.9 },
      },
    });
    expect(r.status, r.text).to.equal(202);
    const j = await ended(g, r.body.job_id);
    expect(j.status, JSON.stringify(j)).to.equal('completed');
    const a = await call(g.url, 'GET', `/api/partner/v1/assessment/${j.assessment_id}`, { key: p.key });
    expect(a.body.proposed_credit).to.include({ amount: 3000, term_months: 36, apr: 12.9 });
    const ev = (
      await call(g.url, 'GET', `/api/partner/v1/assessment/${j.assessment_id}/evidence`, { key: p.key })
    ).body;
    expect(ev.proposed_credit.monthly_repayment).to.equal(a.body.proposed_credit.monthly_repayment);
    expect(ev.proposed_credit.scenarios).to.have.length(5);
  });

  it('gives the unit back when the provider ends the analysis in ERROR, and sends no webhook', async function () {
    this.timeout(60_000);
    sim.errorAnalysis(1, { code: 'NOT_ENOUGH_DATA', message: 'not enough transactions' });
    const r = await assess(g, sampleSource('good', 1, NOW));
    expect(r.status, r.text).to.equal(202);
    const j = await ended(g, r.body.job_id);
    expect(j.status).to.equal('failed');
    expect(j.failures[0]).to.include({ reason: 'analysis_failed' });
    expect(j.failures[0].detail).to.match(/nothing was charged/);
    expect(await usage()).to.equal(0);
    expect(rx.received).to.have.length(0);
  });

  it("rides out the provider's 429s (Retry-After) and 5xx, and completes once", async function () {
    this.timeout(60_000);
    sim.rateLimitNext(1, 3);
    const r = await assess(g, sampleSource('good', 1, NOW));
    expect(r.status, r.text).to.equal(202);
    await waitFor(() => sim.counts.token + sim.counts.customerCreate > 0, { what: 'the first call' });
    sim.failNext(503, 2);
    const j = await ended(g, r.body.job_id);
    expect(j.status, JSON.stringify(j)).to.equal('completed');
    expect(sim.counts.analysisCreate).to.equal(1);
    expect(await usage()).to.equal(1);
  });

  it('polls again after malformed answers (a retryable refusal), without starting a second analysis', async function () {
    this.timeout(60_000);
    const r = await assess(g, sampleSource('good', 1, NOW));
    expect(r.status, r.text).to.equal(202);
    await waitFor(() => sim.counts.token + sim.counts.customerCreate > 0, { what: 'the first call' });
    sim.malformedNext(3);
    const j = await ended(g, r.body.job_id);
    expect(j.status, JSON.stringify(j)).to.equal('completed');
    expect(sim.counts.analysisCreate, 'one analysis at the provider').to.equal(1);
    expect(await usage()).to.equal(1);
    expect(await deliveries(g)).to.deep.equal([j.assessment_id]);
  });

  it('fails with provider_bad_response at no charge when the answers stay malformed', async function () {
    this.timeout(90_000);
    const r = await assess(g, sampleSource('good', 1, NOW));
    expect(r.status, r.text).to.equal(202);
    await waitFor(async () => (await job(g, r.body.job_id)).provider_status !== null, {
      timeoutMs: 30_000,
      what: 'the analysis submitted',
    });
    sim.malformedNext(1_000);
    const j = await ended(g, r.body.job_id);
    expect(j.status, JSON.stringify(j)).to.equal('failed');
    expect(j.failures[0]).to.include({ reason: 'provider_bad_response' });
    expect(await usage()).to.equal(0);
    expect(rx.received).to.have.length(0);
  });

  it('refuses with 422 and charges nothing when the partner has no credentials for the provider', async () => {
    const other = await createPartner(g.url, `tp-nocred-${n}`);
    const r = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: other.key,
      body: { customer_ref: 'c', source: sampleSource('good', 1, NOW) },
    });
    expect(r.status).to.equal(422);
    expect(r.body.code).to.equal('provider_not_configured');
    expect(r.body.detail).to.match(/providers\/decisioning_api/);
  });

  it('replays the 202 for the same Idempotency-Key and body: one job, one analysis', async function () {
    this.timeout(60_000);
    const source = sampleSource('good', 1, NOW);
    const headers = { 'idempotency-key': `tp-idem-${n}` };
    const first = await assess(g, source, headers);
    const again = await assess(g, source, headers);
    expect(first.status).to.equal(202);
    expect(again.status).to.equal(202);
    expect(again.text).to.equal(first.text);
    expect(again.headers.get('idempotent-replayed')).to.equal('true');
    await ended(g, first.body.job_id);
    expect(sim.counts.analysisCreate).to.equal(1);
    expect(await usage()).to.equal(1);
  });

  it('keeps one chain however often a poll runs again (a retry, a replica, a restart)', async function () {
    this.timeout(60_000);
    // A gateway that waits minutes between polls, so that only this test moves the job.
    await alone({ ANALYSIS_POLL_SCALE: '20' }, async (patient) => {
      sim.neverFinish(1);
      const r = await assess(patient, sampleSource('good', 1, NOW));
      const id: string = r.body.job_id;
      const polls = async (jobId = id) =>
        (await getDb().query<{ polls: number }>('select polls from document_jobs where id = $1', [jobId]))
          .rows[0]!.polls;
      // Submitted and moved to poll 1 (the submission is recorded, then the next poll scheduled: wait for both).
      await waitFor(
        async () => (await job(patient, id)).provider_status === 'submitted' && (await polls()) === 1,
        {
          what: 'the submission',
        },
      );
      // Ten runs of poll 1 at once: every one asks the provider, one moves the job on, the rest find it moved.
      await Promise.all(Array.from({ length: 10 }, () => patient.gw.analyses.poll(id, 1)));
      const after = await job(patient, id);
      expect(after.status, JSON.stringify(after)).to.equal('processing');
      expect(await polls()).to.equal(2);
      const queued = await getDb().query<{ n: number }>(
        `select count(*)::int as n from pgboss.job where name = 'analysis-poll' and data->>'job_id' = $1 and (data->>'poll')::int = 2`,
        [id],
      );
      expect(queued.rows[0]!.n, 'one poll 2 queued').to.equal(1);
      // A late run of an older poll changes nothing.
      await patient.gw.analyses.poll(id, 1);
      await patient.gw.analyses.poll(id, 0);
      expect(await polls()).to.equal(2);
      expect(sim.counts.analysisCreate).to.equal(1);

      // Ten runs of the poll that finds the analysis done: one assessment, one webhook, one unit.
      const r2 = await assess(patient, sampleSource('good', 2, NOW));
      const id2: string = r2.body.job_id;
      await waitFor(
        async () => (await job(patient, id2)).provider_status === 'submitted' && (await polls(id2)) === 1,
        {
          what: 'the second submission',
        },
      );
      await waitFor(() => sim.analyses().some((a) => a.status === 'COMPLETED'), {
        what: 'the provider to finish the second analysis',
      });
      await Promise.all(Array.from({ length: 10 }, () => patient.gw.analyses.poll(id2, 1)));
      const done = await job(patient, id2);
      expect(done.status).to.equal('completed');
      const stored = await getDb().query<{ n: number }>(
        `select count(*)::int as n from assessments where source = 'decisioning_api'`,
      );
      expect(stored.rows[0]!.n).to.equal(1);
      await rx.waitFor(1);
      expect(await deliveries(patient)).to.deep.equal([done.assessment_id]);
      expect(rx.received).to.have.length(1);
      expect(await usage(patient), 'the second job completed, the first still holds its unit').to.equal(2);
    });
  });

  it('fails at no charge when the analysis passes its deadline', async function () {
    this.timeout(90_000);
    await alone({ ANALYSIS_DEADLINES: 'decisioning_api=10' }, async (short) => {
      sim.neverFinish(1);
      const r = await assess(short, sampleSource('good', 1, NOW));
      expect(r.status).to.equal(202);
      const j = await ended(short, r.body.job_id, 60_000);
      expect(j.status).to.equal('failed');
      expect(j.failures[0].reason).to.equal('analysis_timeout');
      expect(j.failures[0].detail).to.match(/within 10 s \(last status: IN_PROGRESS\)/);
      expect(await usage(short)).to.equal(0);
    });
  });

  it('completes once after the gateway stops mid-analysis and starts again on the same database', async function () {
    this.timeout(120_000);
    const slow = await startDecisioningSimulator({
      timeScale: 1,
      latencyMs: 20,
      startAfterMs: 200,
      completeAfterMs: 8_000,
    });
    await storeCredentials(g.url, p.id, slow.url);
    await g.stop(); // the only gateways on the database are the two below
    try {
      const first = await start();
      const r = await assess(first, sampleSource('good', 1, NOW));
      const id: string = r.body.job_id;
      await waitFor(async () => (await job(first, id)).provider_status === 'IN_PROGRESS', {
        what: 'the analysis to be in progress',
      });
      await first.stop();
      const second = await start();
      try {
        const j = await ended(second, id);
        expect(j.status, JSON.stringify(j)).to.equal('completed');
        expect(slow.counts.analysisCreate).to.equal(1);
        expect(await usage(second)).to.equal(1);
        await rx.waitFor(1);
        expect(await deliveries(second)).to.deep.equal([j.assessment_id]);
        expect(rx.received).to.have.length(1);
      } finally {
        await second.stop();
      }
    } finally {
      await slow.stop();
      g = await start();
    }
  });

  it("polls at once on the provider's signed webhook, and refuses an unsigned one", async function () {
    this.timeout(60_000);
    const slow = await startDecisioningSimulator({
      timeScale: 1,
      latencyMs: 20,
      startAfterMs: 100,
      completeAfterMs: 500,
    });
    await storeCredentials(g.url, p.id, slow.url, 'whsec-test');
    // A gateway that would wait minutes between polls: only the webhook can make it look sooner.
    await alone({ ANALYSIS_POLL_SCALE: '20' }, async (patient) => {
      slow.setWebhook(`${patient.url}/hooks/analyses/decisioning_api/${p.id}`, 'whsec-test');
      const r = await assess(patient, sampleSource('good', 1, NOW));
      const j = await ended(patient, r.body.job_id, 30_000);
      expect(j.status).to.equal('completed');
      expect(slow.deliveries.map((d) => d.status)).to.deep.equal([204]);

      const body = JSON.stringify({ eventName: 'analysis_completed', payload: { analysisId: 'x' } });
      const forged = await fetch(`${patient.url}/hooks/analyses/decisioning_api/${p.id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature': `sha256=${createHmac('sha256', 'wrong').update('{}').digest('hex')}`,
        },
        body,
      });
      expect(forged.status).to.equal(401);
      expect(((await forged.json()) as { detail: string }).detail).to.equal('Signature not valid');
    }).finally(() => slow.stop());
  });
});

onEachDatabase('third-party analyses (validifi_insights with AffordAI)', (_kind, getDb) => {
  let g: Running;
  let sim: ValidifiSimulator;
  let p: TestPartner;
  let n = 0;
  before(async function () {
    this.timeout(60_000);
    g = await startGateway(getDb(), FAST);
    g.clock.now = NOW;
  });
  after(async () => g?.stop());
  beforeEach(async function () {
    this.timeout(30_000);
    await reset(getDb());
    sim = await startValidifiSimulator({ timeScale: 0.02 });
    p = await createPartner(g.url, `vi-${++n}`);
    const r = await call(g.url, 'PUT', `/api/admin/partners/${p.id}/providers/validifi`, {
      token: await adminToken(),
      body: {
        client_id: sim.clientId,
        client_secret: sim.clientSecret,
        environment: 'custom',
        base_url: sim.url,
      },
    });
    expect(r.status, r.text).to.equal(200);
  });
  afterEach(async () => sim.stop());

  it('runs BankLOGIN+ on the account token, assesses its CONNECT history, and serves the AffordAI PDF to its partner only', async function () {
    this.timeout(90_000);
    const r = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: {
        customer_ref: 'cust-vi',
        source: {
          type: 'validifi_insights',
          product: 'BankLOGIN+',
          account_token: 'sim-couple_two_children_mortgage-1',
          affordai: true,
        },
      },
    });
    expect(r.status, r.text).to.equal(202);
    const j = await waitFor(
      async () => {
        const v = (await call(g.url, 'GET', r.body.poll_url, { key: p.key })).body;
        return v.status !== 'processing' && v;
      },
      { timeoutMs: 60_000, intervalMs: 50, what: 'the insights job to end' },
    );
    expect(j.status, JSON.stringify(j)).to.equal('completed');
    const a = await call(g.url, 'GET', `/api/partner/v1/assessment/${j.assessment_id}`, { key: p.key });
    expect(a.body.third_party).to.include({
      provider: 'validifi_insights',
      product: 'BankLOGIN+ + AffordAI',
    });
    expect(a.body.transactions_analyzed, 'our figures come from the CONNECT history').to.be.greaterThan(100);
    const ev = (
      await call(g.url, 'GET', `/api/partner/v1/assessment/${j.assessment_id}/evidence`, { key: p.key })
    ).body;
    expect(ev.source.metadata.transactions_from.source).to.equal('validifi');
    expect(JSON.stringify(ev)).not.to.include('sim-couple_two_children_mortgage-1');

    const pdf = await fetch(
      `${g.url}/api/partner/v1/assessment/${j.assessment_id}/documents/affordai-report.pdf`,
      {
        headers: { 'x-partner-key': p.key },
      },
    );
    expect(pdf.status).to.equal(200);
    expect(pdf.headers.get('content-type')).to.equal('application/pdf');
    expect(pdf.headers.get('etag')).to.match(/^"[0-9a-f]{64}"$/);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).to.equal('%PDF-');
    const other = await createPartner(g.url, `vi-other-${n}`);
    const theirs = await call(
      g.url,
      'GET',
      `/api/partner/v1/assessment/${j.assessment_id}/documents/affordai-report.pdf`,
      { key: other.key },
    );
    expect(theirs.status).to.equal(404);
    const missing = await call(
      g.url,
      'GET',
      `/api/partner/v1/assessment/${j.assessment_id}/documents/nothing.pdf`,
      {
        key: p.key,
      },
    );
    expect(missing.status).to.equal(404);
  });
});

async function storeCredentials(base: string, partner: string, simUrl: string, webhookSecret?: string) {
  const r = await call(base, 'PUT', `/api/admin/partners/${partner}/providers/decisioning_api`, {
    token: await adminToken(),
    body: {
      client_id: 'sim-client',
      client_secret: 'sim-secret',
      base_url: simUrl,
      ...(webhookSecret ? { webhook_secret: webhookSecret } : {}),
    },
  });
  if (r.status !== 200) throw new Error(`credentials: ${r.status} ${r.text}`);
  expect(r.text).not.to.include('sim-secret');
}
