/**
 * The credit-decisioning API adapter against HTTP mocks (nock). The provider's payloads here are
 * modelled on its public pages: the token response of its API reference (`access_token`, `expires_in`…,
 * 201), the quick start's customer and analysis calls (422 on a duplicate customIdentifier, 202 for a
 * new analysis), the Credit Insights samples of its incomes and expenses pages (WAGE 2,581.45 a month;
 * expenses -4,320.84 a month), its risk indicators page (gambling, incidents, overdraft… each a
 * totalAmount and transactions), its open-banking data samples (accounts with balance, currency, type
 * CHECKING, and transactions with `dates.debitedAt`, a signed `amount`, a `description`), and its
 * webhook and "Check signature" pages (`X-Hub-Signature: sha256=` HMAC of `JSON.stringify(payload)`).
 */
import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import nock from 'nock';
import { ProviderUnavailable, type AnalysisContext, type AnalysisRef } from '../../../adapters/analysis.ts';
import {
  DecisioningCredentialsSchema,
  DecisioningSourceSchema,
  clearTokenCache,
  decisioningApi,
  type DecisioningResult,
  type DecisioningSourceInput,
} from '../../../adapters/decisioning_api/index.ts';
import { WireAnalysis, fingerprint, toUpload, verdictOf } from '../../../adapters/decisioning_api/map.ts';
import { signedTexts } from '../../../adapters/decisioning_api/webhook.ts';
import { ProviderRuntime } from '../../../adapters/runtime.ts';
import { MAX_TRANSACTIONS } from '../../../adapters/schema.ts';
import { SourceError } from '../../../adapters/source.ts';

const BASE = 'https://api.algoan.com';
const SECRET = 's3cr3t-client-value-do-not-leak';
const HOOK_SECRET = 'whsec-subscription-do-not-leak';
const CREDS = {
  client_id: 'svc-account-1',
  client_secret: SECRET,
  base_url: BASE,
  webhook_secret: HOOK_SECRET,
};
const REF = 'job_8c1f2e';
const CUSTOMER = '5f1b2c3d4e5f60718293a4b5';
const ANALYSIS = '6062a1b2c3d4e5f607182930';

const runtime = () =>
  new ProviderRuntime({
    timeoutMs: 2000,
    deadlineMs: 10_000,
    retries: 0,
    backoffMs: 10,
    limits: { maxConcurrent: 50, minTimeMs: 0 },
  });
const ctx = (over: Partial<AnalysisContext> = {}): AnalysisContext => ({
  partnerId: 'p1',
  now: new Date('2026-11-02T09:00:00Z'),
  credentials: CREDS,
  runtime: runtime(),
  reference: REF,
  ...over,
});

let issued: string[] = [];
/** A token reply as the reference shows it, unique per call. */
const tokenReply = (expiresIn = 86_400) => {
  const t = `eyJhbGciOiJSUzI1NiJ9.${Math.random().toString(36).slice(2)}`;
  issued.push(t);
  return {
    access_token: t,
    expires_in: expiresIn,
    refresh_expires_in: 864_000,
    refresh_token: 'eyJhbGciOiJIUzI1NiIsInR5.refresh',
    token_type: 'bearer',
  };
};
const TOKEN_FORM = {
  grant_type: 'client_credentials',
  client_id: CREDS.client_id,
  client_secret: SECRET,
};

/** 25 transactions like the provider's UK sample (salary in, card payments, gambling, an overdraft fee). */
function veqtrxTransactions() {
  const out: Array<Record<string, unknown>> = [
    {
      date: '2026-09-11',
      amount: -1356.53,
      merchant_name: 'ALGOAN SALARY',
      description: 'ALGOAN SALARY 00000005532BCKRD',
    },
    {
      date: '2026-09-13',
      amount: 350,
      merchant_name: 'MR HARRY POTTER',
      description: 'MR HARRY POTTER - Rent - BP',
    },
    { date: '2026-09-14', amount: 350, merchant_name: 'LeoVegas', description: 'LeoVegas CD 4130' },
    { date: '2026-09-15', amount: 18, merchant_name: 'UNARRANGED OVERDRAFT USAGE FEE' },
  ];
  for (let i = 0; i < 21; i++)
    out.push({
      date: `2026-10-${String(i + 1).padStart(2, '0')}`,
      amount: 10 + i,
      merchant_name: 'ALDI',
      description: 'ALDI CD 4130',
    });
  out[out.length - 1]!.balance = -362.05;
  return out;
}
const submitInput = (over: Record<string, unknown> = {}): DecisioningSourceInput =>
  DecisioningSourceSchema.parse({ type: 'decisioning_api', transactions: veqtrxTransactions(), ...over });
const attachInput = () =>
  DecisioningSourceSchema.parse({ type: 'decisioning_api', customer_id: CUSTOMER, analysis_id: ANALYSIS });

