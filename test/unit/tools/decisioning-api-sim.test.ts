/**
 * The decisioning_api adapter end to end against the local simulator of the provider
 * (tools/simulators/decisioning-api.ts) on 127.0.0.1: submit, poll until the analysis ends, normalise,
 * the provider's webhook — with time compressed (timeScale 0.01) and every wait an event with a
 * generous deadline.
 */
import { expect } from 'chai';
import type { IncomingHttpHeaders } from 'node:http';
import {
  ProviderUnavailable,
  type AnalysisContext,
  type AnalysisRef,
  type PollStep,
} from '../../../adapters/analysis.ts';
import {
  DecisioningCredentialsSchema,
  DecisioningSourceSchema,
  clearTokenCache,
  decisioningApi,
  type DecisioningResult,
} from '../../../adapters/decisioning_api/index.ts';
import { ProviderRuntime } from '../../../adapters/runtime.ts';
import { SourceError } from '../../../adapters/source.ts';
import {
  sampleSource,
  startDecisioningSimulator,
  type DecisioningSimulator,
} from '../../../tools/simulators/decisioning-api.ts';
import { startReceiver, waitFor, type Receiver } from '../../helpers/receiver.ts';

const HOOK_SECRET = 'whsec-sim-subscription';

const runtime = (timeoutMs = 5000) =>
  new ProviderRuntime({
    timeoutMs,
    deadlineMs: 20_000,
    retries: 0,
    backoffMs: 10,
    limits: { maxConcurrent: 20, minTimeMs: 0 },
  });

