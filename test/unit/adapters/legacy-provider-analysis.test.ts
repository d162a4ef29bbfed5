/**
 * The legacy_provider analysis adapter over HTTP mocks (nock): what it sends, how each answer of the
 * provider is read (statuses, Retry-After, malformed bodies), attaching, submitting twice, and the mapping
 * of its answers — the bodies here are the shapes of the provider's public page (its response samples),
 * with values chosen so that each mapped figure can be checked by hand.
 */
import { expect } from 'chai';
import nock from 'nock';
import { ProviderUnavailable } from '../../../adapters/analysis.ts';
import {
  LegacyProviderCredentialsSchema,
  LegacyProviderSourceSchema,
  applicantIdFor,
  clearLegacyTokenCache,
  legacyProvider,
  toByodRequest,
  type LegacyResult,
} from '../../../adapters/legacy_provider/index.ts';
import { SourceError } from '../../../adapters/source.ts';
import { analysisContext } from '../../helpers/analysis.ts';

const BASE = 'https://legacy.example';
const CREDS = { base_url: BASE, username: 'org-user', password: 'Pa55-do-not-leak' };
const TOKEN = 'legtok-secret-value';
const APP = '5eb7cf5a86d9755df3a6c593';
const ctx = (over: Parameters<typeof analysisContext>[1] = {}) => analysisContext(CREDS, over);
const input = (over: Record<string, unknown> = {}) =>
  LegacyProviderSourceSchema.parse({
    type: 'legacy_provider',
    transactions: [
      { date: '2026-10-01', amount: -25000, merchant_name: 'ACME PAYROLL', account_id: 'cheque' },
      {
        date: '2026-10-02',
        amount: 6500.5,
        merchant_name: 'CITY RENTALS',
        description: 'RENT OCT',
        account_id: 'cheque',
      },
      { date: '2026-10-03', amount: 120, merchant_name: 'HOLLYWOODBETS', account_id: 'cheque', balance: -80 },
    ],
    redirect_url: 'https://lender.example/done',
    ...over,
  });

async function rejects(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(Error);
    const m = (e as Error).message;
    for (const secret of [CREDS.password, TOKEN]) expect(m).not.to.include(secret);
    return e as Error;
  }
  throw new Error('expected a rejection');
}

const token = () =>
  nock(BASE)
    .post(
      '/token',
      (body: Record<string, string>) =>
        body.username === 'org-user' && body.password === CREDS.password && body.grant_type === 'password',
    )
    .reply(200, { access_token: TOKEN, token_type: 'bearer', expires_in: 900 });

