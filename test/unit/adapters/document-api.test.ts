/**
 * The document API adapter (adapters/document_api/) against HTTP mocks (nock). The submission's request and
 * answer follow the provider's page (its sample body, its 202 answer, its error statuses); the poll
 * answer, the error body and the webhook follow the spec's assumptions
 * (openapi/providers/document-api-v1.yaml, `x-assumption`).
 */
import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import nock from 'nock';
import { ProviderUnavailable, type AnalysisContext } from '../../../adapters/analysis.ts';
import { pollPathOf, estimateMs } from '../../../adapters/document_api/client.ts';
import {
  DocumentApiCredentialsSchema,
  DocumentApiSourceSchema,
  MAX_RETRY_MS,
  documentApi,
  type DocumentApiCredentials,
  type DocumentApiResult,
} from '../../../adapters/document_api/index.ts';
import { ProviderRuntime } from '../../../adapters/runtime.ts';
import { SourceError } from '../../../adapters/source.ts';

const BASE = 'https://oqui.io';
const API_KEY = 'ckiq_live_abc123SECRETdoNotLeak';
const WEBHOOK_SECRET = 'whsec-9f8e7d6c-do-not-leak';
const CREDS = { api_key: API_KEY, base_url: BASE, webhook_secret: WEBHOOK_SECRET };
const REFERENCE = 'ana_01JD0C5W2S7K6ZVQ0M5Y3T9XQH';
const CALLBACK = 'https://gateway.example/provider-webhooks/document_api';
/** The page's sample: `JVBERi0xLjQK` is "%PDF-1.4\n". */
const PDF = 'JVBERi0xLjQK';
const NOT_PDF = Buffer.from('hello, world').toString('base64');
const JOB_ID = '550e8400-e29b-41d4-a716-446655440000';
const ASSESSMENT_ID = '660e8400-e29b-41d4-a716-446655440001';
/** The page's sample answer, as it shows it. */
const ACCEPTED = {
  job_id: JOB_ID,
  assessment_id: ASSESSMENT_ID,
  status: 'processing',
  external_reference: 'loan-app-12345',
  estimated_time: '120-300s',
  poll_url: `/api/v1/assess/${JOB_ID}`,
};

const runtime = (over: Partial<ConstructorParameters<typeof ProviderRuntime>[0]> = {}) =>
  new ProviderRuntime({
    timeoutMs: 2000,
    deadlineMs: 10_000,
    retries: 0,
    backoffMs: 10,
    limits: { maxConcurrent: 50, minTimeMs: 0 },
    ...over,
  });
const ctx = (over: Partial<AnalysisContext> = {}): AnalysisContext => ({
  partnerId: 'p1',
  now: new Date('2026-11-02T09:00:00Z'),
  credentials: CREDS,
  runtime: runtime(),
  reference: REFERENCE,
  callbackUrl: CALLBACK,
  ...over,
});
const parse = (over: Record<string, unknown> = {}) =>
  DocumentApiSourceSchema.parse({
    type: 'document_api',
    bank_statements: [{ document: PDF, filename: 'statement-jan-2024.pdf' }],
    ...over,
  });
const REF = { job_id: JOB_ID, assessment_id: ASSESSMENT_ID, poll_path: `/api/v1/assess/${JOB_ID}` };

/** The error a call fails with; fails the test when it succeeds or when its message carries a secret. */
async function fails(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(Error);
    const m = (e as Error).message;
    expect(m).not.to.include(API_KEY);
    expect(m).not.to.include('SECRETdoNotLeak');
    expect(m).not.to.include(WEBHOOK_SECRET);
    return e as Error;
  }
  throw new Error('expected the call to fail');
}
async function sourceError(p: Promise<unknown>, code: string): Promise<SourceError> {
  const e = await fails(p);
  expect(e, e.message).to.be.instanceOf(SourceError);
  expect((e as SourceError).code).to.equal(code);
  expect((e as SourceError).status).to.equal(502);
  return e as SourceError;
}

