/**
 * The `document_api` adapter end to end against the document API simulator (tools/simulators/document-api.ts)
 * on 127.0.0.1: statements drawn from the repository's personas (tools/statements/ over tools/personas/)
 * are submitted, read by the simulator with the repository's statement reader, polled until the job ends
 * (processing compressed by `timeScale`), and normalised; the failure model, credits, idempotency,
 * webhooks and the simulator's faults are driven through the adapter as the gateway would.
 */
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderUnavailable, type AnalysisContext, type AnalysisRef } from '../../../adapters/analysis.ts';
import {
  documentApi,
  DocumentApiSourceSchema,
  type DocumentApiSourceInput,
} from '../../../adapters/document_api/index.ts';
import { ProviderRuntime } from '../../../adapters/runtime.ts';
import { SourceError } from '../../../adapters/source.ts';
import {
  SIM_API_KEY,
  personaDocuments,
  startDocumentApiSimulator,
  type DocumentApiSimulator,
} from '../../../tools/simulators/document-api.ts';

const NO_CREDIT = 'ckiq_live_sim_nocredit';
const LOW_CREDIT = 'ckiq_live_sim_onecredit';

describe('document API simulator, driven by the document_api adapter', function () {
  this.timeout(180_000);
  let sim: DocumentApiSimulator;
  let statements: Awaited<ReturnType<typeof personaDocuments>>;
  let hooks: http.Server;
  let hookUrl: string;
  const received: Array<{ headers: http.IncomingHttpHeaders; body: Buffer }> = [];
  const hookWaiters: Array<() => void> = [];
  const runtimes: ProviderRuntime[] = [];

  const runtime = (timeoutMs = 15_000) => {
    const rt = new ProviderRuntime({
      timeoutMs,
      deadlineMs: 30_000,
      retries: 0,
      backoffMs: 10,
      limits: { maxConcurrent: 10, minTimeMs: 0 },
    });
    runtimes.push(rt);
    return rt;
  };
  const ctx = (over: Partial<AnalysisContext> = {}, key = SIM_API_KEY): AnalysisContext => ({
    partnerId: 'p1',
    now: new Date(),
    credentials: { api_key: key, base_url: sim.url, webhook_secret: sim.webhookSecret },
    runtime: runtime(),
    reference: `ana-${Math.random().toString(36).slice(2)}`,
    callbackUrl: hookUrl,
    ...over,
  });
  const input = (over: Record<string, unknown> = {}): DocumentApiSourceInput =>
    DocumentApiSourceSchema.parse({
      type: 'document_api',
      bank_statements: statements.map((s) => ({ document: s.document, filename: s.filename })),
      ...over,
    });
  /** Polls once the simulator says the job has ended (an event, not a timed wait). */
  const pollWhenEnded = async (ref: AnalysisRef, c: AnalysisContext) => {
    await sim.settled(String(ref.job_id), 120_000);
    return documentApi.poll(ref, c);
  };
  const webhookFor = (jobId: string) =>
    new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no webhook for ${jobId}`)), 60_000);
      const look = () => {
        const hit = received.find((r) => r.body.toString().includes(jobId));
        if (!hit) return false;
        clearTimeout(t);
        resolve(hit);
        return true;
      };
      if (!look()) hookWaiters.push(() => void look());
    });

  before(async () => {
    sim = await startDocumentApiSimulator({
      timeScale: 0.01,
      keys: { [SIM_API_KEY]: 10, [NO_CREDIT]: 0, [LOW_CREDIT]: 1 },
    });
    statements = await personaDocuments('salaried_single_renter', { months: ['2026-09', '2026-10'] });
    hooks = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(204).end();
        for (const w of hookWaiters.splice(0)) w();
      });
    });
    await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
    hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hooks/document_api`;
  });
  after(async () => {
    await sim.stop();
    await new Promise<void>((r) => hooks.close(() => r()));
    for (const rt of runtimes) await rt.close();
  });
  afterEach(() => sim.reset());

  it('submit → processing → completed: the statements’ own rows come back in the one model, with the provider’s figures', async () => {
    const c = ctx();
    const credits = sim.credits(SIM_API_KEY);
    const ref = await documentApi.submit(input({ currency_code: 'GBP' }), c);
    const first = await documentApi.poll(ref, c);
    expect(first.state).to.equal('pending');
    const step = await pollWhenEnded(ref, c);
    expect(step.state, JSON.stringify(step).slice(0, 300)).to.equal('done');
    if (step.state !== 'done') return;
    const out = documentApi.normalise(step.result, input({ currency_code: 'GBP' }), ref);

    // Every row drawn on the statements, as drawn (the generator's truth), in the one model.
    const truth = statements.flatMap((s) => s.truth.transactions);
    expect(out.transactions.map((t) => [t.date, t.amount_minor, t.merchant_name])).to.deep.equal(
      truth.map((t) => [t.date, t.amount_minor, t.description]),
    );
    expect(new Set(out.transactions.map((t) => t.currency))).to.deep.equal(new Set(['GBP']));
    expect(new Set(out.transactions.map((t) => t.source))).to.deep.equal(new Set(['document_api']));
    expect(out.transactions.at(-1)?.balance_minor).to.equal(statements.at(-1)?.truth.closing_minor);

    // The provider's income is the salary the persona was paid, a month.
    const months = step.result.result.period.months;
    const salary = truth
      .filter((t) => t.description.includes('SALARY'))
      .reduce((n, t) => n - t.amount_minor, 0);
    expect(salary).to.be.above(0);
    expect(out.third_party.mapped.monthly_income_minor).to.be.closeTo(salary / months, 1);
    expect(out.third_party.mapped.currency).to.equal('GBP');
    expect(out.third_party.mapped.score?.max).to.equal(1000);
    expect(out.third_party.analysis_id).to.equal(ref.assessment_id);
    expect(out.warnings).to.deep.equal([]);
    // Charged once, on success.
    expect(sim.credits(SIM_API_KEY)).to.equal(credits - 1);

    // The webhook it sent verifies with the stored secret and names the job.
    const hook = await webhookFor(String(ref.job_id));
    const headers = Object.fromEntries(Object.entries(hook.headers).map(([k, v]) => [k, String(v)]));
    const creds = { api_key: SIM_API_KEY, base_url: sim.url, webhook_secret: sim.webhookSecret };
    expect(documentApi.webhook?.verify(headers, hook.body, creds)).to.equal(ref.job_id);
    expect(documentApi.webhook?.verify(headers, hook.body, { ...creds, webhook_secret: 'wrong' })).to.equal(
      undefined,
    );
  });

  it('without a currency the provider assesses in its default, ZAR, and that is the currency kept', async () => {
    const c = ctx({ callbackUrl: undefined });
    const ref = await documentApi.submit(input(), c);
    const step = await pollWhenEnded(ref, c);
    if (step.state !== 'done') throw new Error(`expected done, got ${JSON.stringify(step)}`);
    const out = documentApi.normalise(step.result, input(), ref);
    expect(out.third_party.mapped.currency).to.equal('ZAR');
    expect(new Set(out.transactions.map((t) => t.currency))).to.deep.equal(new Set(['ZAR']));
  });

  it('a bank statement that fails fails the job, naming it, at no charge', async () => {
    const corrupt = Buffer.from('%PDF-1.4\nthis is not really a PDF at all\n%%EOF').toString('base64');
    const c = ctx();
    const credits = sim.credits(SIM_API_KEY);
    const bad = input({
      bank_statements: [statements[0], { document: corrupt, filename: 'feb-statement.pdf' }].map((s) => ({
        document: s?.document,
        filename: s?.filename,
      })),
    });
    const ref = await documentApi.submit(bad, c);
    const step = await pollWhenEnded(ref, c);
    expect(step.state).to.equal('failed');
    if (step.state !== 'failed') return;
    expect(step.reason).to.include('bank_statement_failed');
    expect(step.reason).to.include('bank statement 2 ("feb-statement.pdf")');
    expect(step.reason).not.to.include('bank statement 1');
    expect(sim.credits(SIM_API_KEY)).to.equal(credits);
    const hook = await webhookFor(String(ref.job_id));
    expect(JSON.parse(hook.body.toString())).to.include({ event: 'assessment.failed', status: 'failed' });
  });

  it('an ID document that is not a PDF only warns: the assessment completes', async () => {
    const c = ctx();
    const withId = input({
      supporting_documents: {
        id_document: { document: Buffer.from('GIF89a…').toString('base64'), filename: 'id.gif' },
      },
    });
    const ref = await documentApi.submit(withId, c);
    const step = await pollWhenEnded(ref, c);
    if (step.state !== 'done') throw new Error(`expected done, got ${JSON.stringify(step)}`);
    const out = documentApi.normalise(step.result, withId, ref);
    expect(
      out.warnings.some((w) => w.startsWith('The document API could not process the ID document ("id.gif")')),
    ).to.equal(true);
    expect(out.transactions.length).to.be.above(0);
  });

  it('the simulator itself fails a job whose statement is not a PDF (the adapter refuses one before sending)', async () => {
    const post = await fetch(`${sim.url}/api/v1/assess`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SIM_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        bank_statements: [{ document: Buffer.from('hello').toString('base64') + '==', filename: 'x.txt' }],
      }),
    });
    // 'aGVsbG8=' + '==' is not valid base64: the provider's validation refuses it (400).
    expect(post.status).to.equal(400);
    const ok = await fetch(`${sim.url}/api/v1/assess`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SIM_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        bank_statements: [{ document: Buffer.from('hello!').toString('base64'), filename: 'x.txt' }],
      }),
    });
    expect(ok.status).to.equal(202);
    const { job_id } = (await ok.json()) as { job_id: string };
    const job = await sim.settled(job_id);
    expect(job.status).to.equal('failed');
    expect(job.documents[0]?.error?.code).to.equal('not_pdf');
  });

  it('402 when the key has no credits left (credits held by jobs in flight count)', async () => {
    const e = await documentApi.submit(input(), ctx({}, NO_CREDIT)).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(SourceError);
    expect((e as SourceError).code).to.equal('provider_out_of_credits');
    const c = ctx({}, LOW_CREDIT);
    const ref = await documentApi.submit(input(), c);
    const second = await documentApi.submit(input(), ctx({}, LOW_CREDIT)).catch((x: unknown) => x);
    expect((second as SourceError).code).to.equal('provider_out_of_credits');
    await sim.settled(String(ref.job_id), 120_000);
    expect(sim.credits(LOW_CREDIT)).to.equal(0);
  });

  it('a job that never finishes stays pending after its processing time is over', async () => {
    const c = ctx({ callbackUrl: undefined });
    const ref = await documentApi.submit(input(), c);
    sim.neverFinish(String(ref.job_id));
    const job = await sim.due(String(ref.job_id), 120_000);
    expect(Date.now()).to.be.at.least(job.readyAt);
    const step = await documentApi.poll(ref, c);
    expect(step).to.deep.include({ state: 'pending', providerStatus: 'processing' });
    expect(job.status).to.equal('processing');
  });

  it('a submit whose answer is lost, retried with the same reference, finds the first job (Idempotency-Key)', async () => {
    const reference = `ana-retry-${Date.now()}`;
    const before = sim.jobs.size;
    sim.hangNext(1, { process: true });
    const lost = await documentApi
      .submit(input(), ctx({ reference, runtime: runtime(1500), callbackUrl: undefined }))
      .catch((x: unknown) => x);
    expect(lost).to.be.instanceOf(ProviderUnavailable);
    expect(sim.jobs.size).to.equal(before + 1);
    const ref = await documentApi.submit(input(), ctx({ reference, callbackUrl: undefined }));
    expect(sim.jobs.size).to.equal(before + 1);
    expect([...sim.jobs.values()].at(-1)?.job_id).to.equal(ref.job_id);
    expect([...sim.jobs.values()].at(-1)?.external_reference).to.equal(reference);
  });

  it('faults: 429 with Retry-After, 500, no answer, a malformed body, a refused key', async () => {
    const c = ctx({ callbackUrl: undefined });
    const ref = await documentApi.submit(input(), c);
    sim.rateLimitNext(12);
    const limited = await documentApi.poll(ref, c).catch((x: unknown) => x);
    expect(limited).to.be.instanceOf(ProviderUnavailable);
    expect((limited as ProviderUnavailable).retryAfterMs).to.equal(12_000);
    sim.failNext(500);
    expect(await documentApi.poll(ref, c).catch((x: unknown) => x)).to.be.instanceOf(ProviderUnavailable);
    sim.hangNext(1);
    const hung = await documentApi.poll(ref, { ...c, runtime: runtime(1000) }).catch((x: unknown) => x);
    expect(hung).to.be.instanceOf(ProviderUnavailable);
    expect((hung as Error).message).to.include('did not answer in time');
    sim.malformedNext(1);
    const malformed = await documentApi.poll(ref, c).catch((x: unknown) => x);
    expect((malformed as SourceError).code).to.equal('provider_bad_response');
    const refused = await documentApi.poll(ref, ctx({}, 'ckiq_live_unknown')).catch((x: unknown) => x);
    expect((refused as SourceError).code).to.equal('provider_credentials_refused');
    expect((refused as Error).message).not.to.include('ckiq_live_unknown');
    // Another account's job is not found for this key.
    const foreign = await documentApi
      .submit(
        DocumentApiSourceSchema.parse({ type: 'document_api', job_id: ref.job_id }),
        ctx({}, LOW_CREDIT),
      )
      .catch((x: unknown) => x);
    expect((foreign as SourceError).code).to.equal('provider_request_refused');
    // And with the right key, attaching finds it; after all that the job still completes.
    const attached = await documentApi.submit(
      DocumentApiSourceSchema.parse({ type: 'document_api', job_id: ref.job_id }),
      ctx({ callbackUrl: undefined }),
    );
    expect(attached).to.deep.equal(ref);
    expect((await pollWhenEnded(ref, c)).state).to.equal('done');
  });
});