// The page's response samples, with figures to check by hand.
const AFFORDABILITY = {
  bank_connection: 'conn-1',
  affordability: {
    monthly_affordability: [
      {
        year: 2026,
        month: 9,
        primary_income: 25000,
        secondary_income: 500,
        non_discretionary_expenses: 9000,
        discretionary_expenses: 4000,
        affordability_amount: 12500,
        full_month: true,
      },
      {
        year: 2026,
        month: 10,
        primary_income: 25000,
        secondary_income: 0,
        non_discretionary_expenses: 9500,
        discretionary_expenses: 3000,
        affordability_amount: 12500,
        full_month: false,
      },
    ],
    average_full_month_primary_income: 25000,
    average_full_month_secondary_income: 500.255,
    average_full_month_discretionary_expenses: 4000.1,
    average_full_month_non_discretionary_expenses: 9000,
    average_full_month_affordability: 12500.15,
  },
};
const INCOME = {
  bank_connection: 'conn-1',
  income_analysis: {
    consistency_score: 0.9,
    longevity_score: 1,
    regularity_score: 0.8,
    income_month_breaks: 0,
    income_indicator: 1,
    months_back: 6,
    income_heatmap: { '25': 6 },
    strike_date: 25,
  },
};
const RISK = {
  bank_connection: 'conn-1',
  risk_insights: {
    begin_date: '2026-05-01',
    end_date: '2026-10-31',
    risk_insights: {
      gambling_insights: {
        monthly_gambling_analysis: [],
        monthly_average_gambling_spend: 120,
        monthly_average_gambling_proportion: 0.005,
      },
      overdraft_insights: {
        total_days_in_overdraft: 0,
        total_proportion_of_days_in_overdraft: 0,
        unique_months: 0,
        monthly_average_days_in_overdraft: 0,
        monthly_overdraft_analysis: [],
      },
      returned_debit_orders_insights: {
        last_month_count: 0,
        last_3_months_count: 1,
        last_6_months_count: 1,
        last_12_months_count: 1,
        monthly_average_debit_order_value: 350,
      },
      atm_and_cash_insights: {
        monthly_atm_and_cash_spend_analysis: [],
        atm_and_cash_average_amount: 0,
        average_withdrawal_proportion: 0,
      },
      net_saver_spender_insights: { net_saver_spender: 'saver' },
      ssi_insights: { monthly_ssi_analysis: [], monthly_average_ssi: 0 },
    },
  },
};
const EXPENSES = {
  bank_connection: 'conn-1',
  expenses_insights: {
    top_expense_amounts: [
      { label: 'rent', amount: 39000, average_monthly_spend: 6500, percentage_of_total_spend: 50 },
    ],
    unique_months: 6,
    spend_split: { discretionary_spend_percentage: 30, non_discretionary_spend_percentage: 70 },
  },
};
const LABELLED = [
  {
    account: 'acc-1',
    transactions: [
      {
        id: 't1',
        datetime: '2026-10-01T12:00:00',
        amount: 25000,
        description: 'ACME PAYROLL',
        reference: 'SALARY',
        currency: 'ZAR',
        label: 'salary',
        balance: 25100,
        bank_slug: 'fnb',
      },
      {
        id: 't2',
        datetime: '2026-10-02T12:00:00',
        amount: -6500.5,
        description: 'CITY RENTALS',
        reference: 'RENT OCT',
        currency: 'ZAR',
        label: 'rent',
        balance: 18599.5,
        bank_slug: 'fnb',
      },
      {
        id: 't3',
        datetime: '2026-10-03T12:00:00',
        amount: -120,
        description: 'HOLLYWOODBETS',
        currency: 'ZAR',
        label: 'Mystery Label',
        balance: -80,
        bank_slug: 'fnb',
      },
    ],
  },
];
const results = (over: Partial<Record<string, [number, unknown, Record<string, string>?]>> = {}) => {
  const all: Record<string, [number, unknown, Record<string, string>?]> = {
    affordability: [200, AFFORDABILITY],
    'income-analysis': [200, INCOME],
    'risk-insights': [200, RISK],
    'expense-insights': [200, EXPENSES],
    'labelled-transactions': [200, LABELLED],
    ...over,
  };
  for (const [path, [status, body, headers]] of Object.entries(all)) {
    nock(BASE)
      .get(`/applications/${APP}/${path}`)
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(status, body as nock.Body, headers);
    if (status !== 200) break; // the adapter stops at the first result that is not ready
  }
};
const ref = {
  application_id: APP,
  time_zone: 'Africa/Johannesburg',
  currency: 'ZAR',
  uploaded: 3,
  attached: false,
};