/** A completed job as the spec describes it. */
const completed = (over: Record<string, unknown> = {}, result: Record<string, unknown> = {}) => ({
  job_id: JOB_ID,
  assessment_id: ASSESSMENT_ID,
  status: 'completed',
  external_reference: REFERENCE,
  created_at: '2026-11-02T09:00:00Z',
  completed_at: '2026-11-02T09:03:10Z',
  estimated_time: null,
  documents: [
    { type: 'bank_statement', index: 0, filename: 'jan.pdf', status: 'processed', error: null },
    {
      type: 'id_document',
      index: 0,
      filename: 'id.jpg',
      status: 'failed',
      error: { code: 'unreadable', message: 'The image is too blurred' },
    },
    {
      type: 'rental_agreement',
      index: 0,
      filename: 'lease.pdf',
      status: 'failed',
      error: { code: 'encrypted', message: 'The PDF needs a password' },
    },
  ],
  error: null,
  warnings: ['Statement 1 has 3 pages of low scan quality'],
  result: {
    currency_code: 'ZAR',
    period: { start_date: '2026-01-01', end_date: '2026-01-31', months: 1.02 },
    income: {
      monthly_average: 25_000.5,
      sources: [
        { category: 'salary', description: 'ACME PAYROLL', monthly_average: 25_000.5, occurrences: 1 },
      ],
    },
    expenses: {
      monthly_average: 18_250.25,
      categories: [{ category: 'housing', monthly_average: 9000, transaction_count: 1 }],
    },
    disposable_income: { monthly_average: 6750.25 },
    affordability: {
      max_affordable_instalment: 2700.1,
      debt_to_income_ratio: 0.12,
      expense_to_income_ratio: 0.73,
      existing_debt_repayments: 3000,
    },
    risk_indicators: [{ code: 'gambling', severity: 'medium', description: 'Betting twice a week' }],
    score: { value: 612, min: 0, max: 1000, risk_band: 'very_high' },
    transactions: [
      {
        id: 't1',
        date: '2026-01-25',
        description: 'ACME PAYROLL',
        amount: 25_000.5,
        type: 'credit',
        balance: 31_000.75,
        category: 'salary',
        statement_index: 0,
      },
      {
        id: 't2',
        date: '2026-01-26',
        description: 'RENT  LANDLORD\u0007',
        amount: 9000,
        type: 'debit',
        balance: null,
        category: 'housing',
        statement_index: 0,
      },
      { date: '2026-01-27', description: 'BET.CO.ZA', amount: -150.1, type: 'debit' },
    ],
    statements: [
      {
        index: 0,
        filename: 'jan.pdf',
        bank_name: 'Standard Bank',
        account_number_masked: '****4321',
        period_start: '2026-01-01',
        period_end: '2026-01-31',
        opening_balance: 6000.25,
        closing_balance: 12_000,
      },
    ],
    ...result,
  },
  ...over,
});

