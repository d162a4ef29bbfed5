/**
 * What the gateway refuses at the edge, cheaply and with a 400 naming the field (issue 17, defects 3,
 * 4 and 7): ill-formed Unicode and control characters, deep nesting, too many rows, dates outside the
 * accepted window — and what is already stored never breaks a listing.
 */
import { expect } from 'chai';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import {
  adminToken,
  call,
  createPartner,
  startGateway,
  type Running,
  type TestPartner,
} from '../helpers/gateway.ts';
import { generatePersona } from '../../tools/personas/personas.ts';
import { insertChargedAssessment } from '../../src/store/assessments.ts';

const txs = generatePersona('salaried_single_renter', 2).transactions;
/** The personas end on 2026-10-31: the assessments here are as of a fixed day soon after. */
const NOW = new Date('2026-11-05T12:00:00.000Z');

onEachDatabase('input refusals', (_kind, getDb) => {
  let g: Running;
  let p: TestPartner;
  before(async function () {
    this.timeout(60_000);
    g = await startGateway(getDb());
  });
  after(async () => g?.stop());
  beforeEach(async () => {
    g.clock.now = NOW;
    await reset(getDb());
    p = await createPartner(g.url, 'inputbank', { monthly_quota: 100 });
  });
  const assessRaw = (raw: string, headers: Record<string, string> = {}) =>
    call(g.url, 'POST', '/api/partner/v1/assess', { key: p.key, raw, headers });
  const assess = (b: unknown, headers: Record<string, string> = {}) =>
    call(g.url, 'POST', '/api/partner/v1/assess', { key: p.key, body: b, headers });
  const used = async () =>
    (await call(g.url, 'GET', '/api/partner/v1/usage', { key: p.key })).body.current_usage as number;

  describe('strings', () => {
    for (const [name, raw] of [
      [
        'a lone high surrogate in customer_ref',
        `{"customer_ref":"\\ud800","transactions":${JSON.stringify(txs)}}`,
      ],
      [
        'a lone low surrogate in partner_ref',
        `{"customer_ref":"c","partner_ref":"a\\udc00b","transactions":${JSON.stringify(txs)}}`,
      ],
      ['a NUL in customer_ref', `{"customer_ref":"a\\u0000b","transactions":${JSON.stringify(txs)}}`],
      [
        'a NUL in partner_ref',
        `{"customer_ref":"c","partner_ref":"\\u0000","transactions":${JSON.stringify(txs)}}`,
      ],
    ] as const) {
      it(`refuses ${name} with 400 naming the field, and charges nothing`, async () => {
        const r = await assessRaw(raw);
        expect(r.status, r.text).to.equal(400);
        expect(r.body.code).to.equal('invalid_string');
        const field = name.includes('partner_ref') ? 'partner_ref' : 'customer_ref';
        expect(r.body.errors[0].path).to.equal(field);
        expect(r.body.detail).to.include(field);
        expect(await used()).to.equal(0);
      });
    }

    it('names the path of a bad string deep in the body (a transaction narrative, a source field)', async () => {
      const t = txs.map((x) => ({ ...x }));
      t[7]!.merchant_name = 'TESCO\u0007';
      const r = await assess({ customer_ref: 'c', transactions: t });
      expect(r.status).to.equal(400);
      expect(r.body.errors[0].path).to.equal('transactions[7].merchant_name');
      const s = await assessRaw(
        `{"customer_ref":"c","source":{"type":"labelled_transactions","accounts":[{"account":"a\\udfff","transactions":[]}]}}`,
      );
      expect(s.status).to.equal(400);
      expect(s.body.errors[0].path).to.equal('source.accounts[0].account');
    });

    it('refuses a bad string in an admin body (partner display_name)', async () => {
      const r = await call(g.url, 'POST', '/api/admin/partners', {
        token: await adminToken(),
        raw: '{"partner_id":"badname","tier":"pilot","display_name":"x\\ud800"}',
      });
      expect(r.status).to.equal(400);
      expect(r.body.errors[0].path).to.equal('display_name');
    });

    it('lists assessments already stored with ill-formed strings (no 500)', async () => {
      const ok = await assess({ customer_ref: 'fine', transactions: txs });
      expect(ok.status).to.equal(200);
      // What an older gateway stored: a lone surrogate in customer_ref and in the response text.
      const response = ok.text.replace('"customer_ref":"fine"', '"customer_ref":"\\ud800"');
      await insertChargedAssessment(getDb(), {
        id: 'AF-0123456789AB',
        partner_id: p.id,
        customer_ref: '\ud800',
        partner_ref: 'p\udc00',
        source: 'transactions',
        is_test: false,
        response,
        evidence: new Uint8Array([31, 139, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        created_at: NOW,
      });
      const list = await call(g.url, 'GET', '/api/admin/assessments', { token: await adminToken() });
      expect(list.status, list.text).to.equal(200);
      expect(list.body.assessments).to.have.length(2);
      const poisoned = list.body.assessments.find(
        (a: { assessment_id: string }) => a.assessment_id === 'AF-0123456789AB',
      );
      expect(poisoned.monthly_income).to.equal(ok.body.monthly_income);
      const one = await call(g.url, 'GET', '/api/partner/v1/assessment/AF-0123456789AB', { key: p.key });
      expect(one.status).to.equal(200);
    });
  });

  describe('work before refusal', () => {
    it('refuses deeply nested JSON with an Idempotency-Key with 400 (not a stack overflow)', async function () {
      this.timeout(60_000);
      const deep = '['.repeat(200_000) + ']'.repeat(200_000);
      const r = await assessRaw(
        `{"customer_ref":"c","transactions":${JSON.stringify(txs)},"circumstances":{"vulnerabilities":${deep}}}`,
        { 'idempotency-key': 'deep-1' },
      );
      expect(r.status, r.text).to.equal(400);
      expect(r.body.code).to.equal('too_deeply_nested');
      expect(await used()).to.equal(0);
    });

    it('refuses 100,000 labelled rows on their count, before validating any row', async function () {
      this.timeout(60_000);
      // Rows that would each fail validation: a count check that runs first names the count, not row 0.
      const row = '{"amount":"x"}';
      const accounts = Array.from(
        { length: 10 },
        (_, i) => `{"account":"a${i}","transactions":[${Array(10_000).fill(row).join(',')}]}`,
      );
      const r = await assessRaw(
        `{"customer_ref":"c","source":{"type":"labelled_transactions","accounts":[${accounts.join(',')}]}}`,
      );
      expect(r.status, r.text.slice(0, 500)).to.equal(400);
      expect(r.body.code).to.equal('too_many_transactions');
      expect(r.body.detail).to.match(/100,000/);
    });

    it('refuses 10,001 raw transactions on their count', async function () {
      this.timeout(60_000);
      const r = await assessRaw(
        `{"customer_ref":"c","transactions":[${Array(10_001).fill('{}').join(',')}]}`,
      );
      expect(r.status).to.equal(400);
      expect(r.body.code).to.equal('too_many_transactions');
      expect(r.body.errors[0].path).to.equal('transactions');
    });

    it('replays the same bytes with the same key, and treats other bytes as another body', async () => {
      const text = JSON.stringify({ customer_ref: 'idem', transactions: txs });
      const a = await assessRaw(text, { 'idempotency-key': 'k-raw' });
      const b = await assessRaw(text, { 'idempotency-key': 'k-raw' });
      expect(a.status).to.equal(200);
      expect(b.status).to.equal(200);
      expect(b.headers.get('idempotent-replayed')).to.equal('true');
      expect(b.text).to.equal(a.text);
      const c = await assessRaw(JSON.stringify({ customer_ref: 'idem2', transactions: txs }), {
        'idempotency-key': 'k-raw',
      });
      expect(c.status).to.equal(422);
      expect(await used()).to.equal(1);
    });
  });

  describe('dates', () => {
    const moved = (i: number, date: string) => txs.map((t, j) => (j === i ? { ...t, date } : t));

    for (const [what, date] of [
      ['before the window (2016)', '2016-03-01'],
      ['in year 0000', '0000-01-01'],
      ['after the window (9999)', '9999-12-31'],
      ['two days after now', '2026-11-07'],
    ] as const) {
      it(`refuses a transaction dated ${what} with 400 naming its path`, async () => {
        const r = await assess({ customer_ref: 'c', transactions: moved(5, date) });
        expect(r.status, r.text).to.equal(400);
        expect(r.body.code).to.equal('date_out_of_window');
        expect(r.body.errors[0].path).to.equal('transactions[5].date');
        expect(r.body.detail).to.include('2024-11-05').and.include('2026-11-06');
        expect(await used()).to.equal(0);
      });
    }

    it('accepts the edges of the window: 24 months back and one day ahead', async () => {
      const t = [
        ...txs,
        { date: '2024-11-05', amount: 3, merchant_name: 'OLD SHOP' },
        { date: '2026-11-06', amount: 3, merchant_name: 'NEW SHOP' },
      ];
      const r = await assess({ customer_ref: 'c', transactions: t });
      expect(r.status, r.text).to.equal(200);
    });

    it('refuses (and does not charge) a body whose every transaction is after today', async () => {
      const r = await assess({
        customer_ref: 'c',
        transactions: [
          { date: '2026-11-06', amount: 5, merchant_name: 'SHOP' },
          { date: '2026-11-06', amount: -500, merchant_name: 'ACME PAYROLL' },
        ],
      });
      expect(r.status, r.text).to.equal(400);
      expect(r.body.code).to.equal('no_transactions_to_assess');
      expect(await used()).to.equal(0);
    });

    it('applies the same window to every source: labelled, BYOD, Plaid, and a ValidiFI start_date', async () => {
      const legacy = (type: string) => ({
        customer_ref: 'c',
        source: {
          type,
          accounts: [
            {
              account: 'a',
              id: 'a',
              currency: 'GBP',
              transactions: [
                { datetime: '2026-10-01T10:00:00Z', amount: -1000, description: 'PAY', currency: 'GBP' },
                { datetime: '2016-10-01T10:00:00Z', amount: 5, description: 'SHOP', currency: 'GBP' },
              ],
            },
          ],
        },
      });
      const l = await assess(legacy('labelled_transactions'));
      expect(l.status, l.text).to.equal(400);
      expect(l.body.code).to.equal('date_out_of_window');
      expect(l.body.errors[0].path).to.equal('source.accounts[0].transactions[1].datetime');
      const byodBody = legacy('byod_accounts');
      delete (byodBody.source.accounts[0] as Record<string, unknown>).account;
      const b = await assess(byodBody);
      expect(b.status, b.text).to.equal(400);
      expect(b.body.errors[0].path).to.equal('source.accounts[0].transactions[1].datetime');
      const plaidTx = (id: string, date: string) => ({
        transaction_id: id,
        account_id: 'acc',
        amount: 5,
        iso_currency_code: 'GBP',
        date,
        name: 'SHOP',
        pending: false,
      });
      const pl = await assess({
        customer_ref: 'c',
        source: {
          type: 'plaid_transactions',
          transactions: [plaidTx('t1', '2026-10-01'), plaidTx('t2', '9999-01-01')],
        },
      });
      expect(pl.status, pl.text).to.equal(400);
      expect(pl.body.errors[0].path).to.equal('source.transactions[1].date');
      const v = await assess({
        customer_ref: 'c',
        source: {
          type: 'validifi',
          account_token: 'tok-1',
          start_date: '2016-01-01',
          end_date: '2016-06-01',
        },
      });
      expect(v.status, v.text).to.equal(400);
      expect(v.body.code).to.equal('date_out_of_window');
      expect(v.body.errors[0].path).to.equal('source.start_date');
      expect(await used()).to.equal(0);
    });
  });
});
