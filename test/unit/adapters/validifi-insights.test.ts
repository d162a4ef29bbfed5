/**
 * The validifi_insights analysis adapter over HTTP mocks (nock): the INSIGHTS request each product sends,
 * the AffordAI report through its numbered states and error codes (the page's list), statuses and
 * Retry-After, malformed answers, attaching, the PDF, and the mapping of the figures. The envelopes are the
 * page's samples; the shapes inside are the spec's marked assumptions.
 */
import { expect } from 'chai';
import nock from 'nock';
import { ProviderUnavailable } from '../../../adapters/analysis.ts';
import {
  AFFORDAI_DOCUMENT,
  ValidifiInsightsCredentialsSchema,
  ValidifiInsightsSourceSchema,
  clearInsightsTokenCache,
  validifiInsights,
  type InsightsAnalysis,
} from '../../../adapters/validifi_insights/index.ts';
import { analysisContext } from '../../helpers/analysis.ts';
import { VALIDIFI_BASE, tokenReply } from '../../helpers/validifi-nock.ts';

const BASE = VALIDIFI_BASE;
const CREDS = { client_id: 'client-abc-123', client_secret: 's3cr3t-value-do-not-leak', base_url: BASE };
const ACCOUNT_TOKEN = 'acct-tok-SECRET-1';
const INQ = '9ff19261-a380-4a37-807e-e40002060f7c';
const REPORT = '64B65EDA-0A61-407A-B83F-EE1D5E991B70';
const PDF = Buffer.from('%PDF-1.3\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const ctx = (over: Parameters<typeof analysisContext>[1] = {}) => analysisContext(CREDS, over);
const parse = (over: Record<string, unknown>) =>
  ValidifiInsightsSourceSchema.parse({ type: 'validifi_insights', ...over });
const blp = (over: Record<string, unknown> = {}) =>
  parse({ product: 'BankLOGIN+', account_token: ACCOUNT_TOKEN, affordai: true, ...over });
const bq = (over: Record<string, unknown> = {}) =>
  parse({
    product: 'BankQUALIFY',
    account_token: ACCOUNT_TOKEN,
    offer_amount: 6000,
    payment_amount: 500,
    terms: 'daily_oblig',
    consumer: { first_name: 'John', last_name: 'Doe' },
    ...over,
  });

let tokenValue = '';
const token = () =>
  nock(BASE)
    .post('/v4/token', {
      clientId: CREDS.client_id,
      clientSecret: CREDS.client_secret,
      grantType: 'client_credentials',
    })
    .reply(200, () => {
      const t = tokenReply();
      tokenValue = t.accessToken;
      return t;
    });

const RESULT = {
  version: '2.0',
  accountOwnership: 'Match',
  accountStatus: 'Open',
  fraudRisk: 'Low',
  affordabilityRisk: 'Medium',
  riskScore: 612,
  recommendedAction: 'Review',
  reasonCodes: ['NSF_RETURNS_90D'],
  monthlyIncome: 4200.5,
  monthlyExpenses: 3600.25,
  excessCash: 600.25,
  recommendedPaymentAmount: 100,
  recommendedPaymentFrequency: 'biweekly_oblig',
  nsfCount90Days: 2,
  overdraftCount90Days: 0,
};
const inquiry = (over: Record<string, unknown> = {}) => ({
  inquiryId: INQ,
  inquiryDate: '2023-12-15T16:38:30.2377351Z',
  status: { statusCode: 1, status: 'Success', errors: null },
  blpAccountAnalyticsResult: RESULT,
  ...over,
});
const report = (
  statusCode: number,
  errors: Array<{ errorCode: number; description?: string }> | null,
  file = true,
) => ({
  reportId: REPORT,
  referenceId: 'job-0001',
  status: {
    statusCode,
    status: [
      '',
      'Success',
      'Success with non-fatal errors',
      'Fatal error from request format',
      'Fatal error from dependency',
    ][statusCode],
    errors,
  },
  fileData: file
    ? {
        fileExtension: 'pdf',
        reportName: 'AffordAI_job-0001_20231215_163830',
        report: PDF.toString('base64'),
      }
    : null,
});

async function rejects(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(Error);
    const m = (e as Error).message;
    for (const secret of [CREDS.client_secret, ACCOUNT_TOKEN]) expect(m).not.to.include(secret);
    if (tokenValue) expect(m).not.to.include(tokenValue);
    return e as Error;
  }
  throw new Error('expected a rejection');
}