describe('document API adapter (nock)', function () {
  this.timeout(20_000);
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  after(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending, 'every mocked call was made').to.deep.equal([]);
  });

  describe('the source input', () => {
    it("takes the page's request shape: statements, supporting documents, currency, reference", () => {
      const input = parse({
        supporting_documents: {
          payslips: [{ document: PDF, filename: 'payslip-jan-2024.pdf', period: '2024-01' }],
          credit_report: { document: PDF, filename: 'credit-report.pdf' },
          id_document: { document: PDF, filename: 'id.pdf' },
          rental_agreement: { document: PDF, filename: 'lease.pdf' },
        },
        currency_code: 'zar',
        external_reference: 'loan-app-12345',
      });
      expect(input.currency_code).to.equal('ZAR');
      expect(input.supporting_documents?.payslips?.[0]?.period).to.equal('2024-01');
    });

    it('takes a job id to attach to, alone', () => {
      expect(DocumentApiSourceSchema.parse({ type: 'document_api', job_id: JOB_ID })).to.deep.equal({
        type: 'document_api',
        job_id: JOB_ID,
      });
      const both = DocumentApiSourceSchema.safeParse({
        type: 'document_api',
        job_id: JOB_ID,
        bank_statements: [{ document: PDF }],
      });
      expect(both.success).to.equal(false);
      expect(JSON.stringify(both.error?.issues)).to.include('must not be sent with job_id');
      const neither = DocumentApiSourceSchema.safeParse({ type: 'document_api' });
      expect(JSON.stringify(neither.error?.issues)).to.include('send bank_statements to submit, or job_id');
      expect(
        DocumentApiSourceSchema.safeParse({ type: 'document_api', job_id: '../../admin' }).success,
      ).to.equal(false);
    });

    it('refuses unknown fields (strict), and webhook_url (the gateway sets its own)', () => {
      for (const extra of [
        { webhook_url: 'https://x.example/h' },
        { assessment_type: 'business' },
        { foo: 1 },
      ]) {
        expect(
          DocumentApiSourceSchema.safeParse({ ...parse(), ...extra }).success,
          JSON.stringify(extra),
        ).to.equal(false);
      }
      const nested = DocumentApiSourceSchema.safeParse({
        type: 'document_api',
        bank_statements: [{ document: PDF, password: 'x' }],
      });
      expect(nested.success).to.equal(false);
    });

    it('refuses what is not base64, and statements or a credit report that are not PDFs', () => {
      const bad = (over: Record<string, unknown>) =>
        DocumentApiSourceSchema.safeParse({
          type: 'document_api',
          bank_statements: [{ document: PDF }],
          ...over,
        });
      const issues = (over: Record<string, unknown>) => JSON.stringify(bad(over).error?.issues ?? []);
      expect(issues({ bank_statements: [{ document: 'not base64!' }] })).to.include(
        'must be the file in base64',
      );
      expect(issues({ bank_statements: [{ document: 'JVBERi0xLjQ' }] })).to.include(
        'must be the file in base64',
      );
      expect(issues({ bank_statements: [{ document: 'JVBE\nRi0xLjQK' }] })).to.include('base64');
      expect(issues({ bank_statements: [{ document: '' }] })).to.include('must not be empty');
      expect(issues({ bank_statements: [{ document: NOT_PDF }] })).to.include('must be a PDF');
      expect(issues({ supporting_documents: { credit_report: { document: NOT_PDF } } })).to.include(
        'must be a PDF',
      );
      // The ID document's and rental agreement's formats are the provider's to judge (their failure only warns).
      expect(
        bad({
          supporting_documents: {
            id_document: { document: NOT_PDF },
            rental_agreement: { document: NOT_PDF },
          },
        }).success,
      ).to.equal(true);
    });

    it('takes at most 12 statements and 6 MB of documents decoded', () => {
      const many = Array.from({ length: 13 }, () => ({ document: PDF }));
      expect(
        JSON.stringify(
          DocumentApiSourceSchema.safeParse({ type: 'document_api', bank_statements: many }).error,
        ),
      ).to.include('at most 12 bank statements');
      expect(parse({ bank_statements: many.slice(0, 12) }).bank_statements).to.have.length(12);
      const big = (bytes: number) =>
        Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(bytes - 9, 7)]).toString('base64');
      const over = DocumentApiSourceSchema.safeParse({
        type: 'document_api',
        bank_statements: [{ document: big(3_000_000) }],
        supporting_documents: { payslips: [{ document: big(3_000_001) }] },
      });
      expect(JSON.stringify(over.error?.issues)).to.include('6.0 MB decoded; at most 6 MB');
      expect(
        parse({ bank_statements: [{ document: big(3_000_000) }, { document: big(3_000_000) }] }),
      ).to.be.an('object');
    });

    it('takes https base URLs, and http only on a loopback address', () => {
      const ok = (base_url: string) =>
        DocumentApiCredentialsSchema.safeParse({ api_key: API_KEY, base_url }).success;
      expect(ok('https://oqui.io')).to.equal(true);
      expect(ok('http://127.0.0.1:8093')).to.equal(true);
      expect(ok('http://localhost:8093')).to.equal(true);
      expect(ok('http://oqui.io')).to.equal(false);
      expect(ok('https://user:pw@oqui.io')).to.equal(false);
      expect(ok('https://oqui.io/?x=1')).to.equal(false);
      expect(ok('ftp://oqui.io')).to.equal(false);
    });
  });

  describe('submit', () => {
    it("posts the documents with the API key, the analysis id as Idempotency-Key and reference, the gateway's webhook", async () => {
      let sent: unknown;
      nock(BASE)
        .post('/api/v1/assess', (b) => ((sent = b), true))
        .matchHeader('authorization', `Bearer ${API_KEY}`)
        .matchHeader('idempotency-key', REFERENCE)
        .reply(202, ACCEPTED);
      const input = parse({
        supporting_documents: { id_document: { document: PDF, filename: 'id.pdf' } },
        currency_code: 'GBP',
      });
      const ref = await documentApi.submit(input, ctx());
      expect(ref).to.deep.equal(REF);
      expect(sent).to.deep.equal({
        bank_statements: [{ document: PDF, filename: 'statement-jan-2024.pdf' }],
        supporting_documents: { id_document: { document: PDF, filename: 'id.pdf' } },
        assessment_type: 'individual',
        currency_code: 'GBP',
        webhook_url: CALLBACK,
        external_reference: REFERENCE,
      });
    });

    it("sends the lender's external_reference when given, and no currency or webhook when there is none", async () => {
      let sent: Record<string, unknown> = {};
      nock(BASE)
        .post('/api/v1/assess', (b: Record<string, unknown>) => ((sent = b), true))
        .reply(202, ACCEPTED);
      await documentApi.submit(
        parse({ external_reference: 'loan-app-12345' }),
        ctx({ callbackUrl: undefined }),
      );
      expect(sent.external_reference).to.equal('loan-app-12345');
      expect(sent).not.to.have.property('currency_code');
      expect(sent).not.to.have.property('webhook_url');
    });

    it('a retried submit sends the same body and key, and finds the same job (the provider answers 200)', async () => {
      const bodies: string[] = [];
      const keys: unknown[] = [];
      nock(BASE)
        .post('/api/v1/assess', (b) => (bodies.push(JSON.stringify(b)), true))
        .reply(function () {
          keys.push(this.req.headers['idempotency-key']);
          return [202, ACCEPTED];
        })
        .post('/api/v1/assess', (b) => (bodies.push(JSON.stringify(b)), true))
        .reply(function () {
          keys.push(this.req.headers['idempotency-key']);
          return [200, ACCEPTED];
        });
      const input = parse();
      const first = await documentApi.submit(input, ctx());
      const again = await documentApi.submit(input, ctx());
      expect(again).to.deep.equal(first);
      expect(keys).to.deep.equal([REFERENCE, REFERENCE]);
      expect(bodies[1]).to.equal(bodies[0]);
    });

    for (const [status, code] of [
      [400, 'provider_request_refused'],
      [409, 'provider_request_refused'],
      [422, 'provider_request_refused'],
      [401, 'provider_credentials_refused'],
      [403, 'provider_credentials_refused'],
      [402, 'provider_out_of_credits'],
      [404, 'provider_bad_response'],
      [418, 'provider_bad_response'],
    ] as const) {
      it(`HTTP ${status} → SourceError ${code} (502)`, async () => {
        nock(BASE)
          .post('/api/v1/assess')
          .reply(status, { error: 'e', message: `refused (${status})` });
        const e = await sourceError(documentApi.submit(parse(), ctx()), code);
        expect(e.message).to.match(/document API/);
        if (status === 400 || status === 402) expect(e.message).to.include(`refused (${status})`);
      });
    }

    it("quotes the provider's validation details without the API key, even when it echoes the header", async () => {
      nock(BASE)
        .post('/api/v1/assess')
        .reply(400, {
          error: 'validation_error',
          message: `Invalid request for key ${API_KEY}`,
          details: [{ field: 'bank_statements[0].document', message: 'is not a PDF' }],
        });
      const e = await sourceError(documentApi.submit(parse(), ctx()), 'provider_request_refused');
      expect(e.message).to.include('bank_statements[0].document: is not a PDF');
      expect(e.message).to.include('[api key]');
      // A key of another shape (a test key, a rotated format) is blanked all the same.
      const other = 'sk_test_Zq81-other-shape';
      nock(BASE)
        .post('/api/v1/assess')
        .reply(400, { error: 'validation_error', message: `Bearer ${other} has no access to this product` });
      const o = await sourceError(
        documentApi.submit(parse(), ctx({ credentials: { ...CREDS, api_key: other } })),
        'provider_request_refused',
      );
      expect(o.message).not.to.include(other);
      expect(o.message).to.include('Bearer [api key] has no access');
    });

    it('429 → ProviderUnavailable with its Retry-After (seconds, or an HTTP date)', async () => {
      nock(BASE).post('/api/v1/assess').reply(429, { error: 'rate_limited' }, { 'Retry-After': '7' });
      const e = await fails(documentApi.submit(parse(), ctx()));
      expect(e).to.be.instanceOf(ProviderUnavailable);
      expect((e as ProviderUnavailable).retryAfterMs).to.equal(7000);
      const at = new Date(Date.now() + 90_000).toUTCString();
      nock(BASE).post('/api/v1/assess').reply(429, {}, { 'Retry-After': at });
      const d = await fails(documentApi.submit(parse(), ctx()));
      expect((d as ProviderUnavailable).retryAfterMs).to.be.within(80_000, 91_000);
    });

    it('500, 503, a dropped connection and a timeout → ProviderUnavailable', async () => {
      for (const status of [500, 503]) {
        nock(BASE).post('/api/v1/assess').reply(status, { error: 'server_error' });
        const e = await fails(documentApi.submit(parse(), ctx()));
        expect(e, `HTTP ${status}`).to.be.instanceOf(ProviderUnavailable);
        expect(e.message).to.include(`HTTP ${status}`);
      }
      nock(BASE).post('/api/v1/assess').replyWithError({ code: 'ECONNRESET', message: 'socket hang up' });
      expect(await fails(documentApi.submit(parse(), ctx()))).to.be.instanceOf(ProviderUnavailable);
      nock(BASE).post('/api/v1/assess').delay(1500).reply(202, ACCEPTED);
      const t = await fails(documentApi.submit(parse(), ctx({ runtime: runtime({ timeoutMs: 200 }) })));
      expect(t).to.be.instanceOf(ProviderUnavailable);
      expect(t.message).to.include('did not answer in time');
    });

    it('a redirect is not followed (the key would go wherever it points)', async () => {
      nock(BASE)
        .post('/api/v1/assess')
        .reply(302, '', { Location: 'https://elsewhere.example/api/v1/assess' });
      await sourceError(documentApi.submit(parse(), ctx()), 'provider_bad_response');
    });

    it('a malformed answer → provider_bad_response', async () => {
      for (const body of [
        'not json',
        '{"job_id": "550e8400',
        { ...ACCEPTED, job_id: undefined },
        { ...ACCEPTED, status: 'queued' },
        [ACCEPTED],
      ]) {
        nock(BASE).post('/api/v1/assess').reply(202, body);
        const e = await sourceError(documentApi.submit(parse(), ctx()), 'provider_bad_response');
        expect(e.message).to.include('malformed');
      }
    });

    it('never follows an absolute poll_url: the job is polled on the API host', async () => {
      expect(pollPathOf('https://evil.example/api/v1/assess/x', 'j1')).to.equal('/api/v1/assess/j1');
      expect(pollPathOf('//evil.example/x', 'j1')).to.equal('/api/v1/assess/j1');
      expect(pollPathOf('/\\evil.example/x', 'j1')).to.equal('/api/v1/assess/j1');
      expect(pollPathOf('/api/v2/jobs/j1', 'j1')).to.equal('/api/v2/jobs/j1');
      nock(BASE)
        .post('/api/v1/assess')
        .reply(202, { ...ACCEPTED, poll_url: `https://evil.example/api/v1/assess/${JOB_ID}` });
      const ref = await documentApi.submit(parse(), ctx());
      expect(ref.poll_path).to.equal(`/api/v1/assess/${JOB_ID}`);
      const evil = nock('https://evil.example').get(/.*/).reply(200, completed());
      nock(BASE)
        .get(`/api/v1/assess/${JOB_ID}`)
        .matchHeader('authorization', `Bearer ${API_KEY}`)
        .reply(200, completed());
      expect((await documentApi.poll(ref, ctx())).state).to.equal('done');
      expect(evil.isDone()).to.equal(false);
      nock.cleanAll();
    });

    it('refuses stored credentials that are not valid, without quoting them', async () => {
      const e = await fails(
        documentApi.submit(parse(), ctx({ credentials: { api_key: API_KEY, base_url: 'http://oqui.io' } })),
      );
      expect(e).to.be.instanceOf(SourceError);
      expect((e as SourceError).code).to.equal('provider_not_configured');
    });
  });

  describe('attach to a job the lender started (job_id)', () => {
    it('looks the job up with the stored key and sends nothing else', async () => {
      nock(BASE)
        .get(`/api/v1/assess/${JOB_ID}`)
        .matchHeader('authorization', `Bearer ${API_KEY}`)
        .reply(200, { ...completed(), status: 'processing', result: null, estimated_time: '120-300s' });
      const ref = await documentApi.submit(
        DocumentApiSourceSchema.parse({ type: 'document_api', job_id: JOB_ID }),
        ctx(),
      );
      expect(ref).to.deep.equal(REF);
    });

    it('an unknown job (or another account’s) → provider_request_refused naming the job', async () => {
      nock(BASE).get(`/api/v1/assess/${JOB_ID}`).reply(404, { error: 'not_found' });
      const e = await sourceError(
        documentApi.submit(DocumentApiSourceSchema.parse({ type: 'document_api', job_id: JOB_ID }), ctx()),
        'provider_request_refused',
      );
      expect(e.message).to.include(JOB_ID);
    });
  });

  describe('poll', () => {
    it('processing → pending, looking again after the estimate (kept within 1–60 s) or the Retry-After', async () => {
      expect(estimateMs('120-300s')).to.equal(120_000);
      expect(estimateMs('45s')).to.equal(45_000);
      expect(estimateMs('2-5 minutes')).to.equal(120_000);
      expect(estimateMs('soon')).to.equal(undefined);
      const processing = (estimated_time: string | null) => ({
        ...completed(),
        status: 'processing',
        completed_at: null,
        result: null,
        estimated_time,
      });
      nock(BASE).get(REF.poll_path).reply(200, processing('120-300s'));
      expect(await documentApi.poll(REF, ctx())).to.deep.equal({
        state: 'pending',
        providerStatus: 'processing',
        retryAfterMs: MAX_RETRY_MS,
      });
      nock(BASE).get(REF.poll_path).reply(200, processing('20-40s'));
      expect(await documentApi.poll(REF, ctx())).to.have.property('retryAfterMs', 20_000);
      nock(BASE).get(REF.poll_path).reply(200, processing('120-300s'), { 'Retry-After': '15' });
      expect(await documentApi.poll(REF, ctx())).to.have.property('retryAfterMs', 15_000);
      nock(BASE).get(REF.poll_path).reply(200, processing(null));
      expect(await documentApi.poll(REF, ctx())).to.deep.equal({
        state: 'pending',
        providerStatus: 'processing',
      });
    });

    it('failed → failed, with the reason and every document that failed, in the provider’s words', async () => {
      nock(BASE)
        .get(REF.poll_path)
        .reply(200, {
          ...completed(),
          status: 'failed',
          result: null,
          error: { code: 'bank_statement_failed', message: 'A bank statement could not be processed' },
          documents: [
            { type: 'bank_statement', index: 0, filename: 'jan.pdf', status: 'processed', error: null },
            {
              type: 'bank_statement',
              index: 1,
              filename: 'feb.pdf',
              status: 'failed',
              error: { code: 'not_pdf', message: 'the document is not a PDF' },
            },
          ],
        });
      const step = await documentApi.poll(REF, ctx());
      expect(step.state).to.equal('failed');
      if (step.state !== 'failed') return;
      expect(step.providerStatus).to.equal('failed');
      expect(step.reason).to.include('bank_statement_failed: A bank statement could not be processed');
      expect(step.reason).to.include('bank statement 2 ("feb.pdf"): not_pdf (the document is not a PDF)');
      expect(step.reason).not.to.include('jan.pdf');
      expect(step.reason).to.equal(
        'bank_statement_failed: A bank statement could not be processed; bank statement 2 ("feb.pdf"): not_pdf (the document is not a PDF); fix or replace the documents named and submit again',
      );
    });

    it('completed → done, with the job and its result', async () => {
      nock(BASE).get(REF.poll_path).reply(200, completed());
      const step = await documentApi.poll(REF, ctx());
      expect(step.state).to.equal('done');
      if (step.state !== 'done') return;
      expect(step.result.assessment_id).to.equal(ASSESSMENT_ID);
      expect(step.result.result.transactions).to.have.length(3);
    });

    it('polls the path kept in the ref', async () => {
      nock(BASE)
        .get('/api/v2/jobs/abc')
        .reply(200, completed({ job_id: 'abc' }));
      const step = await documentApi.poll({ ...REF, job_id: 'abc', poll_path: '/api/v2/jobs/abc' }, ctx());
      expect(step.state).to.equal('done');
    });

    for (const [status, code] of [
      [401, 'provider_credentials_refused'],
      [402, 'provider_out_of_credits'],
      [404, 'provider_request_refused'],
      [400, 'provider_request_refused'],
    ] as const) {
      it(`HTTP ${status} on the poll → ${code}`, async () => {
        nock(BASE).get(REF.poll_path).reply(status, { error: 'e' });
        await sourceError(documentApi.poll(REF, ctx()), code);
      });
    }

    it('429 and 5xx on the poll → ProviderUnavailable (Retry-After honoured)', async () => {
      nock(BASE).get(REF.poll_path).reply(429, {}, { 'Retry-After': '30' });
      const e = await fails(documentApi.poll(REF, ctx()));
      expect(e).to.be.instanceOf(ProviderUnavailable);
      expect((e as ProviderUnavailable).retryAfterMs).to.equal(30_000);
      nock(BASE).get(REF.poll_path).reply(502, 'Bad Gateway');
      expect(await fails(documentApi.poll(REF, ctx()))).to.be.instanceOf(ProviderUnavailable);
    });

    it('a malformed job → provider_bad_response', async () => {
      const bad = completed();
      for (const body of [
        '<html>oops</html>',
        { ...bad, status: 'done' },
        { ...bad, documents: undefined },
        {
          ...bad,
          result: {
            ...bad.result,
            transactions: [{ date: '2026-13-01', description: 'x', amount: 1, type: 'debit' }],
          },
        },
        { ...bad, result: { ...bad.result, income: { monthly_average: '25000', sources: [] } } },
        { ...bad, result: { ...bad.result, score: { value: 1200, min: 0, max: 1000 } } },
        { ...bad, result: null },
        { ...bad, job_id: 'another-job' },
      ]) {
        nock(BASE).get(REF.poll_path).reply(200, body);
        await sourceError(documentApi.poll(REF, ctx()), 'provider_bad_response');
      }
    });
  });

  describe('normalise', () => {
    const done = async () => {
      nock(BASE).get(REF.poll_path).reply(200, completed());
      const step = await documentApi.poll(REF, ctx());
      if (step.state !== 'done') throw new Error('expected done');
      return step.result;
    };

    it("the provider's figures → minor units of its currency, its score on its scale, its risk words", async () => {
      const out = documentApi.normalise(await done(), parse(), REF);
      expect(out.third_party).to.deep.include({
        provider: 'document_api',
        version: 'v1',
        analysis_id: ASSESSMENT_ID,
      });
      expect(out.third_party.mapped).to.deep.equal({
        currency: 'ZAR',
        monthly_income_minor: 2_500_050,
        monthly_expenditure_minor: 1_825_025,
        disposable_income_minor: 675_025,
        affordable_amount_minor: 270_010,
        score: { value: 612, min: 0, max: 1000, name: 'document API score' },
        risk_level: 'high',
        indicators: ['gambling'],
      });
      const raw = out.third_party.raw as Record<string, unknown>;
      expect(raw).to.have.property('score');
      expect(raw).not.to.have.property('transactions');
      expect(raw).not.to.have.property('statements');
      expect(JSON.stringify(raw)).not.to.include('4321');
    });

    it('the extracted transactions → the one model: debit positive, the currency stated, the account, balances', async () => {
      const out = documentApi.normalise(await done(), parse(), REF);
      expect(out.transactions).to.deep.equal([
        {
          date: '2026-01-25',
          amount_minor: -2_500_050,
          currency: 'ZAR',
          merchant_name: 'ACME PAYROLL',
          account_id: 'document_api-4321',
          balance_minor: 3_100_075,
          source: 'document_api',
          source_ref: 't1',
        },
        {
          date: '2026-01-26',
          amount_minor: 900_000,
          currency: 'ZAR',
          merchant_name: 'RENT LANDLORD',
          account_id: 'document_api-4321',
          source: 'document_api',
          source_ref: 't2',
        },
        {
          date: '2026-01-27',
          amount_minor: 15_010,
          currency: 'ZAR',
          merchant_name: 'BET.CO.ZA',
          account_id: 'default',
          source: 'document_api',
        },
      ]);
      expect(out.metadata).to.deep.include({ job_id: JOB_ID, assessment_id: ASSESSMENT_ID });
    });

    it('keeps the currency the provider states, and says so when it is not the one asked for', async () => {
      const r = await done();
      const gbp: DocumentApiResult = { ...r, result: { ...r.result, currency_code: 'GBP' } };
      const asked = documentApi.normalise(gbp, parse({ currency_code: 'GBP' }), REF);
      expect(asked.transactions.every((t) => t.currency === 'GBP')).to.equal(true);
      expect(asked.third_party.mapped.currency).to.equal('GBP');
      expect(asked.warnings.join('\n')).not.to.include('not in');
      const other = documentApi.normalise(r, parse({ currency_code: 'GBP' }), REF);
      expect(other.transactions[0]?.currency).to.equal('ZAR');
      expect(other.warnings).to.include(
        'The document API assessed in ZAR, not in GBP as asked: its figures and transactions are in ZAR',
      );
    });

    it('warns about an ID document and a rental agreement that failed (the assessment continued), and quotes the provider', async () => {
      const out = documentApi.normalise(await done(), parse(), REF);
      expect(out.warnings).to.include(
        'The document API could not process the ID document ("id.jpg"): The image is too blurred (unreadable); as its failure model says, the assessment continued without it',
      );
      expect(
        out.warnings.some((w) => w.includes('the rental agreement ("lease.pdf"): The PDF needs a password')),
      ).to.equal(true);
      expect(out.warnings).to.include('The document API says: Statement 1 has 3 pages of low scan quality');
    });

    it('is pure: the same answer gives the same output', async () => {
      const r = await done();
      const copy = JSON.parse(JSON.stringify(r)) as DocumentApiResult;
      expect(documentApi.normalise(r, parse(), REF)).to.deep.equal(documentApi.normalise(r, parse(), REF));
      expect(r).to.deep.equal(copy);
    });
  });

  describe('webhook.verify', () => {
    const body = Buffer.from(
      JSON.stringify({
        event: 'assessment.completed',
        job_id: JOB_ID,
        assessment_id: ASSESSMENT_ID,
        status: 'completed',
      }),
    );
    const sign = (b: Uint8Array, secret = WEBHOOK_SECRET) =>
      createHmac('sha256', secret).update(b).digest('hex');
    const verify = (
      headers: Record<string, string | undefined>,
      raw: Uint8Array = body,
      creds: DocumentApiCredentials = CREDS,
    ) => documentApi.webhook?.verify(headers, raw, creds);

    it('a good signature → the job id it names (header in any case, with or without sha256=)', () => {
      expect(verify({ 'x-webhook-signature': `sha256=${sign(body)}` })).to.equal(JOB_ID);
      expect(verify({ 'X-Webhook-Signature': sign(body).toUpperCase() })).to.equal(JOB_ID);
    });

    it('a signature under another secret, a tampered body, a missing or malformed header → undefined', () => {
      expect(verify({ 'x-webhook-signature': `sha256=${sign(body, 'another-secret')}` })).to.equal(undefined);
      const tampered = Buffer.from(body.toString().replace(JOB_ID, '11111111-e29b-41d4-a716-446655440000'));
      expect(verify({ 'x-webhook-signature': `sha256=${sign(body)}` }, tampered)).to.equal(undefined);
      expect(verify({})).to.equal(undefined);
      expect(verify({ 'x-webhook-signature': 'sha256=abcd' })).to.equal(undefined);
      expect(verify({ 'x-webhook-signature': `sha1=${sign(body)}` })).to.equal(undefined);
    });

    it('without a stored webhook secret nothing verifies; a signed body without a job id names none', () => {
      const { webhook_secret: _, ...noSecret } = CREDS;
      expect(verify({ 'x-webhook-signature': `sha256=${sign(body)}` }, body, noSecret)).to.equal(undefined);
      const empty = Buffer.from('{"event":"ping"}');
      expect(verify({ 'x-webhook-signature': `sha256=${sign(empty)}` }, empty)).to.equal(undefined);
      const notJson = Buffer.from('job_id=1');
      expect(verify({ 'x-webhook-signature': `sha256=${sign(notJson)}` }, notJson)).to.equal(undefined);
    });
  });
});
