import { expect } from 'chai';
import { assess as engineAssess } from '../../src/engine/index.ts';
import { decodeAssessBody } from '../../src/contract/assess-request.ts';
import { generatePersona } from '../../tools/personas/personas.ts';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import {
  adminToken,
  call,
  createPartner,
  logLines,
  startGateway,
  type Running,
  type TestPartner,
} from '../helpers/gateway.ts';

const persona = generatePersona('salaried_single_renter', 1);
export const assessBody = (over: Record<string, unknown> = {}) => ({
  customer_ref: 'cust-001',
  partner_ref: 'loan-app-12345',
  transactions: persona.transactions,
  circumstances: persona.circumstances,
  declared_income: persona.declared_income,
  ...over,
});

onEachDatabase('partner API', (_kind, getDb) => {
  let g: Running;
  let acme: TestPartner;
  let other: TestPartner;
  before(async function () {
    this.timeout(60_000);
    g = await startGateway(getDb());
  });
  after(async () => g?.stop());
  beforeEach(async () => {
    await reset(getDb());
    acme = await createPartner(g.url, 'acmebank');
    other = await createPartner(g.url, 'otherbank');
  });
  const assess = (body: unknown, key = acme.key, headers: Record<string, string> = {}) =>
    call(g.url, 'POST', '/api/partner/v1/assess', { key, body, headers });

  describe('GET /health', () => {
    it('answers without a key', async () => {
      const r = await call(g.url, 'GET', '/api/partner/v1/health');
      expect(r.status).to.equal(200);
      expect(r.body).to.deep.equal({ status: 'ok', version: '1.0' });
      expect(r.headers.get('x-request-id')).to.be.a('string');
    });
  });

  describe('POST /assess', () => {
    it('returns the Veqtrx assessment, field for field', async () => {
      const r = await assess(assessBody());
      expect(r.status).to.equal(200);
      expect(Object.keys(r.body)).to.deep.equal([
        'assessment_id',
        'partner_ref',
        'customer_ref',
        'created_at',
        'monthly_income',
        'monthly_expenditure',
        'disposable_income',
        'affordable_amount',
        'affordability_score',
        'categories',
        'fca_compliant',
        'risk_flags',
        'vulnerability_flags',
        'transactions_analyzed',
        'confidence_score',
        'months_analyzed',
        'processing_ms',
        // Extensions, after every Veqtrx field.
        'currency',
        'exclusions',
        'warnings',
      ]);
      expect(r.body.assessment_id).to.match(/^AF-[0-9A-F]{12}$/);
      expect(r.body.created_at).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(r.body).to.include({
        customer_ref: 'cust-001',
        partner_ref: 'loan-app-12345',
        monthly_income: 2300,
        transactions_analyzed: persona.transactions.length,
        fca_compliant: true,
      });
      expect(r.body.processing_ms).to.be.a('number').and.to.be.at.least(0);
      expect(r.body.categories['Food & Housekeeping']).to.be.greaterThan(0);
    });

    it('returns partner_ref null when none was sent, and accepts null for optional fields', async () => {
      const r = await assess({
        customer_ref: 'c',
        transactions: persona.transactions.slice(0, 20),
        partner_ref: null,
        circumstances: null,
        declared_income: null,
      });
      expect(r.status).to.equal(200);
      expect(r.body.partner_ref).to.equal(null);
    });

    const invalid: Array<[string, unknown, string]> = [
      ['a bad housing value', assessBody({ circumstances: { housing: 'castle' } }), 'circumstances.housing'],
      [
        'a date that does not exist',
        assessBody({ transactions: [{ date: '2026-02-30', amount: 1, merchant_name: 'X' }] }),
        'transactions[0].date',
      ],
      [
        'a non-ISO date',
        assessBody({ transactions: [{ date: '12/01/2026', amount: 1, merchant_name: 'X' }] }),
        'transactions[0].date',
      ],
      [
        'an amount with three decimals',
        assessBody({ transactions: [{ date: '2026-01-02', amount: 1.005, merchant_name: 'X' }] }),
        'transactions[0].amount',
      ],
      [
        'an amount that is a string',
        assessBody({ transactions: [{ date: '2026-01-02', amount: '12.00', merchant_name: 'X' }] }),
        'transactions[0].amount',
      ],
      [
        'no merchant name',
        assessBody({ transactions: [{ date: '2026-01-02', amount: 3 }] }),
        'transactions[0].merchant_name',
      ],
      ['no transactions', assessBody({ transactions: [] }), 'transactions'],
      [
        '10,001 transactions',
        assessBody({
          transactions: Array.from({ length: 10_001 }, () => ({
            date: '2026-01-02',
            amount: 1,
            merchant_name: 'X',
          })),
        }),
        'transactions',
      ],
      [
        '11 adults',
        assessBody({ circumstances: { household_adults: 11 } }),
        'circumstances.household_adults',
      ],
      ['a negative declared income', assessBody({ declared_income: -5 }), 'declared_income'],
      ['no customer_ref', { transactions: persona.transactions.slice(0, 5) }, 'customer_ref'],
      ['a callback that is not http(s)', assessBody({ callback_url: 'ftp://example.com/x' }), 'callback_url'],
      ['a JSON array body', [1, 2], '(body)'],
    ];
    for (const [what, body, path] of invalid) {
      it(`refuses ${what} with 400 and the failing path, and charges nothing`, async () => {
        const r = await assess(body);
        expect(r.status).to.equal(400);
        expect(r.body.detail).to.be.a('string');
        expect(r.body.errors.map((e: { path: string }) => e.path)).to.include(path);
        expect(
          (await call(g.url, 'GET', '/api/partner/v1/usage', { key: acme.key })).body.current_usage,
        ).to.equal(0);
      });
    }

    it('names the limit an amount is outside, and the header an Idempotency-Key problem is in', async () => {
      const big = await assess(
        assessBody({ transactions: [{ date: '2026-01-02', amount: 1e15, merchant_name: 'X' }] }),
      );
      expect(big.status).to.equal(400);
      expect(big.body.errors[0]).to.deep.equal({
        path: 'transactions[0].amount',
        message: 'must be at most 10,000,000',
      });
      const long = await call(g.url, 'POST', '/api/partner/v1/assess', {
        key: acme.key,
        body: assessBody(),
        headers: { 'Idempotency-Key': 'k'.repeat(256) },
      });
      expect(long.status).to.equal(400);
      expect(long.body.errors[0].path).to.equal('Idempotency-Key');
      expect(long.body.detail).to.match(/^Invalid Idempotency-Key header: Idempotency-Key: Too big/);
      expect(
        (await call(g.url, 'GET', '/api/partner/v1/usage', { key: acme.key })).body.current_usage,
      ).to.equal(0);
    });

    it('answers malformed JSON with 400, a non-JSON body with 415 and an oversized body with 413, all as {detail}', async () => {
      const bad = await call(g.url, 'POST', '/api/partner/v1/assess', {
        key: acme.key,
        raw: '{"customer_ref": ',
      });
      expect(bad.status).to.equal(400);
      expect(bad.body.detail).to.match(/Malformed JSON/);
      const form = await call(g.url, 'POST', '/api/partner/v1/assess', {
        key: acme.key,
        raw: 'a=b',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status).to.equal(415);
      const latin1 = await call(g.url, 'POST', '/api/partner/v1/assess', {
        key: acme.key,
        raw: JSON.stringify(assessBody()),
        headers: { 'content-type': 'application/json; charset=iso-8859-1' },
      });
      expect(latin1.status).to.equal(415);
      expect(latin1.body.detail).to.match(/UTF-8/);
      const notUtf8 = await call(g.url, 'POST', '/api/partner/v1/assess', {
        key: acme.key,
        raw: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
      });
      expect(notUtf8.status).to.equal(400);
      expect(notUtf8.body.detail).to.match(/Malformed JSON/);
      const bom = await call(g.url, 'POST', '/api/partner/v1/assess', {
        key: acme.key,
        raw: '\uFEFF' + JSON.stringify(assessBody()),
        headers: { 'content-type': 'application/json; charset=utf-8' },
      });
      expect(bom.status).to.equal(200);
      const huge = await call(g.url, 'POST', '/api/partner/v1/assess', {
        key: acme.key,
        raw: JSON.stringify({ customer_ref: 'x', pad: 'x'.repeat(9 * 1024 * 1024) }),
      });
      expect(huge.status).to.equal(413);
      expect(huge.body.detail).to.match(/too large/);
    });

    it('answers 401 without a key and 403 from a browser, before reading the body', async () => {
      expect((await call(g.url, 'POST', '/api/partner/v1/assess', { body: assessBody() })).status).to.equal(
        401,
      );
      expect((await assess(assessBody(), acme.key, { origin: 'https://evil.example' })).status).to.equal(403);
      const unauthenticatedJunk = await call(g.url, 'POST', '/api/partner/v1/assess', { raw: '{not json' });
      expect(unauthenticatedJunk.status).to.equal(401);
    });

    it('answers a storage failure with 500 {detail} that leaks nothing, charges nothing, keeps nothing, and stays up', async () => {
      await getDb().exec('alter table assessments rename to assessments_away');
      let r;
      try {
        r = await assess(assessBody(), acme.key, { 'Idempotency-Key': 'during-outage' });
      } finally {
        await getDb().exec('alter table assessments_away rename to assessments');
      }
      expect(r.status).to.equal(500);
      expect(r.body.detail).to.match(/try again/i);
      expect(r.text).to.not.match(/relation|assessments|sql|stack/i);
      expect(
        (await call(g.url, 'GET', '/api/partner/v1/usage', { key: acme.key })).body.current_usage,
      ).to.equal(0);
      const { rows } = await getDb().query<{ n: number }>(
        'select (select count(*) from webhook_deliveries)::int + (select count(*) from idempotency_keys)::int as n',
      );
      expect(rows[0]!.n).to.equal(0);
      const again = await assess(assessBody(), acme.key, { 'Idempotency-Key': 'during-outage' });
      expect(again.status).to.equal(200);
    });

    it('accepts 10,000 transactions in one body', async () => {
      const txs = Array.from({ length: 10_000 }, (_, i) => ({
        date: `2026-0${1 + (i % 6)}-${String(1 + (i % 28)).padStart(2, '0')}`,
        amount: (i % 50) + 0.99,
        merchant_name: 'TESCO STORES 3297',
        description: `CARD PAYMENT TO TESCO STORES 3297 REF ${i}`,
      }));
      const r = await assess({ customer_ref: 'big', transactions: txs });
      expect(r.status).to.equal(200);
      expect(r.body.transactions_analyzed).to.equal(10_000);
    });
  });

  describe('authentication and isolation', () => {
    it('refuses a missing, malformed, unknown or disabled key with 401', async () => {
      expect((await call(g.url, 'GET', '/api/partner/v1/usage')).status).to.equal(401);
      expect((await call(g.url, 'GET', '/api/partner/v1/usage', { key: 'nonsense' })).status).to.equal(401);
      expect(
        (await call(g.url, 'GET', '/api/partner/v1/usage', { key: `prt_acmebank_${'A'.repeat(32)}` })).status,
      ).to.equal(401);
      expect((await call(g.url, 'GET', '/api/partner/v1/usage', { key: acme.key })).status).to.equal(200);
      const del = await call(g.url, 'DELETE', `/api/admin/partners/acmebank/keys/${acme.keyId}`, {
        token: await adminToken(),
      });
      expect(del.status).to.equal(200);
      const r = await call(g.url, 'GET', '/api/partner/v1/usage', { key: acme.key });
      expect(r.status).to.equal(401);
      expect(r.body.detail).to.match(/Missing, invalid or disabled API key/);
    });

    it("does not accept one partner's key with another partner's slug", async () => {
      const forged = acme.key.replace('prt_acmebank_', 'prt_otherbank_');
      expect((await call(g.url, 'GET', '/api/partner/v1/usage', { key: forged })).status).to.equal(401);
    });

    it("answers 404, not 403, for another partner's assessment, and for its evidence", async () => {
      const a = await assess(assessBody());
      const mine = await call(g.url, 'GET', `/api/partner/v1/assessment/${a.body.assessment_id}`, {
        key: acme.key,
      });
      expect(mine.status).to.equal(200);
      expect(mine.text).to.equal(JSON.stringify(a.body));
      expect(
        (await call(g.url, 'GET', `/api/partner/v1/assessment/${a.body.assessment_id}`, { key: other.key }))
          .status,
      ).to.equal(404);
      expect(
        (
          await call(g.url, 'GET', `/api/partner/v1/assessment/${a.body.assessment_id}/evidence`, {
            key: other.key,
          })
        ).status,
      ).to.equal(404);
      expect(
        (await call(g.url, 'GET', '/api/partner/v1/assessment/AF-000000000000', { key: acme.key })).status,
      ).to.equal(404);
    });

    it('refuses browser requests (Origin) with 403 and never sends CORS headers', async () => {
      const r = await call(g.url, 'GET', '/api/partner/v1/usage', {
        key: acme.key,
        headers: { origin: 'https://app.example.com' },
      });
      expect(r.status).to.equal(403);
      expect(r.headers.get('access-control-allow-origin')).to.equal(null);
      const pre = await fetch(`${g.url}/api/partner/v1/assess`, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
      });
      expect(pre.headers.get('access-control-allow-origin')).to.equal(null);
      expect(pre.status).to.be.oneOf([403, 404]);
    });

    it('answers an unknown route with 404 {detail}', async () => {
      const r = await call(g.url, 'GET', '/api/partner/v1/nope', { key: acme.key });
      expect(r.status).to.equal(404);
      expect(r.body.detail).to.be.a('string');
    });

    it('never writes a key or a webhook secret to the logs', async () => {
      await assess(assessBody());
      await call(g.url, 'GET', '/api/partner/v1/usage', { key: `prt_acmebank_${'B'.repeat(32)}` });
      const all = logLines.join('');
      expect(all).to.not.include(acme.key);
      expect(all).to.not.include(acme.key.slice(-32));
      expect(all).to.not.include(acme.webhookSecret);
      expect(all).to.not.include('B'.repeat(32));
    });
  });

  describe('GET /assessment/{id}/evidence', () => {
    it('returns the evidence: a ledger row per transaction and the income streams', async () => {
      const a = await assess(assessBody());
      const e = await call(g.url, 'GET', `/api/partner/v1/assessment/${a.body.assessment_id}/evidence`, {
        key: acme.key,
      });
      expect(e.status).to.equal(200);
      expect(e.body.ledger).to.have.length(persona.transactions.length);
      expect(e.body.income.streams[0].type).to.equal('employment');
      expect(e.headers.get('content-type')).to.equal('application/json; charset=utf-8');
    });

    it('gives the ledger exactly as the engine made it, every row and field in order (stored in columns, answered as rows)', async () => {
      const a = await assess(assessBody());
      const e = await call(g.url, 'GET', `/api/partner/v1/assessment/${a.body.assessment_id}/evidence`, {
        key: acme.key,
      });
      const decoded = decodeAssessBody(
        new TextEncoder().encode(JSON.stringify(assessBody())),
        new Date(a.body.created_at),
      );
      if (decoded.kind !== 'decoded') throw new Error(`the body did not decode: ${decoded.kind}`);
      const { evidence } = engineAssess({
        transactions: decoded.transactions,
        now: new Date(a.body.created_at),
        circumstances: decoded.meta.circumstances!,
        declared_income_minor: decoded.meta.declared_income_minor!,
      });
      const ledgerText = (t: string) => t.slice(t.indexOf('"ledger":'), t.indexOf(',"source":'));
      expect(ledgerText(e.text)).to.equal(ledgerText(JSON.stringify({ ...evidence, source: {} })));
      expect(e.text).to.equal(JSON.stringify(e.body));
    });
  });

  describe('GET /assessment/{id}/series', () => {
    it("returns the evidence's monthly series with the assessment's id, and 404 for another partner or none", async () => {
      const a = await assess(assessBody());
      const id = String(a.body.assessment_id);
      const s = await call(g.url, 'GET', `/api/partner/v1/assessment/${id}/series`, { key: acme.key });
      expect(s.status).to.equal(200);
      expect(s.headers.get('content-type')).to.equal('application/json; charset=utf-8');
      const e = await call(g.url, 'GET', `/api/partner/v1/assessment/${id}/evidence`, { key: acme.key });
      expect(s.body).to.deep.equal({ assessment_id: id, ...e.body.series });
      expect(s.body.months.length).to.be.greaterThan(5);
      expect(s.body.months[0].income.total).to.be.greaterThan(0);
      const theirs = await call(g.url, 'GET', `/api/partner/v1/assessment/${id}/series`, { key: other.key });
      expect(theirs.status).to.equal(404);
      expect(theirs.body.detail).to.be.a('string');
      const none = await call(g.url, 'GET', '/api/partner/v1/assessment/AF-000000000000/series', {
        key: acme.key,
      });
      expect(none.status).to.equal(404);
    });
  });

  describe('proposed_credit (extension)', () => {
    const credit = { amount: 10_000, term_months: 60, apr: 6.9 };

    it('answers the verdict in the response and the stress table in the evidence; a plain request has neither', async () => {
      const plain = await assess(assessBody());
      expect(plain.body).to.not.have.property('proposed_credit');
      const r = await assess(assessBody({ proposed_credit: credit }));
      expect(r.status, r.text).to.equal(200);
      expect(Object.keys(r.body).at(-1)).to.equal('proposed_credit');
      expect(r.body.proposed_credit).to.include({
        amount: 10_000,
        term_months: 60,
        apr: 6.9,
        monthly_repayment: 196.56,
      });
      expect(r.body.proposed_credit.disposable_after_repayment).to.equal(
        Math.round((r.body.disposable_income - 196.56) * 100) / 100,
      );
      expect(r.body.proposed_credit.verdict).to.be.oneOf([
        'affordable',
        'affordable_with_warnings',
        'not_affordable',
      ]);
      // Everything but the extension is what the same request without it answers.
      const { proposed_credit: _c, assessment_id: _a, created_at: _t, processing_ms: _p, ...rest } = r.body;
      const { assessment_id: _a2, created_at: _t2, processing_ms: _p2, ...plainRest } = plain.body;
      expect(rest).to.deep.equal(plainRest);
      const e = await call(g.url, 'GET', `/api/partner/v1/assessment/${r.body.assessment_id}/evidence`, {
        key: acme.key,
      });
      expect(e.body.proposed_credit.scenarios.map((x: { scenario: string }) => x.scenario)).to.deep.equal([
        'base',
        'income',
        'rate',
        'essential_costs',
        'combined',
      ]);
      expect(e.body.proposed_credit.stress.source).to.equal('default');
      expect(e.body.proposed_credit.verdict).to.equal(r.body.proposed_credit.verdict);
    });

    it('refuses a proposed credit it cannot compute with 400 {detail} naming the field, and charges nothing', async () => {
      const cases: Array<[unknown, string]> = [
        [{ amount: 1000, term_months: 12 }, 'proposed_credit.apr'],
        [
          { amount: 1000, term_months: 12, apr: 5, monthly_repayment: 90 },
          'proposed_credit.monthly_repayment',
        ],
        [{ amount: 1000, term_months: 12, monthly_repayment: 80 }, 'proposed_credit.monthly_repayment'],
        [{ amount: 1000, term_months: 0, apr: 5 }, 'proposed_credit.term_months'],
        [{ amount: 1000, term_months: 12.5, apr: 5 }, 'proposed_credit.term_months'],
        [{ amount: 0, term_months: 12, apr: 5 }, 'proposed_credit.amount'],
        [{ amount: 1000, term_months: 12, apr: -1 }, 'proposed_credit.apr'],
        [{ term_months: 12, apr: 5 }, 'proposed_credit.amount'],
      ];
      for (const [proposed_credit, path] of cases) {
        const r = await assess(assessBody({ proposed_credit }));
        expect(r.status, JSON.stringify(proposed_credit)).to.equal(400);
        expect(r.body.detail, JSON.stringify(proposed_credit)).to.include(path);
        expect(r.body.errors[0].path).to.equal(path);
      }
      const u = await call(g.url, 'GET', '/api/partner/v1/usage', { key: acme.key });
      expect(u.body.current_usage).to.equal(0);
    });

    it("uses the partner's stress parameters and spending guidelines from its assessment settings", async () => {
      const token = await adminToken();
      const before = await assess(assessBody({ proposed_credit: credit }));
      const food = before.body.categories['Food & Housekeeping'] as number;
      const lifted = Math.round((food + 100) * 100) / 100;
      const set = await call(g.url, 'PUT', '/api/admin/partners/acmebank/assessment-settings', {
        token,
        body: {
          stress: { income_fall_pct: 25, minimum_buffer: 50 },
          spending_guidelines: {
            source: 'Acme guidelines 2026',
            households: [{ adults: 1, children: 0, categories: { 'Food & Housekeeping': lifted } }],
          },
        },
      });
      expect(set.status, set.text).to.equal(200);
      const r = await assess(assessBody({ proposed_credit: credit }));
      // The guideline lifts the category (the persona is a single adult), and expenditure with it.
      expect(r.body.categories['Food & Housekeeping']).to.equal(lifted);
      expect(r.body.monthly_expenditure).to.equal(
        Math.round((before.body.monthly_expenditure + 100) * 100) / 100,
      );
      const e = await call(g.url, 'GET', `/api/partner/v1/assessment/${r.body.assessment_id}/evidence`, {
        key: acme.key,
      });
      expect(e.body.expenditure.guidelines_source).to.equal('Acme guidelines 2026');
      expect(e.body.proposed_credit.stress.source).to.equal('partner');
      expect(e.body.proposed_credit.stress.parameters).to.include({
        income_fall_pct: 25,
        minimum_buffer: 50,
      });
      const income = e.body.proposed_credit.scenarios.find(
        (x: { scenario: string }) => x.scenario === 'income',
      );
      expect(income.monthly_income).to.equal(Math.round(r.body.monthly_income * 0.75 * 100) / 100);
      // Another partner's assessments are not affected.
      const theirs = await assess(assessBody({ proposed_credit: credit }), other.key);
      expect(theirs.body.categories['Food & Housekeeping']).to.equal(food);
    });
  });

  describe('GET /usage', () => {
    it("has the page's shape, counts successful assessments only, and is not itself counted", async () => {
      await assess(assessBody());
      await assess({ customer_ref: 'x' });
      await call(g.url, 'GET', '/api/partner/v1/usage', { key: acme.key });
      const u = await call(g.url, 'GET', '/api/partner/v1/usage', { key: acme.key });
      expect(u.body).to.include({
        partner_id: 'acmebank',
        tier: 'pilot',
        monthly_quota: 1000,
        current_usage: 1,
        remaining: 999,
        reset_date: '1st of next month',
        is_test_mode: true,
      });
      const reset = new Date(u.body.reset_at);
      expect(reset.getUTCDate()).to.equal(1);
      expect(reset.getTime()).to.be.greaterThan(Date.now());
    });
  });
});