describe('legacy_provider analysis adapter (nock)', function () {
  this.timeout(20_000);
  before(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  after(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
  beforeEach(() => clearLegacyTokenCache());
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending, 'every mocked call was made').to.deep.equal([]);
  });

  describe('input and credentials', () => {
    it('takes transactions or an application_id, never both, and one currency', () => {
      expect(LegacyProviderSourceSchema.safeParse({ type: 'legacy_provider' }).success).to.equal(false);
      const both = LegacyProviderSourceSchema.safeParse({ ...input(), application_id: APP });
      expect(both.success).to.equal(false);
      expect(JSON.stringify(both.error?.issues)).to.include('must not be sent with application_id');
      const mixed = LegacyProviderSourceSchema.safeParse({
        type: 'legacy_provider',
        transactions: [{ date: '2026-10-01', amount: 1, merchant_name: 'X', currency: 'GBP' }],
      });
      expect(mixed.success).to.equal(false);
      expect(input().time_zone).to.equal('Africa/Johannesburg');
    });

    it('credentials: https (http only on loopback), and either username and password or an API key', () => {
      expect(LegacyProviderCredentialsSchema.safeParse(CREDS).success).to.equal(true);
      expect(
        LegacyProviderCredentialsSchema.safeParse({ base_url: 'http://127.0.0.1:9', api_key: 'k' }).success,
      ).to.equal(true);
      expect(
        LegacyProviderCredentialsSchema.safeParse({ ...CREDS, base_url: 'http://legacy.example' }).success,
      ).to.equal(false);
      expect(LegacyProviderCredentialsSchema.safeParse({ ...CREDS, api_key: 'k' }).success).to.equal(false);
      expect(LegacyProviderCredentialsSchema.safeParse({ base_url: BASE, username: 'u' }).success).to.equal(
        false,
      );
    });
  });

  describe('submit', () => {
    it('creates the application under the reference applicant, uploads BYOD in the provider sign, and keeps the ids', async () => {
      const applicant = applicantIdFor('partner-1', 'job-0001');
      expect(applicant).to.match(/^[0-9a-f]{24}$/);
      token();
      nock(BASE)
        .get('/applications')
        .query({ skip: 0, limit: 100 })
        .reply(200, [{ id: 'other', applicant: 'someone-else', proxy_id: 'p' }]);
      nock(BASE)
        .post('/applications', {
          application_config_id: null,
          applicant_id: applicant,
          redirect_url: 'https://lender.example/done',
        })
        .reply(201, { id: APP, applicant, proxy_id: 'px' });
      let uploaded: unknown;
      nock(BASE)
        .post(`/applications/${APP}/byod`, (b: unknown) => ((uploaded = b), true))
        .reply(200, { accounts: [] });
      const r = await legacyProvider.submit(input(), ctx());
      expect(r).to.deep.equal({
        application_id: APP,
        time_zone: 'Africa/Johannesburg',
        currency: 'ZAR',
        uploaded: 3,
        attached: false,
      });
      expect(uploaded).to.deep.equal({
        accounts: [
          {
            account_name: 'cheque',
            currency: 'ZAR',
            transactions: [
              {
                datetime: '2026-10-01T12:00:00',
                amount: 25000,
                description: 'ACME PAYROLL',
                currency: 'ZAR',
              },
              {
                datetime: '2026-10-02T12:00:00',
                amount: -6500.5,
                description: 'CITY RENTALS',
                reference: 'RENT OCT',
                currency: 'ZAR',
              },
              {
                datetime: '2026-10-03T12:00:00',
                amount: -120,
                balance: -80,
                description: 'HOLLYWOODBETS',
                currency: 'ZAR',
              },
            ],
          },
        ],
      });
    });

    it('a second run finds the application by its applicant and skips an upload already made', async () => {
      const applicant = applicantIdFor('partner-1', 'job-0001');
      token();
      nock(BASE)
        .get('/applications')
        .query({ skip: 0, limit: 100 })
        .reply(200, [{ id: APP, applicant, proxy_id: 'px' }]);
      nock(BASE)
        .get(`/applications/${APP}/statements`)
        .reply(200, { accounts_summary: [{ account: 'a', total_transactions: 3 }] });
      const r = await legacyProvider.submit(input(), ctx());
      expect(r.application_id).to.equal(APP);
    });

    it('a second run after a crash before the upload uploads (no data yet: statements 404)', async () => {
      const applicant = applicantIdFor('partner-1', 'job-0001');
      token();
      nock(BASE)
        .get('/applications')
        .query({ skip: 0, limit: 100 })
        .reply(200, [{ id: APP, applicant }]);
      nock(BASE).get(`/applications/${APP}/statements`).reply(404, { detail: 'none' });
      nock(BASE).post(`/applications/${APP}/byod`).reply(200, { accounts: [] });
      await legacyProvider.submit(input(), ctx());
    });

    it('prefills personal info when given, and sends the application config', async () => {
      token();
      nock(BASE).get('/applications').query(true).reply(200, []);
      nock(BASE)
        .post('/applications', (b: Record<string, unknown>) => b.application_config_id === 'cfg-1')
        .reply(201, { id: APP, applicant: 'x' });
      nock(BASE)
        .post(
          `/applications/${APP}/personal-info`,
          (b: Record<string, unknown>) => b.first_names === 'Thandi' && b.gov_id === '8001015009087',
        )
        .reply(200, {});
      nock(BASE).post(`/applications/${APP}/byod`).reply(200, { accounts: [] });
      await legacyProvider.submit(
        input({
          application_config_id: 'cfg-1',
          personal_info: {
            first_names: 'Thandi',
            last_names: 'Nkosi',
            date_of_birth: '1980-01-01',
            nationality: 'ZA',
            id_type: 'national_id',
            id_country: 'ZA',
            email: 'thandi@example.com',
            gov_id: '8001015009087',
          },
        }),
        ctx(),
      );
    });

    it('a refused upload is provider_request_refused with the provider reason (FastAPI detail)', async () => {
      token();
      nock(BASE).get('/applications').query(true).reply(200, []);
      nock(BASE).post('/applications').reply(201, { id: APP, applicant: 'x' });
      nock(BASE)
        .post(`/applications/${APP}/byod`)
        .reply(422, {
          detail: [
            { loc: ['body', 'accounts', 0, 'account_number'], msg: 'Field required', type: 'missing' },
          ],
        });
      const e = await rejects(legacyProvider.submit(input(), ctx()));
      expect(e).to.include({ status: 502, code: 'provider_request_refused' });
      expect(e.message).to.include('accounts.0.account_number: Field required');
    });

    it('402 is provider_out_of_credits; a refused password is provider_credentials_refused', async () => {
      token();
      nock(BASE).get('/applications').query(true).reply(200, []);
      nock(BASE).post('/applications').reply(402, { detail: 'No credits' });
      expect(await rejects(legacyProvider.submit(input(), ctx()))).to.include({
        code: 'provider_out_of_credits',
      });
      clearLegacyTokenCache();
      nock(BASE).post('/token').reply(401, { detail: 'Incorrect username or password' });
      expect(await rejects(legacyProvider.submit(input(), ctx()))).to.include({
        code: 'provider_credentials_refused',
      });
    });

    it('no redirect_url anywhere: provider_not_configured, before any application is created', async () => {
      token();
      nock(BASE).get('/applications').query(true).reply(200, []);
      const e = await rejects(legacyProvider.submit(input({ redirect_url: undefined }), ctx()));
      expect(e).to.include({ status: 422, code: 'provider_not_configured' });
    });

    it('attach: checks the application exists; an unknown id is the partner input (400)', async () => {
      token();
      nock(BASE).get(`/applications/${APP}`).reply(200, { id: APP, applicant: 'x', proxy_id: 'p' });
      const r = await legacyProvider.submit(
        LegacyProviderSourceSchema.parse({ type: 'legacy_provider', application_id: APP }),
        ctx(),
      );
      expect(r).to.deep.equal({ application_id: APP, time_zone: 'Africa/Johannesburg', attached: true });
      nock(BASE).get('/applications/unknown').reply(404, { detail: 'Application not found' });
      const e = await rejects(
        legacyProvider.submit(
          LegacyProviderSourceSchema.parse({ type: 'legacy_provider', application_id: 'unknown' }),
          ctx(),
        ),
      );
      expect(e).to.be.instanceOf(SourceError);
      expect(e).to.include({ status: 400, code: 'invalid_source' });
    });

    it('an expired token is refreshed once on a 401, then the call is made again', async () => {
      nock(BASE).post('/token').reply(200, { access_token: 'old-token', token_type: 'bearer' });
      nock(BASE)
        .get(`/applications/${APP}`)
        .matchHeader('authorization', 'Bearer old-token')
        .reply(401, { detail: 'expired' });
      token();
      nock(BASE)
        .get(`/applications/${APP}`)
        .matchHeader('authorization', `Bearer ${TOKEN}`)
        .reply(200, { id: APP, applicant: 'x' });
      await legacyProvider.submit(
        LegacyProviderSourceSchema.parse({ type: 'legacy_provider', application_id: APP }),
        ctx(),
      );
    });
  });

  describe('poll', () => {
    for (const status of [202, 404, 409]) {
      it(`HTTP ${status} on a result is pending, with its Retry-After`, async () => {
        token();
        results({ affordability: [status, { detail: 'processing' }, { 'retry-after': '30' }] });
        const step = await legacyProvider.poll(ref, ctx());
        expect(step).to.deep.equal({
          state: 'pending',
          providerStatus: `the affordability: not ready (HTTP ${status})`,
          retryAfterMs: 30_000,
        });
      });
    }

    it('a later result not ready yet is pending too; Retry-After as an HTTP date', async () => {
      token();
      const at = new Date(Date.now() + 60_000).toUTCString();
      results({ 'labelled-transactions': [409, { detail: 'labelling' }, { 'retry-after': at }] });
      const step = await legacyProvider.poll(ref, ctx());
      expect(step.state).to.equal('pending');
      if (step.state === 'pending') expect(step.retryAfterMs).to.be.within(55_000, 60_000);
    });

    it('400 on a result: the analysis failed, in the provider words', async () => {
      token();
      results({ 'income-analysis': [400, { detail: 'Insufficient data' }] });
      const step = await legacyProvider.poll(ref, ctx());
      expect(step).to.deep.include({
        state: 'failed',
        providerStatus: 'the income analysis: refused (HTTP 400)',
      });
      if (step.state === 'failed') expect(step.reason).to.include('"Insufficient data"');
    });

    it('429 and 5xx are ProviderUnavailable (429 with its Retry-After)', async () => {
      token();
      nock(BASE).get(`/applications/${APP}/affordability`).reply(429, {}, { 'retry-after': '12' });
      const e = await rejects(legacyProvider.poll(ref, ctx()));
      expect(e).to.be.instanceOf(ProviderUnavailable);
      expect(e).to.include({ retryAfterMs: 12_000 });
      nock(BASE).get(`/applications/${APP}/affordability`).reply(502, 'bad gateway');
      expect(await rejects(legacyProvider.poll(ref, ctx()))).to.be.instanceOf(ProviderUnavailable);
    });

    it('a malformed figure or labelled transaction is provider_bad_response (502)', async () => {
      token();
      results({ affordability: [200, { affordability: { average_full_month_affordability: 'lots' } }] });
      const e = await rejects(legacyProvider.poll(ref, ctx()));
      expect(e).to.include({ status: 502, code: 'provider_bad_response' });
      results({
        'labelled-transactions': [
          200,
          [{ account: 'a', transactions: [{ datetime: 'yesterday', amount: 1, currency: 'ZAR' }] }],
        ],
      });
      const l = await rejects(legacyProvider.poll(ref, ctx()));
      expect(l).to.include({ code: 'provider_bad_response' });
      expect(l.message).to.include('accounts.0.transactions.0.datetime');
    });

    it('done: every result read, and normalised onto the one model and the provider verdict', async () => {
      token();
      results();
      const step = await legacyProvider.poll(ref, ctx());
      expect(step.state).to.equal('done');
      if (step.state !== 'done') return;
      const out = legacyProvider.normalise(step.result, input(), ref);
      // The labelled transactions through the labelled_transactions mapping: the model's sign, pence, labels as hints.
      expect(
        out.transactions.map((t) => [t.date, t.amount_minor, t.currency, t.category_hint, t.source]),
      ).to.deep.equal([
        ['2026-10-01', -2500000, 'ZAR', 'INCOME_WAGES', 'legacy_provider'],
        ['2026-10-02', 650050, 'ZAR', 'RENT_AND_UTILITIES_RENT', 'legacy_provider'],
        ['2026-10-03', 12000, 'ZAR', undefined, 'legacy_provider'],
      ]);
      expect(out.warnings.join(' ')).to.include('mystery_label (1)');
      expect(out.third_party).to.deep.include({
        provider: 'legacy_provider',
        product: 'affordability',
        version: '0.1.0',
        analysis_id: APP,
      });
      expect(out.third_party.mapped).to.deep.equal({
        currency: 'ZAR',
        monthly_income_minor: 2550026, // 25,000 + 500.255 → R25,500.26
        monthly_expenditure_minor: 1300010, // 4,000.10 + 9,000
        affordable_amount_minor: 1250015,
        indicators: ['gambling', 'returned_debit_orders'],
      });
      expect(out.third_party.raw).to.deep.equal({
        affordability: AFFORDABILITY,
        income_analysis: INCOME,
        risk_insights: RISK,
        expense_insights: EXPENSES,
      });
      expect(out.metadata).to.deep.include({ application_id: APP, months: 2, full_months: 1, uploaded: 3 });
    });

    it('an application with no labelled transactions keeps the figures and says there is nothing to assess', async () => {
      token();
      results({ 'labelled-transactions': [200, []] });
      const step = await legacyProvider.poll(ref, ctx());
      if (step.state !== 'done') throw new Error(step.state);
      const out = legacyProvider.normalise(step.result, input(), { ...ref, uploaded: 0 });
      expect(out.transactions).to.deep.equal([]);
      expect(out.warnings.join(' ')).to.include('no labelled transactions');
      expect(out.third_party.mapped.monthly_income_minor).to.equal(2550026);
    });
  });

  it('toByodRequest keeps per-account details given, by account_id, and never a zero-signed amount', () => {
    const r = toByodRequest(
      [
        { date: '2026-01-01', amount: 0, merchant_name: 'ZERO' },
        { date: '2026-01-02', amount: 10, merchant_name: 'SHOP', account_id: 'savings' },
      ],
      'ZAR',
      [{ account_id: 'savings', account_number: '62000001234', account_type: 'savings', bank_slug: 'fnb' }],
    );
    expect(Object.is(r.accounts[0]?.transactions[0]?.amount, 0)).to.equal(true);
    expect(r.accounts[1]).to.deep.include({
      account_name: 'savings',
      account_number: '62000001234',
      account_type: 'savings',
      bank_slug: 'fnb',
    });
  });

  it('normalise is pure: the same result gives the same output', () => {
    const result: LegacyResult = {
      application_id: APP,
      labelled: null,
      affordability: { affordability: {} },
      income: { income_analysis: {} },
      risk: { risk_insights: {} },
      expenses: { expenses_insights: {} },
      raw: { affordability: {}, income_analysis: {}, risk_insights: {}, expense_insights: {} },
    };
    const a = legacyProvider.normalise(result, input(), ref);
    expect(legacyProvider.normalise(result, input(), ref)).to.deep.equal(a);
    expect(a.third_party.mapped).to.deep.equal({ currency: 'ZAR' });
  });
});
