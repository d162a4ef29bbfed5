/**
 * The legacy_provider analysis adapter against the local simulator of the provider
 * (tools/simulators/legacy-provider.ts), with a persona's transactions as the customer's data: the whole
 * flow (token, application, BYOD upload, the analysis' statuses, the five results), a submission run twice,
 * attaching, and each fault the simulator injects.
 */
import { expect } from 'chai';
import { ProviderUnavailable } from '../../../adapters/analysis.ts';
import {
  LegacyProviderSourceSchema,
  clearLegacyTokenCache,
  legacyProvider,
  type LegacyResult,
} from '../../../adapters/legacy_provider/index.ts';
import { SourceError } from '../../../adapters/source.ts';
import { generatePersona } from '../../../tools/personas/personas.ts';
import {
  personaSource,
  startLegacyProviderSimulator,
  type LegacySimulator,
} from '../../../tools/simulators/legacy-provider.ts';
import { analysisContext, analysisRuntime, pollUntilSettled } from '../../helpers/analysis.ts';

describe('legacy_provider against its simulator', function () {
  this.timeout(60_000);
  let sim: LegacySimulator;
  const creds = () => ({ base_url: sim.url, username: sim.username, password: sim.password });
  const ctx = (over: Parameters<typeof analysisContext>[1] = {}) => analysisContext(creds(), over);
  const input = (over: Record<string, unknown> = {}) =>
    LegacyProviderSourceSchema.parse({
      type: 'legacy_provider',
      ...personaSource('problem_gambler', 1),
      redirect_url: 'https://lender.example/done',
      ...over,
    });

  before(async () => {
    sim = await startLegacyProviderSimulator({ timeScale: 0.005 });
  });
  after(() => sim.stop());
  beforeEach(() => {
    sim.reset();
    clearLegacyTokenCache();
  });

  it('submits a persona, waits through the processing statuses, and maps the labelled transactions and figures', async () => {
    const persona = generatePersona('problem_gambler', 1);
    const c = ctx({ reference: 'job-gambler' });
    sim.neverFinish(); // held in processing until the first look
    const ref = await legacyProvider.submit(input(), c);
    expect(sim.counts).to.include({ token: 1, create: 1, byod: 1 });
    const first = await legacyProvider.poll(ref, c);
    expect(first).to.deep.include({
      state: 'pending',
      providerStatus: 'the affordability: not ready (HTTP 202)',
    });
    sim.neverFinish(false);
    const { last } = await pollUntilSettled<LegacyResult>(legacyProvider, ref, c);
    expect(last.state).to.equal('done');
    if (last.state !== 'done') return;
    const out = legacyProvider.normalise(last.result, input(), ref);
    expect(out.transactions).to.have.length(persona.transactions.length);
    expect(new Set(out.transactions.map((t) => t.currency))).to.deep.equal(new Set(['ZAR']));
    expect(new Set(out.transactions.map((t) => t.source))).to.deep.equal(new Set(['legacy_provider']));
    // The amounts come back as they went (the provider's sign both ways): the same total as the persona's.
    const total = persona.transactions.reduce((s, t) => s + Math.round(t.amount * 100), 0);
    expect(out.transactions.reduce((s, t) => s + t.amount_minor, 0)).to.equal(total);
    // The provider's labels became category hints (its gambling spend, at least).
    expect(out.transactions.some((t) => t.category_hint?.startsWith('ENTERTAINMENT'))).to.equal(true);
    expect(out.third_party).to.include({
      provider: 'legacy_provider',
      product: 'affordability',
      analysis_id: ref.application_id,
    });
    expect(out.third_party.mapped.currency).to.equal('ZAR');
    expect(out.third_party.mapped.indicators).to.include('gambling');
    // The provider's income is the persona's wages, within what a keyword labeller and full months allow.
    const income = out.third_party.mapped.monthly_income_minor ?? 0;
    expect(income).to.be.within(
      persona.truth.monthly_income * 100 * 0.7,
      persona.truth.monthly_income * 100 * 1.3,
    );
    expect(out.warnings.join(' ')).not.to.match(/uploaded/);
  });

  it('submitting twice for one reference finds the first application and uploads once', async () => {
    const c = ctx({ reference: 'job-twice' });
    const a = await legacyProvider.submit(input(), c);
    const b = await legacyProvider.submit(input(), c);
    expect(b.application_id).to.equal(a.application_id);
    expect(sim.counts.create).to.equal(1);
    expect(sim.counts.byod).to.equal(1);
    expect(sim.counts.statements, 'the second run checked for uploaded data').to.equal(1);
    const other = await legacyProvider.submit(input(), ctx({ reference: 'job-other' }));
    expect(other.application_id).not.to.equal(a.application_id);
  });

  it('attaches to an existing application without creating or uploading', async () => {
    const first = await legacyProvider.submit(input(), ctx({ reference: 'job-attach-1' }));
    sim.reset();
    const attachInput = LegacyProviderSourceSchema.parse({
      type: 'legacy_provider',
      application_id: first.application_id,
    });
    const ref = await legacyProvider.submit(attachInput, ctx({ reference: 'job-attach-2' }));
    expect(ref).to.include({ application_id: first.application_id, attached: true });
    expect(sim.counts).to.include({ create: 0, byod: 0, get: 1 });
    const { last } = await pollUntilSettled<LegacyResult>(legacyProvider, ref, ctx());
    expect(last.state).to.equal('done');
    const e = await legacyProvider
      .submit(LegacyProviderSourceSchema.parse({ type: 'legacy_provider', application_id: 'nope' }), ctx())
      .then(
        () => undefined,
        (x: unknown) => x,
      );
    expect(e).to.be.instanceOf(SourceError);
    expect(e).to.include({ status: 400, code: 'invalid_source' });
  });

  it('uses an API key as the bearer token, with no token request', async () => {
    const c = analysisContext({ base_url: sim.url, api_key: sim.apiKey }, { reference: 'job-key' });
    const ref = await legacyProvider.submit(input(), c);
    expect(sim.counts.token).to.equal(0);
    expect(ref.application_id).to.be.a('string');
  });

  it('refused credentials: a SourceError that names neither the password nor the token', async () => {
    const c = analysisContext({ base_url: sim.url, username: sim.username, password: 'wrong-Pa55word' });
    const e = await legacyProvider.submit(input(), c).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).to.be.instanceOf(SourceError);
    expect(e).to.include({ code: 'provider_credentials_refused' });
    expect((e as Error).message).not.to.include('wrong-Pa55word');
  });

  it('a 429 with Retry-After and a 503 are ProviderUnavailable; a hung request times out as one', async () => {
    const c = ctx({ reference: 'job-faults', runtime: analysisRuntime({ timeoutMs: 300 }) });
    const ref = await legacyProvider.submit(input(), c);
    sim.rateLimitNext(7);
    const limited = await legacyProvider.poll(ref, c).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(limited).to.be.instanceOf(ProviderUnavailable);
    expect(limited).to.include({ retryAfterMs: 7000 });
    sim.failNext(503);
    expect(
      await legacyProvider.poll(ref, c).then(
        () => undefined,
        (x: unknown) => x,
      ),
    ).to.be.instanceOf(ProviderUnavailable);
    sim.hangNext();
    const hung = await legacyProvider.poll(ref, c).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(hung).to.be.instanceOf(ProviderUnavailable);
    expect((hung as Error).message).to.match(/did not answer in time/);
    const { last } = await pollUntilSettled<LegacyResult>(legacyProvider, ref, c);
    expect(last.state, 'after the faults the analysis still completes').to.equal('done');
  });

  it('an analysis that never finishes stays pending, with the provider Retry-After', async () => {
    sim.neverFinish();
    const c = ctx({ reference: 'job-never' });
    const ref = await legacyProvider.submit(input(), c);
    for (let i = 0; i < 3; i++) {
      const step = await legacyProvider.poll(ref, c);
      expect(step.state).to.equal('pending');
      if (step.state === 'pending') expect(step.retryAfterMs).to.be.a('number').and.to.be.greaterThan(0);
    }
  });

  it('a malformed result is provider_bad_response; a refused analysis is failed, in the provider words', async () => {
    const c = ctx({ reference: 'job-malformed' });
    const ref = await legacyProvider.submit(input(), c);
    await pollUntilSettled<LegacyResult>(legacyProvider, ref, c);
    sim.malformedNext();
    const e = await legacyProvider.poll(ref, c).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).to.be.instanceOf(SourceError);
    expect(e).to.include({ status: 502, code: 'provider_bad_response' });
    sim.refuseAnalysis(String(ref.application_id));
    const step = await legacyProvider.poll(ref, c);
    expect(step.state).to.equal('failed');
    if (step.state === 'failed') expect(step.reason).to.include('Insufficient transaction data');
  });
});