describe('decisioning_api against its simulator', function () {
  this.timeout(120_000);
  let sim: DecisioningSimulator;
  let hooks: Receiver;
  let creds: Record<string, string>;
  let n = 0;

  const ctx = (over: Partial<AnalysisContext> = {}): AnalysisContext => ({
    partnerId: 'p1',
    now: new Date(),
    credentials: creds,
    runtime: runtime(),
    reference: `job-${++n}`,
    ...over,
  });

  /** Polls until the analysis is no longer pending (generous deadline). */
  const settle = (ref: AnalysisRef, c: AnalysisContext) =>
    waitFor(
      async () => {
        const step = await decisioningApi.poll(ref, c);
        return step.state === 'pending' ? undefined : step;
      },
      { timeoutMs: 30_000, intervalMs: 20, what: `analysis ${String(ref.analysis_id)} to end` },
    );
  const done = (step: PollStep<DecisioningResult>): DecisioningResult => {
    if (step.state !== 'done') throw new Error(`expected done, got ${JSON.stringify(step)}`);
    return step.result;
  };

  before(async () => {
    hooks = await startReceiver();
    sim = await startDecisioningSimulator({
      timeScale: 0.01,
      webhook: { url: hooks.url, secret: HOOK_SECRET },
    });
    creds = {
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
      base_url: sim.url,
      webhook_secret: HOOK_SECRET,
    };
  });
  after(async () => {
    await sim.stop();
    await hooks.close();
  });
  beforeEach(() => {
    clearTokenCache();
    sim.reset();
  });

  it('submitted twice for one reference, starts one analysis; polled to COMPLETED; normalised from its echo', async () => {
    const input = sampleSource('good');
    const c = ctx();
    const first = await decisioningApi.submit(input, c);
    const again = await decisioningApi.submit(input, c);
    expect(again).to.deep.equal(first);
    expect(sim.analyses().filter((a) => a.customerId === first.customer_id)).to.have.length(1);
    expect(sim.counts).to.deep.include({
      customerCreate: 2,
      customerLookup: 1,
      analysisList: 1,
      analysisCreate: 1,
    });

    const result = done(await settle(first, c));
    expect(result.analysis.status).to.equal('COMPLETED');
    const out = decisioningApi.normalise(result, input, first);
    const sent = input.transactions!;
    expect(out.transactions).to.have.length(sent.length);
    expect(out.transactions.reduce((s, t) => s + t.amount_minor, 0)).to.equal(
      sent.reduce((s, t) => s + Math.round(t.amount * 100), 0),
    );
    expect(out.transactions.map((t) => t.date)).to.deep.equal(sent.map((t) => t.date));
    expect(new Set(out.transactions.map((t) => t.account_id))).to.deep.equal(new Set(['current']));
    expect(out.third_party.mapped.score).to.deep.include({ min: 0, max: 1000, name: 'creditScore' });
    expect(out.third_party.mapped.score!.value).to.be.at.least(800);
    expect(out.third_party.mapped.indicators).to.deep.equal([]);
    expect(out.third_party.mapped.currency).to.equal('GBP');
    expect(out.third_party.mapped.monthly_income_minor).to.be.within(200_000, 260_000);
  });

  it('the "Risky" sample profile scores low with its indicators raised, the "Good" one high', async () => {
    const scored = async (profile: 'risky' | 'good') => {
      const input = sampleSource(profile);
      const c = ctx();
      const ref = await decisioningApi.submit(input, c);
      return decisioningApi.normalise(done(await settle(ref, c)), input, ref).third_party.mapped;
    };
    const risky = await scored('risky');
    const good = await scored('good');
    expect(risky.score!.value).to.be.below(300);
    expect(good.score!.value).to.be.above(risky.score!.value + 500);
    expect(risky.indicators).to.include.members(['incidents', 'overdraft']);
    expect(good.indicators).to.deep.equal([]);
    expect(risky.monthly_expenditure_minor!).to.be.above(risky.monthly_income_minor!);
  });

  it('an analysis that ends in ERROR is failed, with the provider’s reason; too little data too', async () => {
    sim.errorAnalysis(1, { code: 'ANALYSIS_FAILED', message: 'the categorisation engine failed' });
    let c = ctx();
    let ref = await decisioningApi.submit(sampleSource('good'), c);
    expect(await settle(ref, c)).to.deep.equal({
      state: 'failed',
      providerStatus: 'ERROR',
      reason:
        'The credit-decisioning API ended the analysis with an error (ANALYSIS_FAILED: the categorisation engine failed)',
    });

    const few = DecisioningSourceSchema.parse({
      type: 'decisioning_api',
      transactions: sampleSource('good').transactions!.slice(0, 5),
      accounts: [{ id: 'current', balance: 100 }],
    });
    c = ctx();
    ref = await decisioningApi.submit(few, c);
    const step = await settle(ref, c);
    expect(step.state).to.equal('failed');
    expect(step.state === 'failed' && step.reason).to.match(/NOT_ENOUGH_DATA/);
  });

  it('an analysis that never finishes stays pending (IN_PROGRESS) while a later one completes', async () => {
    sim.neverFinish(1);
    const c1 = ctx();
    const stuck = await decisioningApi.submit(sampleSource('good'), c1);
    const c2 = ctx();
    const later = await decisioningApi.submit(sampleSource('good'), c2);
    done(await settle(later, c2));
    expect(await decisioningApi.poll(stuck, c1)).to.deep.equal({
      state: 'pending',
      providerStatus: 'IN_PROGRESS',
    });
  });

  it('sends a signed webhook the adapter verifies and reads the analysis id from', async () => {
    const before = hooks.received.length;
    const c = ctx();
    const ref = await decisioningApi.submit(sampleSource('good'), c);
    await waitFor(() => hooks.received.length > before, { timeoutMs: 30_000, what: 'the webhook' });
    const got = hooks.received[before]!;
    const headers = (h: IncomingHttpHeaders) =>
      Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
    const parsed = DecisioningCredentialsSchema.parse(creds);
    expect(decisioningApi.webhook!.verify(headers(got.headers), got.body, parsed)).to.equal(ref.analysis_id);
    expect(
      decisioningApi.webhook!.verify(headers(got.headers), got.body, {
        ...parsed,
        webhook_secret: 'another',
      }),
    ).to.equal(undefined);
  });

  it('attaches to an analysis the lender started, naming its accounts by the provider’s ids', async () => {
    const c = ctx();
    const started = await decisioningApi.submit(sampleSource('risky'), c);
    const input = DecisioningSourceSchema.parse({
      type: 'decisioning_api',
      customer_id: started.customer_id,
      analysis_id: started.analysis_id,
    });
    const ref = await decisioningApi.submit(input, ctx());
    expect(ref).to.deep.equal({
      customer_id: started.customer_id,
      analysis_id: started.analysis_id,
      attached: true,
    });
    const out = decisioningApi.normalise(done(await settle(ref, c)), input, ref);
    expect(out.transactions).to.have.length(sampleSource('risky').transactions!.length);
    expect(out.transactions[0]!.account_id).to.match(/^[0-9a-f]{24}$/);
    expect(out.metadata).to.deep.include({ attached: true, transactions_from: 'provider' });
  });

  it('expired tokens are refreshed once; 429, 5xx and no answer are ProviderUnavailable; a cut body is provider_bad_response', async () => {
    const c = ctx();
    const ref = await decisioningApi.submit(sampleSource('good'), c);
    const tokens = sim.counts.token;
    sim.expireTokens();
    await decisioningApi.poll(ref, c);
    expect(sim.counts.token).to.equal(tokens + 1);

    sim.rateLimitNext(3);
    let e: unknown = await decisioningApi.poll(ref, c).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(ProviderUnavailable);
    expect((e as ProviderUnavailable).retryAfterMs).to.equal(3000);

    sim.failNext(502);
    e = await decisioningApi.poll(ref, c).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(ProviderUnavailable);
    expect((e as Error).message).to.match(/answered HTTP 502 for the analysis/);

    sim.hangNext();
    e = await decisioningApi.poll(ref, { ...c, runtime: runtime(300) }).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(ProviderUnavailable);
    expect((e as Error).message).to.match(/did not answer in time for the analysis/);

    sim.malformedNext();
    e = await decisioningApi.poll(ref, c).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(SourceError);
    expect((e as SourceError).code).to.equal('provider_bad_response');

    done(await settle(ref, c));
  });

  it('wrong client credentials are provider_credentials_refused, without the secret in the message', async () => {
    const wrong = { ...creds, client_secret: 'not-the-sim-secret-value' };
    const e = await decisioningApi
      .submit(sampleSource('good'), ctx({ credentials: wrong }))
      .catch((x: unknown) => x);
    expect(e).to.be.instanceOf(SourceError);
    expect((e as SourceError).code).to.equal('provider_credentials_refused');
    expect((e as Error).message).not.to.include('not-the-sim-secret-value');
  });
});