/** The analysis the provider would return for an upload: echoed accounts with ids, and the docs' insight samples. */
function completedAnalysis(upload = toUpload(submitInput()), status = 'COMPLETED') {
  const wage = {
    currency: 'GBP',
    amount: 1356.53,
    description: 'ALGOAN SALARY 00000005532BCKRD',
    dates: { debitedAt: '2026-09-11T12:00:00.000Z', bookedAt: '2026-09-11T12:00:00.000Z' },
    isComing: true,
    enrichments: { category: 'WAGE', type: 'INCOMING_TRANSFER', isRejected: false },
    id: '624af3553cbf19956830cfab',
  };
  return {
    id: ANALYSIS,
    status,
    createdAt: '2026-11-02T09:00:01.000Z',
    updatedAt: '2026-11-02T09:00:09.000Z',
    accounts: upload.accounts.map((a, i) => ({
      ...a,
      id: `acc${i}`,
      iban: 'GB05GQKQ13065644352477',
      bank: { id: 'AD', name: 'Algoan Demo' },
      transactions: a.transactions.map((t, j) => ({ ...t, id: `tx${i}-${j}` })),
    })),
    scores: { creditScore: { value: 87, version: '2.1.0', indicators: { livingStandard: -2 } } },
    creditInsights: {
      incomes: {
        totalAmount: 8624.35,
        monthlyAmount: 2874.78,
        indicators: { allowancesRatio: 0 },
        categories: [
          {
            name: 'WAGE',
            totalAmount: 7744.35,
            monthlyAmount: 2581.45,
            monthlyAmountExcludingMonthsWithoutValues: 2581.45,
            calendar: [{ month: '2026-09', amount: 2581.45 }],
            transactions: [wage],
          },
        ],
        employers: [],
      },
      expenses: {
        totalAmount: -12962.52,
        monthlyAmount: -4320.84,
        categories: [{ name: 'GROCERY', totalAmount: -633.46, monthlyAmount: -211.15, transactions: [wage] }],
      },
      risks: {
        gambling: { totalAmount: -350, transactions: [wage] },
        incidents: { totalAmount: 0, transactions: [] },
        overdraft: { totalAmount: -18, transactions: [wage], daysInOverdraft: 12, lowestBalance: -512.4 },
        heavyFailures: { totalAmount: 0, transactions: [] },
        wageAdvance: { totalAmount: 0, transactions: [] },
        debtCollection: { totalAmount: 0, transactions: [] },
      },
      loans: { any: 'thing' },
      cashFlows: [],
    },
  };
}
const resultOf = (body: unknown): DecisioningResult => ({
  analysis: WireAnalysis.parse(body),
  raw: verdictOf(body),
});

async function sourceError(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(SourceError);
    const m = (e as Error).message;
    for (const secret of [SECRET, HOOK_SECRET, ...issued]) expect(m).not.to.include(secret);
    return e as SourceError;
  }
  throw new Error('expected a SourceError');
}
async function unavailable(p: Promise<unknown>): Promise<ProviderUnavailable> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(ProviderUnavailable);
    for (const secret of [SECRET, ...issued]) expect((e as Error).message).not.to.include(secret);
    return e as ProviderUnavailable;
  }
  throw new Error('expected ProviderUnavailable');
}

const REF_SUBMITTED: AnalysisRef = {
  customer_id: CUSTOMER,
  analysis_id: ANALYSIS,
  custom_identifier: REF,
  attached: false,
};
const ANALYSIS_PATH = `/v2/customers/${CUSTOMER}/analyses/${ANALYSIS}`;

