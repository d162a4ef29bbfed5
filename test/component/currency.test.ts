/**
 * Currency, exclusions and account warnings through HTTP: the request's `currency` (ISO 4217, default
 * GBP) and what the response, the stored copy, the webhook and the evidence say; a mix refused; rows
 * dated after the assessment listed as excluded; accounts that are not the customer's own current
 * account warned about, whether a source or the request's `accounts` says so.
 */
import { expect } from 'chai';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import { call, createPartner, startGateway, type Running, type TestPartner } from '../helpers/gateway.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { generatePersona } from '../../tools/personas/personas.ts';
import { toByod, toPlaidGet } from '../../tools/personas/formats.ts';

const persona = generatePersona('salaried_single_renter', 1);
const base = { customer_ref: 'cust-cur', partner_ref: 'loan-cur' };
const VEQTRX_FIELDS = [
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
];

onEachDatabase('currency, exclusions and account warnings', (_kind, getDb) => {
  let g: Running;
  let p: TestPartner;
  let rx: Receiver;
  let n = 0;
  before(async function () {
    this.timeout(60_000);
    g = await startGateway(getDb());
    g.clock.now = new Date(persona.now);
  });
  after(async () => g?.stop());
  beforeEach(async () => {
    await reset(getDb());
    rx = await startReceiver();
    p = await createPartner(g.url, `curbank-${++n}`, { webhook_url: rx.url });
  });
  afterEach(async () => rx.close());

  const assess = (body: Record<string, unknown>) =>
    call(g.url, 'POST', '/api/partner/v1/assess', { key: p.key, body: { ...base, ...body } });
  const evidence = async (id: string) =>
    (await call(g.url, 'GET', `/api/partner/v1/assessment/${id}/evidence`, { key: p.key })).body;
  const usage = async () =>
    (await call(g.url, 'GET', '/api/partner/v1/usage', { key: p.key })).body.current_usage as number;

  describe('currency', () => {
    it('is GBP by default, after every Veqtrx field, in the response, the stored copy, the webhook and the evidence', async function () {
      this.timeout(20_000);
      const r = await assess({ transactions: persona.transactions });
      expect(r.status, r.text).to.equal(200);
      expect(Object.keys(r.body)).to.deep.equal([...VEQTRX_FIELDS, 'currency', 'exclusions', 'warnings']);
      expect(r.body.currency).to.equal('GBP');
      expect(r.body.warnings).to.deep.equal([]);
      const [hook] = await rx.waitFor(1);
      expect(hook!.body.toString()).to.equal(r.text);
      expect(
        (await call(g.url, 'GET', `/api/partner/v1/assessment/${r.body.assessment_id}`, { key: p.key })).text,
      ).to.equal(r.text);
      const ev = await evidence(r.body.assessment_id);
      expect(ev.currency).to.equal('GBP');
      const bases: string[] = ev.income.streams.map((s: { basis: string }) => s.basis);
      expect(bases.join(' ')).to.match(/£\d/);
      expect(ev.source.warnings.join(' ')).not.to.match(/calibrated on UK/);
    });

    it("is the request's currency when sent (any case): amounts unchanged, evidence text with its symbol", async function () {
      this.timeout(20_000);
      const gbp = await assess({ transactions: persona.transactions });
      const eur = await assess({
        transactions: persona.transactions.map((t, i) => (i % 2 ? { ...t, currency: 'EUR' } : t)),
        currency: 'eur',
      });
      expect(eur.status, eur.text).to.equal(200);
      expect(eur.body.currency).to.equal('EUR');
      expect(eur.body.monthly_income).to.equal(gbp.body.monthly_income);
      expect(eur.body.categories).to.deep.equal(gbp.body.categories);
      const hooks = await rx.waitFor(2);
      expect(JSON.parse(hooks[1]!.body.toString()).currency).to.equal('EUR');
      const ev = await evidence(eur.body.assessment_id);
      expect(ev.currency).to.equal('EUR');
      const texts = JSON.stringify([
        ev.income.streams.map((s: { basis: string }) => s.basis),
        ev.expenditure.categories,
      ]);
      expect(texts).to.match(/€\d/);
      expect(texts).not.to.match(/£/);
      expect(ev.source.warnings.join(' ')).to.match(/in EUR; .*calibrated on UK \(GBP\) data/);
    });

    const bad: Array<[string, unknown, string]> = [
      ['a code that is no currency', 'GBX', 'currency'],
      ['a currency name', 'euro', 'currency'],
      ['a number', 826, 'currency'],
    ];
    for (const [what, currency, path] of bad) {
      it(`refuses ${what} with 400 naming the field, and charges nothing`, async () => {
        const r = await assess({ transactions: persona.transactions.slice(0, 10), currency });
        expect(r.status).to.equal(400);
        expect(r.body.code).to.equal('validation_error');
        expect(r.body.errors[0]).to.deep.include({ path });
        expect(r.body.errors[0].message).to.match(/ISO 4217/);
        expect(await usage()).to.equal(0);
      });
    }

    it('refuses a transaction whose currency is not a real code with 400 and its path', async () => {
      const txs = persona.transactions.slice(0, 10).map((t, i) => (i === 4 ? { ...t, currency: 'ZZZ' } : t));
      const r = await assess({ transactions: txs });
      expect(r.status).to.equal(400);
      expect(r.body.errors[0].path).to.equal('transactions[4].currency');
    });

    it("refuses a transaction in another currency than the request's (default or sent) as mixed_currency, and charges nothing", async () => {
      const txs = persona.transactions.map((t, i) => (i === 7 ? { ...t, currency: 'USD' } : t));
      const r = await assess({ transactions: txs });
      expect(r.status).to.equal(400);
      expect(r.body.code).to.equal('mixed_currency');
      expect(r.body.detail).to.match(
        /more than one currency \(GBP, USD\): transactions\[7\] is in USD, but this assessment is in GBP \(the default/,
      );
      expect(r.body.errors).to.deep.equal([
        { path: 'transactions[7].currency', message: "is USD; the request's currency is GBP" },
      ]);
      const r2 = await assess({
        transactions: persona.transactions.map((t) => ({ ...t, currency: 'GBP' })),
        currency: 'EUR',
      });
      expect(r2.status).to.equal(400);
      expect(r2.body.code).to.equal('mixed_currency');
      expect(r2.body.detail).to.match(/this assessment is in EUR;/);
      expect(await usage()).to.equal(0);
    });

    it("takes a source's currency, and refuses a request currency that the source contradicts", async function () {
      this.timeout(20_000);
      const zar = await assess({
        source: { ...toByod(persona.transactions, 'ZAR'), time_zone: 'Africa/Johannesburg' },
      });
      expect(zar.status, zar.text).to.equal(200);
      expect(zar.body.currency).to.equal('ZAR');
      const same = await assess({ currency: 'ZAR', source: toByod(persona.transactions, 'ZAR') });
      expect(same.status).to.equal(200);
      const contradicted = await assess({ currency: 'GBP', source: toByod(persona.transactions, 'ZAR') });
      expect(contradicted.status).to.equal(400);
      expect(contradicted.body.code).to.equal('mixed_currency');
      expect(contradicted.body.detail).to.match(
        /the source's transactions are in ZAR, but this assessment is in GBP/,
      );
      expect(await usage()).to.equal(2);
    });
  });

  describe('exclusions', () => {
    it('lists rows dated after the assessment as future_dated in the response and the evidence, never silently dropped', async function () {
      this.timeout(20_000);
      const future = [
        { date: '2026-11-03', amount: 45.5, merchant_name: 'TESCO STORES 2231', account_id: 'current' },
        // The day after the assessment is the last of the accepted window; later dates are refused (input-refusals.test.ts).
        { date: '2026-11-03', amount: -2300, merchant_name: 'ACME PAYROLL', account_id: 'current' },
      ];
      const plain = await assess({ transactions: persona.transactions });
      const r = await assess({ transactions: [...persona.transactions, ...future] });
      expect(r.status, r.text).to.equal(200);
      expect(r.body.exclusions).to.deep.include({ reason: 'future_dated', count: 2 });
      // The future rows change no figure: not analysed, not income, not spending.
      expect(r.body.transactions_analyzed).to.equal(plain.body.transactions_analyzed);
      expect(r.body.monthly_income).to.equal(plain.body.monthly_income);
      expect(r.body.monthly_expenditure).to.equal(plain.body.monthly_expenditure);
      const ev = await evidence(r.body.assessment_id);
      const f = ev.exclusions.find((e: { reason: string }) => e.reason === 'future_dated');
      expect(f.count).to.equal(2);
      expect(f.detail).to.match(/after the day of the assessment .*as of 2026-11-02/);
      const ledger = ev.ledger.filter((l: { ref: string }) => f.refs.includes(l.ref));
      expect(
        ledger
          .map((l: { date: string; reason: string; treatment: string }) => [l.date, l.reason, l.treatment])
          .sort(),
      ).to.deep.equal([
        ['2026-11-03', 'future_dated', 'excluded'],
        ['2026-11-03', 'future_dated', 'excluded'],
      ]);
      expect(ev.exclusions.reduce((s: number, e: { count: number }) => s + e.count, 0)).to.equal(
        ev.counts.excluded,
      );
      for (const e of r.body.exclusions)
        expect(ev.exclusions.find((x: { reason: string }) => x.reason === e.reason).count).to.equal(e.count);
    });
  });

  describe('account warnings', () => {
    it('warns about the accounts that the request states are savings or operated by an attorney', async function () {
      this.timeout(20_000);
      const txs = persona.transactions.map((t, i) => (i % 5 === 0 ? { ...t, account_id: 'isa' } : t));
      const r = await assess({
        transactions: txs,
        accounts: [
          { account_id: 'current', type: 'current', holder: 'joint_with_attorney' },
          { account_id: 'isa', type: 'savings' },
        ],
      });
      expect(r.status, r.text).to.equal(200);
      expect(
        r.body.warnings.map((w: { code: string; account_id: string }) => [w.code, w.account_id]),
      ).to.deep.equal([
        ['attorney_account', 'current'],
        ['savings_account', 'isa'],
      ]);
      expect(r.body.warnings[0].detail).to.match(/power of attorney/);
      const ev = await evidence(r.body.assessment_id);
      expect(ev.warnings).to.deep.equal(r.body.warnings);
      expect(ev.source.accounts).to.have.length(2);
    });

    it('warns that there is no current account when every account is stated to be savings', async () => {
      const r = await assess({
        transactions: persona.transactions,
        accounts: [{ account_id: 'current', type: 'savings' }],
      });
      expect(r.status).to.equal(200);
      expect(r.body.warnings.map((w: { code: string }) => w.code)).to.deep.equal([
        'savings_account',
        'no_current_account',
      ]);
      expect(r.body.warnings[1]).to.include({ account_id: null });
      expect(r.body.warnings[1].detail).to.match(/Every account in this assessment is a savings account/);
    });

    it('refuses accounts that name no account of the transactions, repeat one, or come with a source', async () => {
      const unknown = await assess({
        transactions: persona.transactions.slice(0, 5),
        accounts: [{ account_id: 'nope', type: 'business' }],
      });
      expect(unknown.status).to.equal(400);
      expect(unknown.body.errors[0].path).to.equal('accounts[0].account_id');
      const twice = await assess({
        transactions: persona.transactions.slice(0, 5),
        accounts: [{ account_id: 'current' }, { account_id: 'current' }],
      });
      expect(twice.status).to.equal(400);
      expect(twice.body.errors[0]).to.deep.include({ path: 'accounts[1].account_id' });
      const badType = await assess({
        transactions: persona.transactions.slice(0, 5),
        accounts: [{ account_id: 'current', type: 'offshore' }],
      });
      expect(badType.status).to.equal(400);
      expect(badType.body.errors[0].path).to.equal('accounts[0].type');
      const withSource = await assess({
        source: toByod(persona.transactions.slice(0, 5)),
        accounts: [{ account_id: 'current', type: 'savings' }],
      });
      expect(withSource.status).to.equal(400);
      expect(withSource.body.errors[0].path).to.equal('accounts');
      expect(await usage()).to.equal(0);
    });

    it("reads a BYOD upload's account type and holder name", async function () {
      this.timeout(20_000);
      const byod = toByod(persona.transactions) as { accounts: Array<Record<string, unknown>> };
      byod.accounts[0]!.account_type = 'Business Current Account';
      byod.accounts[0]!.account_holder_name = 'J Smith as attorney for M Smith';
      const r = await assess({ source: byod });
      expect(r.status, r.text).to.equal(200);
      const codes = r.body.warnings.map((w: { code: string }) => w.code);
      expect(codes).to.include.members(['business_account', 'attorney_account', 'no_current_account']);
      expect(r.body.warnings[0].detail).to.match(
        /the source says "J Smith as attorney for M Smith; Business Current Account"/,
      );
    });

    it("reads a Plaid account's subtype and holder_category", async function () {
      this.timeout(20_000);
      const plaid = toPlaidGet(persona.transactions) as { accounts: Array<Record<string, unknown>> };
      plaid.accounts[0]!.subtype = 'savings';
      const savings = await assess({ source: plaid });
      expect(savings.status, savings.text).to.equal(200);
      expect(savings.body.warnings.map((w: { code: string }) => w.code)).to.deep.equal([
        'savings_account',
        'no_current_account',
      ]);
      plaid.accounts[0]!.subtype = 'checking';
      plaid.accounts[0]!.holder_category = 'business';
      const business = await assess({ source: plaid });
      expect(business.body.warnings.map((w: { code: string }) => w.code)).to.deep.equal([
        'business_account',
        'no_current_account',
      ]);
      plaid.accounts[0]!.holder_category = 'personal';
      const personal = await assess({ source: plaid });
      expect(personal.body.warnings).to.deep.equal([]);
    });
  });
});
