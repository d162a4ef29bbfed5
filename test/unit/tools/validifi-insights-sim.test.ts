/**
 * The validifi_insights analysis adapter against the local ValidiFI simulator (tools/simulators/validifi.ts)
 * with a persona's CONNECT account: BankLOGIN+ and its AffordAI report through the report's states to a
 * real PDF, BankQUALIFY, the page's `simulate` option and error codes, submitting twice, attaching, and
 * the simulator's faults.
 */
import { expect } from 'chai';
import { ProviderUnavailable } from '../../../adapters/analysis.ts';
import { SourceError } from '../../../adapters/source.ts';
import {
  ValidifiInsightsSourceSchema,
  clearInsightsTokenCache,
  validifiInsights,
  type InsightsAnalysis,
  type ValidifiInsightsInput,
} from '../../../adapters/validifi_insights/index.ts';
import type { AnalysisContext, AnalysisRef } from '../../../adapters/analysis.ts';
import { generatePersona } from '../../../tools/personas/personas.ts';
import { startValidifiSimulator, type ValidifiSimulator } from '../../../tools/simulators/validifi.ts';
import { analysisContext, pollUntilSettled } from '../../helpers/analysis.ts';

const ACCOUNT = 'sim-couple_two_children_mortgage-1';

/** Submits, trying again while the provider says to (ProviderUnavailable), within a generous deadline. */
async function submitUntilAccepted(input: ValidifiInsightsInput, ctx: AnalysisContext): Promise<AnalysisRef> {
  const started = Date.now();
  for (;;) {
    try {
      return await validifiInsights.submit(input, ctx);
    } catch (e) {
      if (!(e instanceof ProviderUnavailable) || Date.now() - started > 30_000) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );

describe('validifi_insights against the ValidiFI simulator', function () {
  this.timeout(60_000);
  let sim: ValidifiSimulator;
  const ctx = (over: Parameters<typeof analysisContext>[1] = {}) =>
    analysisContext({ client_id: sim.clientId, client_secret: sim.clientSecret, base_url: sim.url }, over);
  const blp = (over: Record<string, unknown> = {}) =>
    ValidifiInsightsSourceSchema.parse({
      type: 'validifi_insights',
      product: 'BankLOGIN+',
      account_token: ACCOUNT,
      affordai: true,
      ...over,
    });

  before(async () => {
    sim = await startValidifiSimulator({ timeScale: 0.02 });
  });
  after(() => sim.stop());
  beforeEach(() => {
    sim.reset();
    clearInsightsTokenCache();
  });

  it('BankLOGIN+ and AffordAI: inquiry, report rendering, done, a real PDF, and the persona figures', async () => {
    const c = ctx({ reference: 'job-blp' });
    sim.holdReports();
    const ref = await submitUntilAccepted(blp(), c);
    expect(ref).to.include({ product_id: 3, attached: false });
    expect(ref.report_id).to.be.a('string');
    expect(await validifiInsights.poll(ref, c)).to.deep.include({
      state: 'pending',
      providerStatus: 'AffordAI report rendering (HTTP 202)',
    });
    sim.holdReports(false);
    const { last } = await pollUntilSettled<InsightsAnalysis>(validifiInsights, ref, c);
    expect(last).to.deep.include({ state: 'done', providerStatus: 'AffordAI statusCode 1 (Success)' });
    if (last.state !== 'done') return;
    const docs = (await validifiInsights.collect?.(ref, last.result, c)) ?? [];
    expect(docs).to.have.length(1);
    const pdf = Buffer.from(docs[0]?.bytes ?? []);
    expect(pdf.subarray(0, 5).toString('latin1')).to.equal('%PDF-');
    expect(pdf.subarray(-8).toString('latin1')).to.include('%%EOF');
    const out = validifiInsights.normalise(last.result, blp(), ref);
    expect(out.third_party.product).to.equal('BankLOGIN+ + AffordAI');
    expect(out.third_party.mapped.currency).to.equal('GBP');
    // The provider's income is what the persona's account received: at least its wages.
    const persona = generatePersona('couple_two_children_mortgage', 1);
    expect(out.third_party.mapped.monthly_income_minor ?? 0).to.be.at.least(
      persona.truth.monthly_income * 100 * 0.9,
    );
    expect(out.third_party.mapped.score?.max).to.equal(999);
    expect(out.third_party.mapped.risk_level).to.be.oneOf(['low', 'medium', 'high']);
    // The submission tried again while the inquiry analysed: one inquiry, one report.
    expect(sim.created).to.deep.equal({ inquiries: 1, reports: 1 });
  });

  it('submitting twice for one reference finds the same inquiry', async () => {
    const input = blp({ affordai: false });
    const a = await submitUntilAccepted(input, ctx({ reference: 'job-twice' }));
    const b = await submitUntilAccepted(input, ctx({ reference: 'job-twice' }));
    expect(b.inquiry_id).to.equal(a.inquiry_id);
    const other = await submitUntilAccepted(input, ctx({ reference: 'job-else' }));
    expect(other.inquiry_id).not.to.equal(a.inquiry_id);
    expect(sim.created).to.deep.equal({ inquiries: 2, reports: 0 });
  });

  it('BankQUALIFY answers at once; the account holder name decides ownership', async () => {
    const input = (lastName: string) =>
      ValidifiInsightsSourceSchema.parse({
        type: 'validifi_insights',
        product: 'BankQUALIFY',
        account_token: ACCOUNT,
        offer_amount: 6000,
        payment_amount: 500,
        terms: 'monthly_oblig',
        consumer: { first_name: 'Sam', last_name: lastName },
      });
    const c = ctx({ reference: 'job-bq' });
    const ref = await validifiInsights.submit(input('couple_two_children_mortgage'), c);
    const step = await validifiInsights.poll(ref, c);
    expect(step.state).to.equal('done');
    if (step.state !== 'done') return;
    expect(
      validifiInsights.normalise(step.result, input('x'), ref).third_party.mapped.indicators ?? [],
    ).not.to.include('account_ownership_no_match');
    const c2 = ctx({ reference: 'job-bq-2' });
    const ref2 = await validifiInsights.submit(input('Somebody'), c2);
    const step2 = await validifiInsights.poll(ref2, c2);
    if (step2.state !== 'done') throw new Error(step2.state);
    expect(
      validifiInsights.normalise(step2.result, input('Somebody'), ref2).third_party.mapped.indicators,
    ).to.include('account_ownership_no_match');
  });

  it('simulate: 0 is a success without a file; a request-format code is refused; a dependency code is retried', async () => {
    const c = ctx({ reference: 'job-sim' });
    const ref = await submitUntilAccepted(blp({ affordai_simulate: 0 }), c);
    expect(ref.simulated).to.equal(true);
    const { last } = await pollUntilSettled<InsightsAnalysis>(validifiInsights, ref, c);
    expect(last.state).to.equal('done');
    if (last.state !== 'done') return;
    expect(await validifiInsights.collect?.(ref, last.result, c)).to.deep.equal([]);
    expect(validifiInsights.normalise(last.result, blp(), ref).warnings.join(' ')).to.include('simulated');
    const refused = await failure(validifiInsights.submit(blp({ affordai_simulate: 13 }), c));
    expect(refused).to.be.instanceOf(SourceError);
    expect(refused).to.include({ code: 'provider_request_refused' });
    expect((refused as Error).message).to.include('errorCode 13: Fatal: Could not parse this blpInquiryId');
    const later = await failure(validifiInsights.submit(blp({ affordai_simulate: 9 }), c));
    expect(later).to.be.instanceOf(ProviderUnavailable);
    expect((later as Error).message).to.include('statusCode 4');
  });

  it('a report that fails while rendering is failed, with its error code', async () => {
    sim.failReportNext(11);
    const c = ctx({ reference: 'job-fail' });
    const ref = await submitUntilAccepted(blp(), c);
    const { last } = await pollUntilSettled<InsightsAnalysis>(validifiInsights, ref, c);
    expect(last.state).to.equal('failed');
    if (last.state === 'failed') {
      expect(last.providerStatus).to.equal('AffordAI statusCode 4 (Fatal error from dependency)');
      expect(last.reason).to.include('errorCode 11');
    }
  });

  it('an account that needs MFA fails BankLOGIN+ (statusCode 4)', async () => {
    const c = ctx({ reference: 'job-mfa' });
    const ref = await submitUntilAccepted(blp({ account_token: 'sim-mfa', affordai: false }), c);
    const { last } = await pollUntilSettled<InsightsAnalysis>(validifiInsights, ref, c);
    expect(last.state).to.equal('failed');
    if (last.state === 'failed') expect(last.reason).to.include('relaunch CONNECT');
  });

  it('attaches to a report by its id, and fetches its PDF', async () => {
    const first = await submitUntilAccepted(blp(), ctx({ reference: 'job-a' }));
    const input = ValidifiInsightsSourceSchema.parse({
      type: 'validifi_insights',
      report_id: first.report_id,
    });
    const c = ctx({ reference: 'job-b' });
    const ref = await validifiInsights.submit(input, c);
    expect(ref).to.include({ report_id: first.report_id, attached: true });
    const { last } = await pollUntilSettled<InsightsAnalysis>(validifiInsights, ref, c);
    if (last.state !== 'done') throw new Error(last.state);
    const docs = (await validifiInsights.collect?.(ref, last.result, c)) ?? [];
    expect(docs[0]?.name).to.equal('affordai-report.pdf');
    expect(validifiInsights.normalise(last.result, input, ref).warnings.join(' ')).to.include(
      'without its BankLOGIN+ inquiry',
    );
  });

  it('faults: never finishing stays pending; 429 with Retry-After and 503 are ProviderUnavailable; malformed is validifi_bad_response', async () => {
    const c = ctx({ reference: 'job-faults' });
    const ref = await submitUntilAccepted(blp(), c);
    sim.neverFinish();
    for (let i = 0; i < 3; i++) expect((await validifiInsights.poll(ref, c)).state).to.equal('pending');
    sim.neverFinish(false);
    sim.rateLimitNext(3);
    expect(await failure(validifiInsights.poll(ref, c)))
      .to.be.instanceOf(ProviderUnavailable)
      .and.include({ retryAfterMs: 3000 });
    sim.failNext(503);
    expect(await failure(validifiInsights.poll(ref, c))).to.be.instanceOf(ProviderUnavailable);
    sim.malformedNext();
    expect(await failure(validifiInsights.poll(ref, c))).to.include({ code: 'validifi_bad_response' });
    const { last } = await pollUntilSettled<InsightsAnalysis>(validifiInsights, ref, c);
    expect(last.state, 'after the faults the report still completes').to.equal('done');
  });
});