describe('decisioning_api adapter (nock)', function () {
  this.timeout(20_000);
  before(() => {
    nock.disableNetConnect();
  });
  after(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
  beforeEach(() => {
    clearTokenCache();
    issued = [];
  });
  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    expect(pending, 'every mocked call was made').to.deep.equal([]);
  });

  describe('the source schema', () => {
    it('takes transactions to submit, or the two ids of an analysis to attach to, and parses its own output unchanged', () => {
      const s = submitInput({ customer_identifier: 'lender-cust-42' });
      expect(s.transactions).to.have.length(25);
      expect(DecisioningSourceSchema.parse(s)).to.deep.equal(s);
      const a = attachInput();
      expect(a).to.deep.include({ customer_id: CUSTOMER, analysis_id: ANALYSIS, time_zone: 'Europe/London' });
      expect(DecisioningSourceSchema.parse(a)).to.deep.equal(a);
    });

    it('refuses neither form, both forms, half an attachment, submit-only fields on an attachment and unknown keys', () => {
      const issues = (v: unknown) => {
        const r = DecisioningSourceSchema.safeParse(v);
        expect(r.success, JSON.stringify(v).slice(0, 80)).to.equal(false);
        return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
      };
      expect(issues({ type: 'decisioning_api' })[0]).to.match(/^transactions: is required/);
      expect(
        issues({ type: 'decisioning_api', transactions: veqtrxTransactions(), analysis_id: ANALYSIS }),
      ).to.include(
        'analysis_id: must not be sent with transactions: send either the data to submit or an analysis to attach to',
      );
      expect(issues({ type: 'decisioning_api', analysis_id: ANALYSIS })).to.deep.equal([
        'customer_id: is required with analysis_id',
      ]);
      expect(
        issues({
          type: 'decisioning_api',
          customer_id: CUSTOMER,
          analysis_id: ANALYSIS,
          customer_identifier: 'x',
        }),
      ).to.deep.equal(['customer_identifier: is only for submitting transactions']);
      expect(issues({ type: 'decisioning_api', transactions: veqtrxTransactions(), extra: 1 })[0]).to.match(
        /extra/,
      );
    });

    it(`holds the native limits (at most ${MAX_TRANSACTIONS.toLocaleString('en-GB')} transactions) and the provider's needs (a balance per account, one currency per account)`, () => {
      const many = Array.from({ length: MAX_TRANSACTIONS + 1 }, () => ({
        date: '2026-10-01',
        amount: 1,
        merchant_name: 'X',
        balance: 1,
      }));
      const r = DecisioningSourceSchema.safeParse({ type: 'decisioning_api', transactions: many });
      expect(r.success).to.equal(false);
      expect(r.error!.issues[0]!.message).to.equal('must hold at most 10,000 transactions');

      const noBalance = veqtrxTransactions().map(({ balance: _b, ...t }) => t);
      const nb = DecisioningSourceSchema.safeParse({ type: 'decisioning_api', transactions: noBalance });
      expect(nb.error!.issues.map((i) => i.message)).to.deep.equal([
        "must give the balance of account default (accounts[].balance, or the transactions' running balance): the provider requires each account's balance, and reads overdrafts from it",
      ]);
      expect(
        DecisioningSourceSchema.safeParse({
          type: 'decisioning_api',
          transactions: noBalance,
          accounts: [{ id: 'default', balance: 120.5 }],
        }).success,
      ).to.equal(true);

      const mixed = veqtrxTransactions();
      mixed[3]!.currency = 'EUR';
      const mx = DecisioningSourceSchema.safeParse({ type: 'decisioning_api', transactions: mixed });
      expect(mx.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).to.deep.equal([
        "transactions.3.currency: must be its account's currency (GBP): an account at the provider has one currency",
      ]);
      const unknownAccount = DecisioningSourceSchema.safeParse({
        type: 'decisioning_api',
        transactions: veqtrxTransactions(),
        accounts: [{ id: 'savings', balance: 1 }],
      });
      expect(unknownAccount.error!.issues[0]!.path).to.deep.equal(['accounts', 0, 'id']);
    });

    it('takes https base URLs, and http only on loopback (a simulator)', () => {
      const ok = (base_url: string) =>
        DecisioningCredentialsSchema.safeParse({ client_id: 'a', client_secret: 'b', base_url }).success;
      expect(ok('https://api.algoan.com')).to.equal(true);
      expect(ok('http://127.0.0.1:8092')).to.equal(true);
      expect(ok('http://localhost:8092/')).to.equal(true);
      expect(ok('http://api.algoan.com')).to.equal(false);
      expect(ok('https://user:pw@api.algoan.com')).to.equal(false);
      expect(ok('ftp://127.0.0.1')).to.equal(false);
      expect(
        DecisioningCredentialsSchema.safeParse({
          client_id: 'a',
          client_secret: 'b',
          base_url: BASE,
          other: 1,
        }).success,
      ).to.equal(false);
    });
  });

  describe('the upload', () => {
    it("flips the sign, dates each row at midday UTC, names the account with the lender's id and takes its balance from the last row", () => {
      const up = toUpload(submitInput());
      expect(up.accounts).to.have.length(1);
      const a = up.accounts[0]!;
      expect(a).to.deep.include({
        balance: -362.05,
        balanceDate: '2026-10-21T12:00:00.000Z',
        currency: 'GBP',
        type: 'CHECKING',
        usage: 'PERSONAL',
        name: 'default',
      });
      expect(a.transactions[0]).to.deep.equal({
        dates: { debitedAt: '2026-09-11T12:00:00.000Z', bookedAt: '2026-09-11T12:00:00.000Z' },
        description: 'ALGOAN SALARY 00000005532BCKRD',
        amount: 1356.53,
        currency: 'GBP',
      });
      expect(a.transactions[2]!.amount).to.equal(-350);
      expect(a.transactions[3]!.description, 'no narrative: the merchant name').to.equal(
        'UNARRANGED OVERDRAFT USAGE FEE',
      );
    });

    it("sends the lender's account facts as the provider's (a business savings account, its holder, its balance date)", () => {
      const up = toUpload(
        submitInput({
          accounts: [
            {
              id: 'default',
              type: 'savings',
              usage: 'business',
              balance: 10,
              balance_date: '2026-10-30',
              holder_name: 'ACME LTD',
              currency: 'GBP',
            },
          ],
        }),
      );
      expect(up.accounts[0]).to.deep.include({
        type: 'SAVINGS',
        usage: 'PROFESSIONAL',
        balance: 10,
        balanceDate: '2026-10-30T12:00:00.000Z',
        owners: [{ name: 'ACME LTD' }],
      });
    });
  });

  describe('submit', () => {
    it('gets a token with the form-encoded client credentials, creates the customer with the reference, uploads, and keeps the ids', async () => {
      let uploaded: unknown;
      nock(BASE)
        .post('/v1/oauth/token', TOKEN_FORM)
        .matchHeader('content-type', /application\/x-www-form-urlencoded/)
        .reply(201, tokenReply());
      nock(BASE)
        .post('/v2/customers', { customIdentifier: REF })
        .matchHeader('authorization', (v) => v === `Bearer ${issued[0]}`)
        .reply(201, { id: CUSTOMER, customIdentifier: REF });
      nock(BASE)
        .post(`/v2/customers/${CUSTOMER}/analyses`, (b) => ((uploaded = b), true))
        .reply(202, { id: ANALYSIS, status: 'CREATED' });
      const ref = await decisioningApi.submit(submitInput(), ctx());
      expect(ref).to.deep.equal(REF_SUBMITTED);
      expect(uploaded).to.deep.equal(toUpload(submitInput()));
    });

    it('run again for one reference, finds the customer (422) and its analysis instead of starting a second', async () => {
      nock(BASE).post('/v1/oauth/token').reply(201, tokenReply());
      nock(BASE).post('/v2/customers', { customIdentifier: REF }).reply(422, {
        code: 'UNPROCESSABLE_ENTITY',
        message: 'A customer with the same customIdentifier already exists',
      });
      nock(BASE)
        .get('/v2/customers')
        .query({ filter: JSON.stringify({ customIdentifier: REF }) })
        .reply(200, {
          resources: [{ id: CUSTOMER, customIdentifier: REF }],
          pagination: { totalResources: 1 },
        });
      nock(BASE)
        .get(`/v2/customers/${CUSTOMER}/analyses`)
        .query({ limit: 100 })
        .reply(200, {
          resources: [{ id: ANALYSIS, status: 'IN_PROGRESS', createdAt: '2026-11-02T09:00:01.000Z' }],
        });
      // No POST of an analysis is mocked: starting a second one would fail this test.
      expect(await decisioningApi.submit(submitInput(), ctx())).to.deep.equal(REF_SUBMITTED);
    });

    it('run again after a crash between the customer and the analysis, starts the analysis', async () => {
      nock(BASE).post('/v1/oauth/token').reply(201, tokenReply());
      nock(BASE)
        .post('/v2/customers')
        .reply(422, { message: 'A customer with the same customIdentifier already exists' });
      nock(BASE)
        .get('/v2/customers')
        .query(true)
        .reply(200, { resources: [{ id: CUSTOMER, customIdentifier: REF }] });
      nock(BASE).get(`/v2/customers/${CUSTOMER}/analyses`).query(true).reply(200, []);
      nock(BASE).post(`/v2/customers/${CUSTOMER}/analyses`).reply(202, { id: ANALYSIS, status: 'CREATED' });
      expect(await decisioningApi.submit(submitInput(), ctx())).to.deep.equal(REF_SUBMITTED);
    });

    it("on the lender's own customer, reuses only an analysis of the same data, and otherwise starts one", async () => {
      const input = submitInput({ customer_identifier: 'lender-cust-42' });
      const other = completedAnalysis(toUpload(submitInput({ transactions: veqtrxTransactions().slice(1) })));
      const same = { ...completedAnalysis(), id: 'same-data' };
      expect(fingerprint(other.accounts)).not.to.equal(fingerprint(same.accounts));
      const customerExists = () => {
        nock(BASE).post('/v2/customers', { customIdentifier: 'lender-cust-42' }).reply(422, {});
        nock(BASE)
          .get('/v2/customers')
          .query(true)
          .reply(200, { resources: [{ id: CUSTOMER, customIdentifier: 'lender-cust-42' }] });
      };
      nock(BASE).post('/v1/oauth/token').once().reply(201, tokenReply());
      customerExists();
      nock(BASE)
        .get(`/v2/customers/${CUSTOMER}/analyses`)
        .query(true)
        .reply(200, {
          resources: [
            { id: 'same-data', status: 'COMPLETED', createdAt: '2026-10-01T00:00:00Z' },
            { id: 'other-data', status: 'COMPLETED', createdAt: '2026-11-01T00:00:00Z' },
          ],
        });
      nock(BASE)
        .get(`/v2/customers/${CUSTOMER}/analyses/other-data`)
        .reply(200, { ...other, id: 'other-data' });
      nock(BASE).get(`/v2/customers/${CUSTOMER}/analyses/same-data`).reply(200, same);
      expect(await decisioningApi.submit(input, ctx())).to.deep.include({
        analysis_id: 'same-data',
        custom_identifier: 'lender-cust-42',
      });

      customerExists();
      nock(BASE)
        .get(`/v2/customers/${CUSTOMER}/analyses`)
        .query(true)
        .reply(200, { resources: [{ ...other, id: 'other-data' }] });
      nock(BASE).post(`/v2/customers/${CUSTOMER}/analyses`).reply(202, { id: 'new-one', status: 'CREATED' });
      expect(await decisioningApi.submit(input, ctx())).to.deep.include({ analysis_id: 'new-one' });
    });

    it("refuses with the provider's reason: 422 for a customer nobody has, 400 for the upload, 402 and 403", async () => {
      nock(BASE).post('/v1/oauth/token').reply(201, tokenReply());
      nock(BASE)
        .post('/v2/customers')
        .reply(422, { code: 'INVALID', message: 'customIdentifier is too long' });
      nock(BASE).get('/v2/customers').query(true).reply(200, { resources: [] });
      let e = await sourceError(decisioningApi.submit(submitInput(), ctx()));
      expect(e.code).to.equal('provider_request_refused');
      expect(e.message).to.equal(
        'The credit-decisioning API refused the new customer (HTTP 422): "customIdentifier is too long"',
      );

      for (const [status, code] of [
        [400, 'provider_request_refused'],
        [402, 'provider_out_of_credits'],
        [403, 'provider_credentials_refused'],
        [409, 'provider_bad_response'],
      ] as const) {
        nock(BASE).post('/v2/customers').reply(201, { id: CUSTOMER });
        nock(BASE)
          .post(`/v2/customers/${CUSTOMER}/analyses`)
          .reply(status, { code: 'X', message: 'accounts[0].transactions[3].amount must be a number' });
        e = await sourceError(decisioningApi.submit(submitInput(), ctx()));
        expect(e.code, String(status)).to.equal(code);
        expect(e.status).to.equal(502);
        expect(e.message).to.include(`HTTP ${status}`);
      }
    });

    it('attaches to the lender’s analysis after checking that it exists, and refuses ids that name nothing', async () => {
      nock(BASE).post('/v1/oauth/token').reply(201, tokenReply());
      nock(BASE).get(ANALYSIS_PATH).reply(200, { id: ANALYSIS, status: 'IN_PROGRESS' });
      expect(await decisioningApi.submit(attachInput(), ctx())).to.deep.equal({
        customer_id: CUSTOMER,
        analysis_id: ANALYSIS,
        attached: true,
      });
      nock(BASE).get(ANALYSIS_PATH).reply(404, { code: 'NOT_FOUND', message: 'analysis not found' });
      const e = await sourceError(decisioningApi.submit(attachInput(), ctx()));
      expect(e.code).to.equal('provider_request_refused');
      expect(e.message).to.match(
        /has no analysis 6062a1b2c3d4e5f607182930 for customer 5f1b2c3d4e5f60718293a4b5 \(HTTP 404\): check customer_id and analysis_id/,
      );
    });
  });

  describe('tokens', () => {
    it('reuses one token across calls while it lives, and fetches a new one when it is about to expire', async () => {
      nock(BASE).post('/v1/oauth/token').once().reply(201, tokenReply());
      nock(BASE).get(ANALYSIS_PATH).times(3).reply(200, { id: ANALYSIS, status: 'IN_PROGRESS' });
      for (let i = 0; i < 3; i++) await decisioningApi.poll(REF_SUBMITTED, ctx());
      expect(issued).to.have.length(1);

      clearTokenCache();
      // 30 s to live is inside the cache's one-minute margin: each call fetches a new token.
      nock(BASE)
        .post('/v1/oauth/token')
        .twice()
        .reply(201, () => tokenReply(30));
      nock(BASE)
        .get(ANALYSIS_PATH)
        .twice()
        .reply(function () {
          return [200, { id: ANALYSIS, status: 'IN_PROGRESS', echo: this.req.headers.authorization }];
        });
      await decisioningApi.poll(REF_SUBMITTED, ctx());
      await decisioningApi.poll(REF_SUBMITTED, ctx());
      expect(issued).to.have.length(3);
    });

    it('on a 401, forgets the token, fetches another and sends the call once more', async () => {
      nock(BASE)
        .post('/v1/oauth/token')
        .twice()
        .reply(201, () => tokenReply());
      const seen: string[] = [];
      nock(BASE)
        .get(ANALYSIS_PATH)
        .reply(function () {
          seen.push(String(this.req.headers.authorization));
          return [401, { code: 'UNAUTHORIZED' }];
        });
      nock(BASE)
        .get(ANALYSIS_PATH)
        .reply(function () {
          seen.push(String(this.req.headers.authorization));
          return [200, { id: ANALYSIS, status: 'CREATED' }];
        });
      expect(await decisioningApi.poll(REF_SUBMITTED, ctx())).to.deep.equal({
        state: 'pending',
        providerStatus: 'CREATED',
      });
      expect(seen).to.deep.equal([`Bearer ${issued[0]}`, `Bearer ${issued[1]}`]);
    });

    it('a fresh token refused too, or the client credentials refused, is provider_credentials_refused without a secret in the message', async () => {
      nock(BASE)
        .post('/v1/oauth/token')
        .twice()
        .reply(201, () => tokenReply());
      nock(BASE).get(ANALYSIS_PATH).twice().reply(401, {});
      let e = await sourceError(decisioningApi.poll(REF_SUBMITTED, ctx()));
      expect(e.code).to.equal('provider_credentials_refused');
      expect(e.message).to.match(/refused a fresh access token for the analysis \(HTTP 401\)/);

      nock(BASE).post('/v1/oauth/token').reply(401, { error: 'invalid_client', echo: SECRET });
      e = await sourceError(decisioningApi.poll(REF_SUBMITTED, ctx()));
      expect(e.code).to.equal('provider_credentials_refused');
      expect(e.message).to.match(/refused this partner's client credentials \(HTTP 401\)/);
    });

    it('a token answer without access_token or expires_in is provider_bad_response', async () => {
      nock(BASE).post('/v1/oauth/token').reply(201, { token_type: 'bearer', expires_in: 3600 });
      const e = await sourceError(decisioningApi.poll(REF_SUBMITTED, ctx()));
      expect(e.code).to.equal('provider_bad_response');
      expect(e.message).to.match(/returned a malformed access token/);
    });
  });

  describe('poll', () => {
    beforeEach(() => nock(BASE).post('/v1/oauth/token').reply(201, tokenReply()));

    it('CREATED and IN_PROGRESS are pending (with the Retry-After the provider sends), COMPLETED is done', async () => {
      nock(BASE).get(ANALYSIS_PATH).reply(200, { id: ANALYSIS, status: 'CREATED' });
      nock(BASE)
        .get(ANALYSIS_PATH)
        .reply(200, { id: ANALYSIS, status: 'IN_PROGRESS' }, { 'retry-after': '4' });
      nock(BASE).get(ANALYSIS_PATH).reply(200, completedAnalysis());
      expect(await decisioningApi.poll(REF_SUBMITTED, ctx())).to.deep.equal({
        state: 'pending',
        providerStatus: 'CREATED',
      });
      expect(await decisioningApi.poll(REF_SUBMITTED, ctx())).to.deep.equal({
        state: 'pending',
        providerStatus: 'IN_PROGRESS',
        retryAfterMs: 4000,
      });
      const done = await decisioningApi.poll(REF_SUBMITTED, ctx());
      expect(done.state).to.equal('done');
      if (done.state !== 'done') return;
      expect(done.providerStatus).to.equal('COMPLETED');
      expect(done.result.analysis.scores?.creditScore?.value).to.equal(87);
    });

    it("ERROR is failed, with the provider's code and message", async () => {
      nock(BASE)
        .get(ANALYSIS_PATH)
        .reply(200, {
          id: ANALYSIS,
          status: 'ERROR',
          error: { code: 'NOT_ENOUGH_DATA', message: 'At least one CHECKING account with 20 transactions' },
        });
      expect(await decisioningApi.poll(REF_SUBMITTED, ctx())).to.deep.equal({
        state: 'failed',
        providerStatus: 'ERROR',
        reason:
          'The credit-decisioning API ended the analysis with an error (NOT_ENOUGH_DATA: At least one CHECKING account with 20 transactions)',
      });
    });

    it('a status it does not know, COMPLETED without results, a cut body or a wrong shape is provider_bad_response', async () => {
      nock(BASE).get(ANALYSIS_PATH).reply(200, { id: ANALYSIS, status: 'CANCELLED' });
      let e = await sourceError(decisioningApi.poll(REF_SUBMITTED, ctx()));
      expect(e.code).to.equal('provider_bad_response');
      expect(e.message).to.include('an analysis status this gateway does not know ("CANCELLED")');

      nock(BASE).get(ANALYSIS_PATH).reply(200, { id: ANALYSIS, status: 'COMPLETED' });
      e = await sourceError(decisioningApi.poll(REF_SUBMITTED, ctx()));
      expect(e.message).to.include('COMPLETED but returned neither scores nor creditInsights');

      nock(BASE).get(ANALYSIS_PATH).reply(200, JSON.stringify(completedAnalysis()).slice(0, 300), {
        'content-type': 'application/json',
      });
      e = await sourceError(decisioningApi.poll(REF_SUBMITTED, ctx()));
      expect(e.code).to.equal('provider_bad_response');
      expect(e.message).to.include('returned a malformed analysis');

      const bad = completedAnalysis();
      (bad.accounts[0]!.transactions[0] as Record<string, unknown>).amount = '12.50';
      nock(BASE).get(ANALYSIS_PATH).reply(200, bad);
      e = await sourceError(decisioningApi.poll(REF_SUBMITTED, ctx()));
      expect(e.message).to.include('returned a malformed analysis');
    });

    it('429 with Retry-After, 5xx and a dropped connection are ProviderUnavailable (tried again later)', async () => {
      nock(BASE).get(ANALYSIS_PATH).reply(429, { message: 'slow down' }, { 'retry-after': '7' });
      let u = await unavailable(decisioningApi.poll(REF_SUBMITTED, ctx()));
      expect(u.retryAfterMs).to.equal(7000);
      expect(u.message).to.match(/rate-limiting requests for the analysis \(HTTP 429\)/);
      nock(BASE).get(ANALYSIS_PATH).reply(503, 'unavailable');
      u = await unavailable(decisioningApi.poll(REF_SUBMITTED, ctx()));
      expect(u.message).to.match(/answered HTTP 503 for the analysis/);
      nock(BASE).get(ANALYSIS_PATH).replyWithError('socket hang up');
      u = await unavailable(decisioningApi.poll(REF_SUBMITTED, ctx()));
      expect(u.message).to.match(/could not be reached for the analysis/);
    });

    it('an analysis holding more transactions than one assessment takes is refused as the source', async () => {
      const big = completedAnalysis();
      const row = big.accounts[0]!.transactions[0]!;
      big.accounts[0]!.transactions = Array.from({ length: MAX_TRANSACTIONS + 1 }, (_, i) => ({
        ...row,
        id: `t${i}`,
      }));
      nock(BASE).get(ANALYSIS_PATH).reply(200, big);
      const e = await sourceError(decisioningApi.poll(REF_SUBMITTED, ctx()));
      expect(e.code).to.equal('invalid_source');
      expect(e.message).to.equal('the analysis holds 10,001 transactions; at most 10,000 in one assessment');
    });

    it('a 404 on an analysis the gateway started says so', async () => {
      nock(BASE).get(ANALYSIS_PATH).reply(404, {});
      const e = await sourceError(decisioningApi.poll(REF_SUBMITTED, ctx()));
      expect(e.code).to.equal('provider_request_refused');
      expect(e.message).to.match(/no longer has the analysis the gateway started/);
    });
  });

  describe('normalise (pure)', () => {
    it('maps the echoed transactions onto the model: sign, booking date, narrative, the lender’s account id, the provider’s ids', () => {
      const input = submitInput();
      const out = decisioningApi.normalise(resultOf(completedAnalysis()), input, REF_SUBMITTED);
      expect(out.transactions).to.have.length(25);
      expect(out.transactions[0]).to.deep.equal({
        date: '2026-09-11',
        amount_minor: -135653,
        currency: 'GBP',
        merchant_name: 'ALGOAN SALARY 00000005532BCKRD',
        account_id: 'default',
        source: 'decisioning_api',
        source_ref: 'tx0-0',
      });
      expect(out.transactions[2]).to.deep.include({ amount_minor: 35000, merchant_name: 'LeoVegas CD 4130' });
      expect(out.accounts).to.deep.equal([
        { account_id: 'default', type: 'current', holder: undefined, stated: 'CHECKING; PERSONAL' },
      ]);
      expect(out.metadata).to.deep.include({
        provider_customer_id: CUSTOMER,
        analysis_id: ANALYSIS,
        custom_identifier: REF,
        attached: false,
        status: 'COMPLETED',
        transactions_from: 'provider',
      });
      const accounts = out.metadata.accounts as Array<Record<string, unknown>>;
      expect(accounts[0]).to.deep.include({ iban: '••••2477', bank: 'Algoan Demo', transactions: 25 });
      expect(JSON.stringify(out)).not.to.include('GB05GQKQ13065644352477');
    });

    it("keeps the provider's verdict: figures in minor units, the score on its 0–1000 scale, the raised indicators, the raw scores and insights", () => {
      const out = decisioningApi.normalise(resultOf(completedAnalysis()), submitInput(), REF_SUBMITTED);
      expect(out.third_party).to.deep.include({
        provider: 'decisioning_api',
        product: 'credit-decisioning',
        version: 'v2 (score 2.1.0)',
        analysis_id: ANALYSIS,
      });
      expect(out.third_party.mapped).to.deep.equal({
        currency: 'GBP',
        monthly_income_minor: 287478,
        monthly_expenditure_minor: 432084,
        score: { value: 87, min: 0, max: 1000, name: 'creditScore' },
        indicators: ['gambling', 'overdraft'],
      });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the raw insights are read field by field and checked by chai
      const raw = out.third_party.raw as { status: string; scores: unknown; creditInsights: any };
      expect(raw.status).to.equal('COMPLETED');
      expect(raw.scores).to.deep.equal({
        creditScore: { value: 87, version: '2.1.0', indicators: { livingStandard: -2 } },
      });
      expect(raw.creditInsights.incomes.categories[0]).to.deep.include({
        name: 'WAGE',
        monthlyAmount: 2581.45,
        transactionCount: 1,
      });
      expect(raw.creditInsights.incomes.categories[0]).not.to.have.property('transactions');
      expect(raw.creditInsights.risks.overdraft).to.deep.equal({
        totalAmount: -18,
        transactionCount: 1,
        daysInOverdraft: 12,
        lowestBalance: -512.4,
      });
      expect(raw.creditInsights.loans).to.deep.equal({ any: 'thing' });
    });

    it('a payment score is read on its 1–10 scale; nothing raised is an empty list', () => {
      const body = completedAnalysis();
      const { creditScore: _c, ...rest } = body.scores;
      const risks = Object.fromEntries(
        Object.keys(body.creditInsights.risks).map((k) => [k, { totalAmount: 0, transactions: [] }]),
      );
      const out = decisioningApi.normalise(
        resultOf({
          ...body,
          scores: { ...rest, paymentScore: { value: 5, version: '1.0.0' } },
          creditInsights: { ...body.creditInsights, risks },
        }),
        submitInput(),
        REF_SUBMITTED,
      );
      expect(out.third_party.mapped.score).to.deep.equal({ value: 5, min: 1, max: 10, name: 'paymentScore' });
      expect(out.third_party.mapped.indicators).to.deep.equal([]);
      expect(out.third_party.version).to.equal('v2 (score 1.0.0)');
    });

    it('without an echo, assesses the transactions submitted (saying so); attached without one, none', () => {
      const { accounts: _a, ...noEcho } = completedAnalysis();
      const input = submitInput();
      const out = decisioningApi.normalise(resultOf(noEcho), input, REF_SUBMITTED);
      expect(out.transactions).to.have.length(25);
      expect(out.transactions[0]).to.deep.include({
        amount_minor: -135653,
        account_id: 'default',
        source: 'decisioning_api',
      });
      expect(out.warnings).to.include(
        "The provider's analysis does not echo the accounts and transactions: the transactions submitted to it were assessed",
      );
      expect(out.third_party.mapped.currency).to.equal('GBP');

      const attached = decisioningApi.normalise(resultOf(noEcho), attachInput(), {
        customer_id: CUSTOMER,
        analysis_id: ANALYSIS,
        attached: true,
      });
      expect(attached.transactions).to.deep.equal([]);
      expect(attached.third_party.mapped).not.to.have.property('currency');
      expect(attached.third_party.mapped.score?.value).to.equal(87);
      expect(attached.warnings.join(' ')).to.match(/holds no transactions/);
    });

    it('an attached analysis names its accounts by the provider’s ids, reads their type and usage, and leaves its input untouched', () => {
      const body = completedAnalysis();
      body.accounts[0]!.name = 'Compte courant';
      (body.accounts[0] as Record<string, unknown>).usage = 'PROFESSIONAL';
      const result = resultOf(body);
      const frozen = JSON.stringify(result);
      const ref = { customer_id: CUSTOMER, analysis_id: ANALYSIS, attached: true };
      const out = decisioningApi.normalise(result, attachInput(), ref);
      expect(new Set(out.transactions.map((t) => t.account_id))).to.deep.equal(new Set(['acc0']));
      expect(out.accounts).to.deep.equal([
        { account_id: 'acc0', type: 'business', holder: 'business', stated: 'CHECKING; PROFESSIONAL' },
      ]);
      expect(JSON.stringify(result)).to.equal(frozen);
      expect(decisioningApi.normalise(result, attachInput(), ref)).to.deep.equal(out);
    });
  });

  describe('webhook.verify', () => {
    const event = (
      eventName = 'analysis_completed',
      payload: Record<string, unknown> = { customerId: CUSTOMER, analysisId: ANALYSIS },
    ) => ({
      subscription: {
        id: '2118ac3d2e202f98759489f2',
        target: 'https://gateway.example/hooks/decisioning',
        eventName,
      },
      payload,
      time: 1458692752478,
      index: 1,
    });
    const sign = (text: string, secret = HOOK_SECRET) =>
      `sha256=${createHmac('sha256', secret).update(text).digest('hex')}`;
    const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    const creds = DecisioningCredentialsSchema.parse(CREDS);
    const verify: NonNullable<typeof decisioningApi.webhook>['verify'] = (h, b, c) =>
      decisioningApi.webhook!.verify(h, b, c);

    it('returns the analysis id of a genuine analysis_completed or analysis_failed (X-Hub-Signature over the payload, any header case)', () => {
      for (const name of ['analysis_completed', 'analysis_failed']) {
        const e = event(name);
        expect(verify({ 'x-hub-signature': sign(JSON.stringify(e.payload)) }, bytes(e), creds)).to.equal(
          ANALYSIS,
        );
      }
      const e = event();
      expect(
        verify(
          { 'X-Hub-Signature': sign(JSON.stringify(e.payload)).toUpperCase().replace('SHA256=', 'sha256=') },
          bytes(e),
          creds,
        ),
      ).to.equal(ANALYSIS);
    });

    it('accepts the escaped-Unicode reading of a payload with non-ASCII text', () => {
      const e = event('analysis_completed', {
        customerId: CUSTOMER,
        analysisId: ANALYSIS,
        note: 'äöå </@%>',
      });
      const escaped =
        '{"customerId":"5f1b2c3d4e5f60718293a4b5","analysisId":"6062a1b2c3d4e5f607182930","note":"\\u00e4\\u00f6\\u00e5 \\u003c\\/\\u0040\\u0025\\u003e"}';
      expect(signedTexts(e.payload)).to.include(escaped);
      expect(verify({ 'x-hub-signature': sign(escaped) }, bytes(e), creds)).to.equal(ANALYSIS);
    });

    it('ignores a wrong secret, a changed payload, a missing or malformed header, another event, and a partner without a webhook secret', () => {
      const e = event();
      const good = sign(JSON.stringify(e.payload));
      expect(
        verify({ 'x-hub-signature': sign(JSON.stringify(e.payload), 'another-secret') }, bytes(e), creds),
      ).to.equal(undefined);
      const changed = event('analysis_completed', { customerId: CUSTOMER, analysisId: 'someone-elses' });
      expect(verify({ 'x-hub-signature': good }, bytes(changed), creds)).to.equal(undefined);
      expect(verify({}, bytes(e), creds)).to.equal(undefined);
      expect(verify({ 'x-hub-signature': good.slice(7) }, bytes(e), creds)).to.equal(undefined);
      expect(verify({ 'x-hub-signature': good.slice(0, -2) }, bytes(e), creds)).to.equal(undefined);
      const other = event('bank_details_fetched');
      expect(
        verify({ 'x-hub-signature': sign(JSON.stringify(other.payload)) }, bytes(other), creds),
      ).to.equal(undefined);
      const { webhook_secret: _w, ...noSecret } = creds;
      expect(verify({ 'x-hub-signature': good }, bytes(e), noSecret)).to.equal(undefined);
      expect(verify({ 'x-hub-signature': good }, new TextEncoder().encode('{not json'), creds)).to.equal(
        undefined,
      );
    });
  });
});
