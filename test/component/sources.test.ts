import { expect } from 'chai';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import {
  call,
  createPartner,
  figures,
  startGateway,
  type Running,
  type TestPartner,
} from '../helpers/gateway.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { generatePersona } from '../../tools/personas/personas.ts';
import { toByod, toLabelled, toPlaidGet } from '../../tools/personas/formats.ts';

const persona = generatePersona('couple_two_children_mortgage', 5);
const base = {
  customer_ref: 'cust-77',
  partner_ref: 'loan-9',
  circumstances: persona.circumstances,
  declared_income: persona.declared_income,
};

onEachDatabase('sources through POST /assess', (_kind, getDb) => {
  let g: Running;
  let p: TestPartner;
  let rx: Receiver;
  let direct: Record<string, unknown>;
  let n = 0;
  before(async function () {
    this.timeout(60_000);
    g = await startGateway(getDb());
    g.clock.now = new Date(persona.now);
  });
  after(async () => g?.stop());
  beforeEach(async function () {
    this.timeout(60_000);
    await reset(getDb());
    rx = await startReceiver();
    // A new id each time: the gateway caches partner rows for 2 s, and reset() bypasses it.
    p = await createPartner(g.url, `sourcebank-${++n}`, { webhook_url: rx.url });
    const r = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { ...base, transactions: persona.transactions },
    });
    // A setup error, not a check: the tests check what they are about.
    if (r.status !== 200) throw new Error(`setup: the direct assessment answered ${r.status} ${r.text}`);
    direct = r.body;
    await rx.waitFor(1);
  });
  afterEach(async () => {
    const r = rx as Receiver | undefined;
    rx = undefined!;
    await r?.close();
  });

  const usage = async () =>
    (await call(g.url, 'GET', '/api/partner/v1/usage', { key: p.key })).body.current_usage as number;

  const cases: Array<[string, () => unknown]> = [
    ['labelled_transactions', () => toLabelled(persona.transactions)],
    ['byod_accounts', () => toByod(persona.transactions)],
    ['plaid_transactions', () => toPlaidGet(persona.transactions)],
  ];
  for (const [type, source] of cases) {
    it(`${type}: the same assessment as the raw transactions, charged once, stored, with its webhook and evidence`, async function () {
      this.timeout(60_000);
      const r = await call(g.url, 'POST', '/api/partner/v1/assess', {
        key: p.key,
        body: { ...base, source: source() },
      });
      expect(r.status, r.text).to.equal(200);
      expect(figures(r.body)).to.deep.equal(figures(direct));
      expect(r.body.assessment_id).not.to.equal(direct.assessment_id);
      expect(await usage()).to.equal(2);
      const hooks = await rx.waitFor(2);
      expect(hooks[1]!.body.toString()).to.equal(r.text);
      expect(
        (await call(g.url, 'GET', `/api/partner/v1/assessment/${r.body.assessment_id}`, { key: p.key })).text,
      ).to.equal(r.text);
      const ev = (
        await call(g.url, 'GET', `/api/partner/v1/assessment/${r.body.assessment_id}/evidence`, {
          key: p.key,
        })
      ).body;
      expect(ev.source.type).to.equal(type);
      expect(ev.source.metadata).to.be.an('object');
      expect(ev.ledger).to.have.length(persona.transactions.length);
    });
  }

  it('refuses both transactions and a source, or neither, with 400 and charges nothing', async () => {
    const both = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { ...base, transactions: persona.transactions, source: toPlaidGet(persona.transactions) },
    });
    expect(both.status).to.equal(400);
    expect(both.body.detail).to.match(/source: cannot be sent with transactions/);
    const neither = await call(g.url, 'POST', '/api/partner/v1/assess', { key: p.key, body: base });
    expect(neither.status).to.equal(400);
    expect(neither.body.detail).to.match(/transactions: is required \(or, instead, a source object\)/);
    const unknown = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { ...base, source: { type: 'fax' } },
    });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.detail).to.match(/type must be one of/);
    expect(await usage()).to.equal(1);
  });

  it('refuses mixed currencies with a 400 that names them, never a silent sum, and charges nothing', async () => {
    const labelled = toLabelled(persona.transactions);
    labelled.accounts[0]!.transactions[3]!.currency = 'EUR';
    const r = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { ...base, source: labelled },
    });
    expect(r.status).to.equal(400);
    expect(r.body.code).to.equal('mixed_currency');
    expect(r.body.detail).to.match(/more than one currency \(EUR, GBP\)/);
    const plaid = toPlaidGet(persona.transactions);
    plaid.transactions[0]!.iso_currency_code = 'USD';
    const r2 = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { ...base, source: plaid },
    });
    expect(r2.status).to.equal(400);
    expect(r2.body.detail).to.match(/GBP, USD/);
    expect(await usage()).to.equal(1);
  });

  it('assesses a single non-GBP currency and says in the evidence that the engine is calibrated on GBP', async () => {
    const r = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { ...base, source: { ...toByod(persona.transactions, 'ZAR'), time_zone: 'Africa/Johannesburg' } },
    });
    expect(r.status, r.text).to.equal(200);
    const ev = (
      await call(g.url, 'GET', `/api/partner/v1/assessment/${r.body.assessment_id}/evidence`, { key: p.key })
    ).body;
    expect(ev.currency).to.equal('ZAR');
    expect(ev.source.warnings.join(' ')).to.match(/in ZAR; .*calibrated on UK \(GBP\) data/);
  });

  it('names the failing field of a source with its path', async () => {
    const byod = toByod(persona.transactions) as {
      accounts: Array<{ currency?: string; transactions: Array<Record<string, unknown>> }>;
    };
    delete byod.accounts[0]!.currency;
    const r = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { ...base, source: byod },
    });
    expect(r.status).to.equal(400);
    expect(r.body.errors[0].path).to.equal('source.accounts[0].transactions[0].currency');
  });

  it('answers a Plaid body whose transactions are all pending with a 400 that says so', async () => {
    const plaid = toPlaidGet(persona.transactions.slice(0, 3));
    for (const t of plaid.transactions) t.pending = true;
    const r = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { ...base, source: plaid },
    });
    expect(r.status).to.equal(400);
    expect(r.body.detail).to.match(/Invalid source \(plaid_transactions\): all 3 transactions are pending/);
  });
});