const REF = { product_id: 3, inquiry_id: INQ, report_id: REPORT, simulated: false, attached: false };

describe('validifi_insights analysis adapter (nock)', function () {
  this.timeout(20_000);
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  after(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
  beforeEach(() => {
    clearInsightsTokenCache();
    tokenValue = '';
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending, 'every mocked call was made').to.deep.equal([]);
  });

  describe('input and credentials', () => {
    const fails = (over: Record<string, unknown>) => {
      const r = ValidifiInsightsSourceSchema.safeParse({ type: 'validifi_insights', ...over });
      expect(r.success, JSON.stringify(over)).to.equal(false);
      return JSON.stringify(r.error?.issues);
    };
    it('asks each product for the inputs it needs', () => {
      expect(fails({ product: 'BankQUALIFY', account_token: 'a' })).to.include('offer_amount');
      expect(
        fails({
          product: 'BankVERIFY+',
          account_token: 'a',
          offer_amount: 1,
          payment_amount: 1,
          terms: 'monthly_oblig',
          consumer: { first_name: 'A', last_name: 'B' },
        }),
      ).to.include('email, phone or address');
      expect(bq().product).to.equal('BankQUALIFY');
      expect(parse({ product: 'BankLOGIN+', account_token: 'a' }).affordai).to.equal(false);
      expect(fails({ product: 'BankQUALIFY', account_token: 'a', affordai: true })).to.include('BankLOGIN+');
      expect(fails({ product: 'BankLOGIN+', account_token: 'a', affordai_simulate: 0 })).to.include(
        'affordai',
      );
      expect(fails({ product: 'BankLOGIN+', account_token: 'a', inquiry_id: 'x' })).to.include('either');
      expect(fails({ account_token: 'a' })).to.include('product');
      expect(parse({ report_id: REPORT }).report_id).to.equal(REPORT);
      expect(fails({ report_id: REPORT, account_token: 'a' })).to.include('report_id');
    });
    it('credentials: the ValidiFI client credentials, over https (http only on loopback)', () => {
      expect(ValidifiInsightsCredentialsSchema.safeParse(CREDS).success).to.equal(true);
      expect(
        ValidifiInsightsCredentialsSchema.safeParse({ ...CREDS, base_url: 'http://prod.ribbit.ai' }).success,
      ).to.equal(false);
      expect(
        ValidifiInsightsCredentialsSchema.safeParse({ ...CREDS, base_url: 'http://127.0.0.1:8091' }).success,
      ).to.equal(true);
    });
  });

  describe('submit', () => {
    it('BankQUALIFY: the request as the page gives it, the reference as referenceId, refresh false; one token reused', async () => {
      token();
      nock(BASE)
        .post('/v4/INSIGHTS', {
          productId: 1,
          referenceId: 'job-0001',
          inquiryId: null,
          account: { accountToken: ACCOUNT_TOKEN },
          offerAmount: 6000,
          terms: 'daily_oblig',
          paymentAmount: 500,
          refresh: false,
          consumer: { firstName: 'John', lastName: 'Doe' },
        })
        .matchHeader('authorization', /^Bearer tok-/)
        .times(2)
        .reply(200, inquiry({ blpAccountAnalyticsResult: undefined, bqAccountAnalyticsResult: RESULT }));
      const ref = await validifiInsights.submit(bq(), ctx());
      expect(ref).to.deep.equal({
        product_id: 1,
        inquiry_id: INQ,
        report_id: null,
        simulated: false,
        attached: false,
      });
      await validifiInsights.submit(bq(), ctx());
    });

    it('BankLOGIN+ with AffordAI: the inquiry, then the report of it (202: rendering), with showPII and simulate passed on', async () => {
      token();
      nock(BASE)
        .post(
          '/v4/INSIGHTS',
          (b: Record<string, unknown>) =>
            b.productId === 3 && JSON.stringify(b.blp) === '{"version":"2.0","dataSource":"CONNECT"}',
        )
        .reply(200, inquiry());
      nock(BASE)
        .post('/v4/AffordAI', {
          blpInquiryId: INQ,
          referenceId: 'job-0001',
          customization: { showPII: false },
        })
        .reply(202, { reportId: REPORT, referenceId: 'job-0001', status: null, fileData: null });
      const ref = await validifiInsights.submit(blp({ show_pii: false }), ctx());
      expect(ref).to.deep.equal({
        product_id: 3,
        inquiry_id: INQ,
        report_id: REPORT,
        simulated: false,
        attached: false,
      });
    });

    it('an inquiry still analysing when a report is wanted: ProviderUnavailable, and no report requested yet', async () => {
      token();
      nock(BASE)
        .post('/v4/INSIGHTS')
        .reply(202, { inquiryId: INQ, status: { statusCode: 0, status: 'Pending' } });
      const e = await rejects(validifiInsights.submit(blp(), ctx()));
      expect(e).to.be.instanceOf(ProviderUnavailable);
      expect(e.message).to.match(/still analysing/);
    });

    it('AffordAI statusCode 3 is the request refused, with the page error codes; statusCode 4 is worth retrying', async () => {
      token();
      nock(BASE).post('/v4/INSIGHTS').times(2).reply(200, inquiry());
      nock(BASE)
        .post('/v4/AffordAI')
        .reply(400, {
          reportId: REPORT,
          status: { statusCode: 3, status: 'Fatal error from request format', errors: [{ errorCode: 5 }] },
        });
      const e = await rejects(validifiInsights.submit(blp(), ctx()));
      expect(e).to.include({ code: 'provider_request_refused' });
      expect(e.message).to.include(
        'errorCode 5: Fatal: This blpInquiryId was not a successful BankLOGIN+ inquiry',
      );
      nock(BASE)
        .post('/v4/AffordAI')
        .reply(400, {
          status: {
            statusCode: 4,
            errors: [{ errorCode: 9, description: 'Fatal: Could not connect to Microsoft Power BI' }],
          },
        });
      const d = await rejects(validifiInsights.submit(blp(), ctx()));
      expect(d).to.be.instanceOf(ProviderUnavailable);
      expect(d.message).to.include('errorCode 9');
    });

    it('the simulate option is sent, and the reference says the report is simulated', async () => {
      token();
      nock(BASE).post('/v4/INSIGHTS').reply(200, inquiry());
      nock(BASE)
        .post('/v4/AffordAI', { blpInquiryId: INQ, referenceId: 'job-0001', simulate: 0 })
        .reply(200, { ...report(1, null), fileData: { fileExtension: 'pdf', report: 'U0lN' } });
      const ref = await validifiInsights.submit(blp({ affordai_simulate: 0 }), ctx());
      expect(ref).to.include({ simulated: true, report_id: REPORT });
    });

    it('refusals: INSIGHTS 400 with its status module, 402 credits, refused credentials — no secret in any message', async () => {
      token();
      nock(BASE)
        .post('/v4/INSIGHTS')
        .reply(400, {
          status: {
            statusCode: 3,
            status: 'Fatal error from request format',
            errors: [{ errorCode: 0, description: 'account.accountToken was not found' }],
          },
        });
      const a = await rejects(validifiInsights.submit(bq(), ctx()));
      expect(a).to.include({ code: 'provider_request_refused' });
      expect(a.message).to.include('account.accountToken was not found');
      nock(BASE).post('/v4/INSIGHTS').reply(402, { message: 'No credits' });
      expect(await rejects(validifiInsights.submit(bq(), ctx()))).to.include({
        code: 'provider_out_of_credits',
      });
      clearInsightsTokenCache();
      nock(BASE).post('/v4/token').reply(401, { error: 'invalid client' });
      const c = await rejects(validifiInsights.submit(bq(), ctx()));
      expect(c).to.include({ code: 'validifi_credentials_refused' });
      expect(c.message).to.include('allow-list');
    });

    it('ValidiFI words that echo the account token are passed on without it', async () => {
      token();
      nock(BASE)
        .post('/v4/INSIGHTS')
        .reply(400, {
          status: {
            statusCode: 3,
            errors: [{ errorCode: 0, description: `account ${ACCOUNT_TOKEN} is closed` }],
          },
        });
      const e = await rejects(validifiInsights.submit(bq(), ctx()));
      expect(e.message).to.include('account [account token] is closed');
    });

    it('a refused token is refreshed once; refused again it is validifi_unauthorized', async () => {
      token();
      nock(BASE).post('/v4/INSIGHTS').reply(401, {});
      token();
      nock(BASE).post('/v4/INSIGHTS').reply(401, {});
      expect(await rejects(validifiInsights.submit(bq(), ctx()))).to.include({
        code: 'validifi_unauthorized',
      });
    });

    it('attach: an inquiry or a report the provider has; unknown ids are the partner input (400)', async () => {
      token();
      nock(BASE).get(`/v4/INSIGHTS/3/${INQ}`).reply(200, inquiry());
      nock(BASE)
        .post('/v4/AffordAI', { blpInquiryId: INQ, referenceId: 'job-0001' })
        .reply(200, report(1, null));
      const a = await validifiInsights.submit(
        parse({ product: 'BankLOGIN+', inquiry_id: INQ, affordai: true }),
        ctx(),
      );
      expect(a).to.deep.equal({
        product_id: 3,
        inquiry_id: INQ,
        report_id: REPORT,
        simulated: false,
        attached: true,
      });
      nock(BASE).get(`/v4/AffordAI/${REPORT}`).reply(200, report(1, null));
      const r = await validifiInsights.submit(parse({ report_id: REPORT }), ctx());
      expect(r).to.deep.include({ report_id: REPORT, inquiry_id: null, attached: true });
      nock(BASE).get('/v4/AffordAI/unknown').reply(404, {});
      expect(await rejects(validifiInsights.submit(parse({ report_id: 'unknown' }), ctx()))).to.include({
        status: 400,
        code: 'invalid_source',
      });
      nock(BASE).get('/v4/INSIGHTS/1/unknown').reply(404, {});
      expect(
        await rejects(
          validifiInsights.submit(parse({ product: 'BankQUALIFY', inquiry_id: 'unknown' }), ctx()),
        ),
      ).to.include({ status: 400, code: 'invalid_source' });
    });
  });

  describe('poll', () => {
    it('an inquiry still analysing is pending, with its Retry-After', async () => {
      token();
      nock(BASE).get(`/v4/INSIGHTS/3/${INQ}`).reply(202, { inquiryId: INQ }, { 'retry-after': '4' });
      expect(await validifiInsights.poll(REF, ctx())).to.deep.equal({
        state: 'pending',
        providerStatus: 'INSIGHTS inquiry analysing (HTTP 202)',
        retryAfterMs: 4000,
      });
    });

    it('a report rendering is pending; statusCode 2 is done, its cautions kept as warnings', async () => {
      token();
      nock(BASE).get(`/v4/INSIGHTS/3/${INQ}`).times(2).reply(200, inquiry());
      nock(BASE).get(`/v4/AffordAI/${REPORT}`).reply(202, { reportId: REPORT, status: null, fileData: null });
      const first = await validifiInsights.poll(REF, ctx());
      expect(first).to.deep.include({
        state: 'pending',
        providerStatus: 'AffordAI report rendering (HTTP 202)',
      });
      nock(BASE)
        .get(`/v4/AffordAI/${REPORT}`)
        .reply(200, report(2, [{ errorCode: 7, description: 'Caution: Limited data available' }]));
      const step = await validifiInsights.poll(REF, ctx());
      expect(step).to.deep.include({
        state: 'done',
        providerStatus: 'AffordAI statusCode 2 (Success with non-fatal errors)',
      });
      if (step.state !== 'done') return;
      expect(JSON.stringify(step.result), 'the poll result does not carry the file').not.to.include(
        PDF.toString('base64'),
      );
      const out = validifiInsights.normalise(step.result, blp(), REF);
      expect(out.warnings.join(' ')).to.include('errorCode 7: Caution: Limited data available');
    });

    for (const [statusCode, errorCode] of [
      [3, 13],
      [4, 11],
    ] as const) {
      it(`a report that ends with statusCode ${statusCode} (errorCode ${errorCode}) failed, in the page words`, async () => {
        token();
        nock(BASE).get(`/v4/INSIGHTS/3/${INQ}`).reply(200, inquiry());
        nock(BASE)
          .get(`/v4/AffordAI/${REPORT}`)
          .reply(400, report(statusCode, [{ errorCode }], false));
        const step = await validifiInsights.poll(REF, ctx());
        expect(step.state).to.equal('failed');
        if (step.state !== 'failed') return;
        expect(step.providerStatus).to.match(
          new RegExp(`^AffordAI statusCode ${statusCode} \\(Fatal error from`),
        );
        expect(step.reason).to.include(`errorCode ${errorCode}: Fatal:`);
      });
    }

    it('an inquiry that ValidiFI ended without a result is failed', async () => {
      token();
      nock(BASE)
        .get(`/v4/INSIGHTS/3/${INQ}`)
        .reply(200, {
          inquiryId: INQ,
          status: {
            statusCode: 4,
            status: 'Fatal error from dependency',
            errors: [{ errorCode: 0, description: 'The account cannot be read' }],
          },
        });
      const step = await validifiInsights.poll(REF, ctx());
      expect(step.state).to.equal('failed');
      if (step.state === 'failed') expect(step.reason).to.include('The account cannot be read');
    });

    it('429 (Retry-After) and 5xx are ProviderUnavailable; a malformed answer is validifi_bad_response', async () => {
      token();
      nock(BASE).get(`/v4/INSIGHTS/3/${INQ}`).reply(429, {}, { 'retry-after': '9' });
      const a = await rejects(validifiInsights.poll(REF, ctx()));
      expect(a).to.be.instanceOf(ProviderUnavailable);
      expect(a).to.include({ retryAfterMs: 9000 });
      nock(BASE).get(`/v4/INSIGHTS/3/${INQ}`).reply(503, 'down');
      expect(await rejects(validifiInsights.poll(REF, ctx()))).to.be.instanceOf(ProviderUnavailable);
      nock(BASE).get(`/v4/INSIGHTS/3/${INQ}`).reply(200, { inquiryId: 42, status: 'fine' });
      expect(await rejects(validifiInsights.poll(REF, ctx()))).to.include({
        status: 502,
        code: 'validifi_bad_response',
      });
      nock(BASE)
        .get(`/v4/INSIGHTS/3/${INQ}`)
        .reply(200, inquiry({ blpAccountAnalyticsResult: { riskScore: 5000 } }));
      expect(await rejects(validifiInsights.poll(REF, ctx()))).to.include({ code: 'validifi_bad_response' });
    });
  });

  describe('collect', () => {
    const done: InsightsAnalysis = {
      productId: 3,
      inquiry: null,
      rawInquiry: null,
      report: { reportId: REPORT, status: { statusCode: 1 } },
      simulated: false,
    };
    it('returns the report file as affordai-report.pdf', async () => {
      token();
      nock(BASE).get(`/v4/AffordAI/${REPORT}`).reply(200, report(1, null));
      const docs = await validifiInsights.collect?.(REF, done, ctx());
      expect(docs).to.have.length(1);
      expect(docs?.[0]).to.include({ name: AFFORDAI_DOCUMENT, content_type: 'application/pdf' });
      expect(Buffer.from(docs?.[0]?.bytes ?? []).equals(PDF)).to.equal(true);
    });
    it('a file that is not a PDF is validifi_bad_response; a simulated report has no file to fetch', async () => {
      token();
      nock(BASE)
        .get(`/v4/AffordAI/${REPORT}`)
        .reply(200, { ...report(1, null), fileData: { report: Buffer.from('<html>').toString('base64') } });
      expect(await rejects(Promise.resolve(validifiInsights.collect?.(REF, done, ctx())))).to.include({
        code: 'validifi_bad_response',
      });
      expect(await validifiInsights.collect?.(REF, { ...done, simulated: true }, ctx())).to.deep.equal([]);
    });
  });

  describe('normalise', () => {
    it('maps the figures to minor units, the score with its scale, the risk word and the indicators; raw kept', () => {
      const a: InsightsAnalysis = {
        productId: 3,
        inquiry: {
          ...inquiry(),
          status: { statusCode: 1, status: 'Success', errors: null },
          blpAccountAnalyticsResult: {
            ...RESULT,
            accountOwnership: 'Match',
            affordabilityRisk: 'Medium',
            fraudRisk: 'Low',
            recommendedAction: 'Review',
            recommendedPaymentFrequency: 'biweekly_oblig',
          },
        },
        rawInquiry: inquiry(),
        report: { reportId: REPORT, status: { statusCode: 1, status: 'Success', errors: null } },
        simulated: false,
      };
      const out = validifiInsights.normalise(a, blp(), REF);
      expect(out.transactions).to.deep.equal([]);
      expect(out.third_party).to.deep.include({
        provider: 'validifi_insights',
        product: 'BankLOGIN+ + AffordAI',
        version: 'BankLOGIN+ 2.0 (API v4)',
        analysis_id: INQ,
      });
      expect(out.third_party.mapped).to.deep.equal({
        currency: 'USD',
        monthly_income_minor: 420050,
        monthly_expenditure_minor: 360025,
        disposable_income_minor: 60025,
        affordable_amount_minor: 21667, // $100 every two weeks = $216.67 a month
        score: { value: 612, min: 1, max: 999, name: 'ValidiFI risk score (higher is riskier)' },
        risk_level: 'medium',
        indicators: ['nsf_returns'],
      });
      expect(out.third_party.raw).to.deep.equal({
        insights: inquiry(),
        affordai: { reportId: REPORT, status: { statusCode: 1, status: 'Success', errors: null } },
      });
      expect(out.metadata).to.deep.include({ product: 'BankLOGIN+', inquiry_id: INQ });
    });
    it('without an affordability word the recommended action decides; a no-match owner and a closed account are indicators', () => {
      const a: InsightsAnalysis = {
        productId: 1,
        inquiry: {
          inquiryId: INQ,
          bqAccountAnalyticsResult: {
            recommendedAction: 'Decline',
            accountOwnership: 'NoMatch',
            fraudRisk: 'High',
            accountStatus: 'Closed',
            currencyCode: 'USD',
          },
        },
        rawInquiry: {},
        report: null,
        simulated: false,
      };
      const out = validifiInsights.normalise(a, bq(), { ...REF, product_id: 1, report_id: null });
      expect(out.third_party.product).to.equal('BankQUALIFY');
      expect(out.third_party.mapped).to.deep.equal({
        currency: 'USD',
        risk_level: 'high',
        indicators: ['account_ownership_no_match', 'high_fraud_risk', 'account_closed'],
      });
    });
  });
});
