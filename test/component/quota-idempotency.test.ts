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
import { period } from '../../src/store/usage.ts';
import { IDEMPOTENCY_TTL_MS } from '../../src/store/idempotency.ts';
import { getPartner } from '../../src/store/partners.ts';
import { legacyRequestHash } from '../../src/services/assessments.ts';

const txs = generatePersona('salaried_single_renter', 2).transactions;
const body = (ref = 'c-1') => ({ customer_ref: ref, transactions: txs });

onEachDatabase('quota, idempotency and test mode', (_kind, getDb) => {
  let g: Running;
  let p: TestPartner;
  before(async function () {
    this.timeout(60_000);
    g = await startGateway(getDb());
  });
  after(async () => g?.stop());
  beforeEach(async () => {
    g.clock.now = undefined;
    await reset(getDb());
    p = await createPartner(g.url, 'quotabank', { monthly_quota: 60 });
  });
  const assess = (b: unknown, headers: Record<string, string> = {}) =>
    call(g.url, 'POST', '/api/partner/v1/assess', { key: p.key, body: b, headers });
  const usage = async () => (await call(g.url, 'GET', '/api/partner/v1/usage', { key: p.key })).body;

  it('lets exactly 10 of 50 concurrent assessments through when 10 units are left; the rest get 429', async function () {
    this.timeout(60_000);
    await getDb().query('insert into usage_counters (partner_id, period, used) values ($1, $2, 50)', [
      p.id,
      period(new Date()),
    ]);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => assess(body(`c-${i}`))));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).to.have.length(10);
    expect(statuses.filter((s) => s === 429)).to.have.length(40);
    const refused = results.find((r) => r.status === 429)!;
    expect(refused.body.detail).to.match(/quota/i);
    const u = await usage();
    expect(u).to.include({ current_usage: 60, remaining: 0 });
    const { rows } = await getDb().query<{ n: number }>(
      'select count(*)::int as n from assessments where partner_id = $1',
      [p.id],
    );
    expect(rows[0]!.n).to.equal(10);
  });

  it('counts per UTC calendar month: a new month starts from zero', async () => {
    g.clock.now = new Date('2026-10-31T23:59:59.000Z');
    expect((await assess(body())).status).to.equal(200);
    expect((await usage()).current_usage).to.equal(1);
    g.clock.now = new Date('2026-11-01T00:00:00.000Z');
    expect((await usage()).current_usage).to.equal(0);
    expect((await usage()).reset_at).to.equal('2026-12-01T00:00:00.000Z');
  });

  it('refuses a partner out of quota before any work: a body that would also be a 400 gets 429', async () => {
    await getDb().query('insert into usage_counters (partner_id, period, used) values ($1, $2, 60)', [
      p.id,
      period(new Date()),
    ]);
    const r = await assess({
      customer_ref: 'x',
      transactions: [{ date: '2026-02-30', amount: 5, merchant_name: 'A' }],
    });
    expect(r.status).to.equal(429);
  });

  it('charges in the statement that stores: when another replica took the last unit meanwhile, the work is refused and nothing is stored', async () => {
    expect((await assess(body('first'))).status).to.equal(200); // this gateway now knows of 1 unit used
    // Another replica uses up the rest of the month's quota (as far as this gateway knows, 59 are left).
    await getDb().query('update usage_counters set used = 60 where partner_id = $1', [p.id]);
    const late = await assess(body('late'));
    expect(late.status).to.equal(429);
    const { rows } = await getDb().query<{ n: number }>(
      'select count(*)::int as n from assessments where partner_id = $1',
      [p.id],
    );
    expect(rows[0]!.n).to.equal(1);
    expect((await usage()).current_usage).to.equal(60);
    // Having been refused, it now refuses before decoding the body.
    expect((await assess({ customer_ref: 'x', transactions: [] })).status).to.equal(429);
  });

  it('charges nothing when the work fails (the body is decoded after the quota check)', async () => {
    const bad = await assess({
      customer_ref: 'x',
      transactions: [{ date: '2026-02-30', amount: 5, merchant_name: 'A' }],
    });
    expect(bad.status).to.equal(400);
    expect(bad.body.detail).to.match(/not a real calendar date/);
    const broken = await g.gw.assessments
      .run((await getPartner(getDb(), p.id))!, {
        body: { chunks: [Buffer.from('{"customer_ref": ')], length: 17 },
        receivedAt: performance.now(),
      })
      .then(
        () => 200,
        (e: { status: number }) => e.status,
      );
    expect(broken).to.equal(400);
    expect((await usage()).current_usage).to.equal(0);
  });

  describe('Idempotency-Key', () => {
    it('returns the first response for the same key and body, at no further cost', async () => {
      const first = await assess(body(), { 'Idempotency-Key': 'loan-42-attempt' });
      const again = await assess(body(), { 'Idempotency-Key': 'loan-42-attempt' });
      expect(first.status).to.equal(200);
      expect(again.status).to.equal(200);
      expect(again.text).to.equal(first.text);
      expect(again.headers.get('idempotent-replayed')).to.equal('true');
      expect((await usage()).current_usage).to.equal(1);
    });

    it('compares the bytes: the same body with keys in another order is another request (422)', async () => {
      const a = await assess(
        { customer_ref: 'z', transactions: txs.slice(0, 10) },
        { 'Idempotency-Key': 'k1' },
      );
      expect(a.status).to.equal(200);
      const b = await assess(
        { transactions: txs.slice(0, 10), customer_ref: 'z' },
        { 'Idempotency-Key': 'k1' },
      );
      expect(b.status).to.equal(422);
    });

    it('still replays a key stored before the hash took the bytes (canonical JSON, key order ignored)', async () => {
      const b = { customer_ref: 'z', transactions: txs.slice(0, 10) };
      const a = await assess(b, { 'Idempotency-Key': 'k-old' });
      await getDb().query(
        `update idempotency_keys set request_hash = $3 where partner_id = $1 and key = $2`,
        [
          p.id,
          'k-old',
          legacyRequestHash(Buffer.from(JSON.stringify({ transactions: b.transactions, customer_ref: 'z' }))),
        ],
      );
      const r = await assess(
        { transactions: b.transactions, customer_ref: 'z' },
        { 'Idempotency-Key': 'k-old' },
      );
      expect(r.status).to.equal(200);
      expect(r.body.assessment_id).to.equal(a.body.assessment_id);
    });

    it('answers 422 for the same key with a different body', async () => {
      await assess(body('a'), { 'Idempotency-Key': 'k2' });
      const r = await assess(body('b'), { 'Idempotency-Key': 'k2' });
      expect(r.status).to.equal(422);
      expect(r.body.detail).to.match(/different request body/);
    });

    it('answers 409 while the first request with the key is still running', async () => {
      const { requestHash } = await import('../../src/services/assessments.ts');
      await getDb().query(
        `insert into idempotency_keys (partner_id, key, request_hash, state, expires_at) values ($1, 'k3', $2, 'in_progress', now() + interval '1 hour')`,
        [p.id, await requestHash(Buffer.from(JSON.stringify(body())))],
      );
      const r = await assess(body(), { 'Idempotency-Key': 'k3' });
      expect(r.status).to.equal(409);
    });

    it('lets a retry take over a claim left "in progress" by a request that died (after 5 minutes)', async () => {
      const { requestHash } = await import('../../src/services/assessments.ts');
      await getDb().query(
        `insert into idempotency_keys (partner_id, key, request_hash, state, created_at, expires_at) values ($1, 'k-crash', $2, 'in_progress', now() - interval '6 minutes', now() + interval '1 hour')`,
        [p.id, await requestHash(Buffer.from(JSON.stringify(body())))],
      );
      const r = await assess(body(), { 'Idempotency-Key': 'k-crash' });
      expect(r.status).to.equal(200);
      expect((await assess(body(), { 'Idempotency-Key': 'k-crash' })).body.assessment_id).to.equal(
        r.body.assessment_id,
      );
    });

    it('forgets a key after 24 hours', async () => {
      const t0 = new Date();
      g.clock.now = t0;
      const a = await assess(body(), { 'Idempotency-Key': 'k4' });
      g.clock.now = new Date(t0.getTime() + IDEMPOTENCY_TTL_MS + 1000);
      const b = await assess(body(), { 'Idempotency-Key': 'k4' });
      expect(b.body.assessment_id).to.not.equal(a.body.assessment_id);
    });

    it('purges expired keys', async () => {
      const { purgeExpired } = await import('../../src/store/idempotency.ts');
      await assess(body(), { 'Idempotency-Key': 'old' });
      expect(await purgeExpired(getDb(), new Date(Date.now() + IDEMPOTENCY_TTL_MS + 1000))).to.equal(1);
      expect(await purgeExpired(getDb(), new Date())).to.equal(0);
    });

    it('does not keep a key whose first request failed, so a corrected retry can use it', async () => {
      const bad = await assess({ customer_ref: 'x', transactions: [] }, { 'Idempotency-Key': 'k5' });
      expect(bad.status).to.equal(400);
      const quotaBank = await call(g.url, 'PUT', `/api/admin/partners/${p.id}`, {
        token: await adminToken(),
        body: { monthly_quota: 0 },
      });
      expect(quotaBank.status).to.equal(200);
      const refused = await assess(body(), { 'Idempotency-Key': 'k5' });
      expect(refused.status).to.equal(429);
      await call(g.url, 'PUT', `/api/admin/partners/${p.id}`, {
        token: await adminToken(),
        body: { monthly_quota: 5 },
      });
      expect((await assess(body(), { 'Idempotency-Key': 'k5' })).status).to.equal(200);
    });

    it('refuses an unusable key with 400', async () => {
      expect((await assess(body(), { 'Idempotency-Key': 'has space' })).status).to.equal(400);
    });
  });

  describe('test mode', () => {
    it('runs the real engine for a new partner and stores the assessment as test until sign-off', async () => {
      const t = await assess(body('t'));
      expect(t.body.monthly_income).to.be.greaterThan(0);
      const token = await adminToken();
      const signed = await call(g.url, 'POST', `/api/admin/partners/${p.id}/production`, { token });
      expect(signed.body).to.include({ is_test_mode: false });
      const live = await assess(body('l'));
      const list = await call(g.url, 'GET', `/api/admin/assessments?partner_id=${p.id}`, { token });
      const flags = Object.fromEntries(
        list.body.assessments.map((a: { assessment_id: string; is_test_mode: boolean }) => [
          a.assessment_id,
          a.is_test_mode,
        ]),
      );
      expect(flags[t.body.assessment_id]).to.equal(true);
      expect(flags[live.body.assessment_id]).to.equal(false);
      const onlyTest = await call(g.url, 'GET', `/api/admin/assessments?is_test=true`, { token });
      expect(onlyTest.body.assessments.map((a: { assessment_id: string }) => a.assessment_id)).to.deep.equal([
        t.body.assessment_id,
      ]);
    });
  });
});
