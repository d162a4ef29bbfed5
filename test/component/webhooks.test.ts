import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import { adminToken, call, createPartner, startGateway, type Running } from '../helpers/gateway.ts';
import { startReceiver, type Receiver } from '../helpers/receiver.ts';
import { verifyStandard } from '../../src/webhooks/sign.ts';
import { generatePersona } from '../../tools/personas/personas.ts';

const txs = generatePersona('couple_two_children_mortgage', 3).transactions;
/** Independent of src/webhooks: the page's recipe, written out here. */
/** Polls until `check` returns a value, for state the gateway records just after the receiver sees a request. */
async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const veqtrxRecipe = (secret: string, raw: Buffer) => 'sha256=' + createHmac('sha256', Buffer.from(secret)).update(raw).digest('hex');

onEachDatabase('webhooks', (_kind, getDb) => {
  let g: Running;
  let rx: Receiver;
  before(async function () {
    this.timeout(60_000);
    g = await startGateway(getDb(), { WEBHOOK_RETRY_DELAYS: '1,2,4' });
  });
  after(async () => g?.stop());
  beforeEach(async () => {
    await reset(getDb());
  });
  afterEach(async () => rx?.close());

  it('POSTs the /assess response, byte for byte, signed with the Veqtrx and Standard Webhooks headers', async function () {
    this.timeout(20_000);
    rx = await startReceiver();
    const p = await createPartner(g.url, 'hookbank', { webhook_url: rx.url });
    const a = await call(g.url, 'POST', '/api/partner/v1/assess', { key: p.key, body: { customer_ref: 'c1', transactions: txs } });
    const [got] = await rx.waitFor(1);
    expect(got!.body.toString()).to.equal(a.text);
    expect(got!.headers['content-type']).to.equal('application/json');
    expect(got!.headers['user-agent']).to.equal('Veqtrx-Webhooks/1.0');
    expect(got!.headers['x-veqtrx-signature']).to.equal(veqtrxRecipe(p.webhookSecret, got!.body));
    expect(Math.abs(Number(got!.headers['x-veqtrx-timestamp']) - Date.now() / 1000)).to.be.lessThan(60);
    expect(verifyStandard(p.webhookSecret, got!.body, got!.headers['webhook-id'] as string, got!.headers['webhook-timestamp'] as string, got!.headers['webhook-signature'] as string)).to.equal(true);
    const d = await eventually(async () => {
      const list = await call(g.url, 'GET', `/api/partner/v1/webhooks/deliveries?assessment_id=${a.body.assessment_id}`, { key: p.key });
      return list.body.deliveries[0]?.state === 'delivered' ? list.body.deliveries[0] : undefined;
    });
    expect(d).to.include({ state: 'delivered', attempts: 1, event: 'assessment.completed', delivery_id: got!.headers['webhook-id'] });
  });

  it('retries a failing receiver at 1 s, 2 s and 4 s with the same webhook-id, recording every attempt', async function () {
    this.timeout(30_000);
    rx = await startReceiver([500, 503, 502]);
    const p = await createPartner(g.url, 'retrybank', { webhook_url: rx.url });
    await call(g.url, 'POST', '/api/partner/v1/assess', { key: p.key, body: { customer_ref: 'c2', transactions: txs } });
    const got = await rx.waitFor(4, 25_000);
    const gaps = got.slice(1).map((x, i) => (x.at - got[i]!.at) / 1000);
    // pg-boss polls every 0.5 s, so each wait is the delay plus up to one polling interval.
    expect(gaps[0]).to.be.within(0.9, 2.2);
    expect(gaps[1]).to.be.within(1.9, 3.2);
    expect(gaps[2]).to.be.within(3.9, 5.2);
    expect(new Set(got.map((x) => x.headers['webhook-id'])).size).to.equal(1);
    expect(new Set(got.map((x) => x.body.toString())).size).to.equal(1);
    const d = await eventually(async () => {
      const x = (await call(g.url, 'GET', '/api/partner/v1/webhooks/deliveries', { key: p.key })).body.deliveries[0];
      return x?.state === 'delivered' ? x : undefined;
    });
    expect(d).to.include({ state: 'delivered', attempts: 4, last_status_code: 200 });
    expect(d.attempt_log.map((x: { status_code: number }) => x.status_code)).to.deep.equal([500, 503, 502, 200]);
  });

  it('gives up after 3 retries, marks the delivery failed, and can send it again on request', async function () {
    this.timeout(30_000);
    rx = await startReceiver([500, 500, 500, 500]);
    const p = await createPartner(g.url, 'failbank', { webhook_url: rx.url });
    await call(g.url, 'POST', '/api/partner/v1/assess', { key: p.key, body: { customer_ref: 'c3', transactions: txs } });
    await rx.waitFor(4, 25_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(rx.received).to.have.length(4);
    const d = (await call(g.url, 'GET', '/api/partner/v1/webhooks/deliveries', { key: p.key })).body.deliveries[0];
    expect(d).to.include({ state: 'failed', attempts: 4 });
    const again = await call(g.url, 'POST', `/api/partner/v1/webhooks/deliveries/${d.delivery_id}/redeliver`, { key: p.key });
    expect(again.status).to.equal(202);
    await rx.waitFor(5);
    const redelivered = await eventually(async () => {
      const x = (await call(g.url, 'GET', '/api/partner/v1/webhooks/deliveries', { key: p.key })).body.deliveries[0];
      return x?.state === 'delivered' ? x : undefined;
    });
    expect(redelivered).to.include({ state: 'delivered', attempts: 5 });
    const otherBank = await createPartner(g.url, 'snoopbank');
    expect((await call(g.url, 'POST', `/api/partner/v1/webhooks/deliveries/${d.delivery_id}/redeliver`, { key: otherBank.key })).status).to.equal(404);
  });

  it('does not retry a 4xx answer (a retry cannot help)', async function () {
    this.timeout(20_000);
    rx = await startReceiver([401]);
    const p = await createPartner(g.url, 'fourbank', { webhook_url: rx.url });
    await call(g.url, 'POST', '/api/partner/v1/assess', { key: p.key, body: { customer_ref: 'c4', transactions: txs } });
    await rx.waitFor(1);
    await new Promise((r) => setTimeout(r, 2500));
    expect(rx.received).to.have.length(1);
    expect((await call(g.url, 'GET', '/api/partner/v1/webhooks/deliveries', { key: p.key })).body.deliveries[0]).to.include({ state: 'failed', last_status_code: 401 });
  });

  it('sends to callback_url instead of the partner webhook for that call', async function () {
    this.timeout(20_000);
    rx = await startReceiver();
    const other = await startReceiver();
    try {
      const p = await createPartner(g.url, 'cbbank', { webhook_url: other.url });
      await call(g.url, 'POST', '/api/partner/v1/assess', { key: p.key, body: { customer_ref: 'c5', transactions: txs, callback_url: rx.url } });
      await rx.waitFor(1);
      await new Promise((r) => setTimeout(r, 1000));
      expect(other.received).to.have.length(0);
    } finally {
      await other.close();
    }
  });

  it('signs with the new secret after a rotation', async function () {
    this.timeout(20_000);
    rx = await startReceiver();
    const p = await createPartner(g.url, 'rotbank', { webhook_url: rx.url });
    const rotated = await call(g.url, 'POST', '/api/admin/partners/rotbank/webhook-secret', { token: await adminToken() });
    expect(rotated.body.webhook_secret).to.match(/^whsec_/).and.not.equal(p.webhookSecret);
    await call(g.url, 'POST', '/api/partner/v1/assess', { key: p.key, body: { customer_ref: 'c6', transactions: txs } });
    const [got] = await rx.waitFor(1);
    expect(got!.headers['x-veqtrx-signature']).to.equal(veqtrxRecipe(rotated.body.webhook_secret, got!.body));
  });
});

onEachDatabase('webhook SSRF guard', (_kind, getDb) => {
  let g: Running;
  before(async function () {
    this.timeout(60_000);
    g = await startGateway(getDb(), { ALLOW_PRIVATE_WEBHOOKS: 'false' });
  });
  after(async () => g?.stop());
  beforeEach(async () => reset(getDb()));

  it('refuses a metadata callback_url with 400 at no cost, and delivers to loopback only when configured, without retrying', async function () {
    this.timeout(20_000);
    const rx = await startReceiver();
    try {
      const p = await createPartner(g.url, 'ssrfbank', { webhook_url: rx.url });
      // A literal address that no configuration allows is refused when the request arrives.
      for (const callback_url of ['http://169.254.169.254/latest/meta-data/', 'http://[64:ff9b::a9fe:a9fe]/latest/meta-data/']) {
        const a = await call(g.url, 'POST', '/api/partner/v1/assess', { key: p.key, body: { customer_ref: 'c', transactions: txs, callback_url } });
        expect(a.status, callback_url).to.equal(400);
        expect(a.body.detail).to.match(/^Invalid request body: callback_url: the URL points at a link-local, metadata or reserved address/);
      }
      expect((await call(g.url, 'GET', '/api/partner/v1/usage', { key: p.key })).body.current_usage).to.equal(0);
      // Loopback depends on ALLOW_PRIVATE_WEBHOOKS (false here): refused at the delivery, where the name is resolved.
      expect((await call(g.url, 'POST', '/api/partner/v1/assess', { key: p.key, body: { customer_ref: 'c', transactions: txs } })).status).to.equal(200);
      const until = Date.now() + 8000;
      let ds: Array<{ state: string; attempt_log: Array<{ error: string }> }> = [];
      while (Date.now() < until) {
        ds = (await call(g.url, 'GET', '/api/partner/v1/webhooks/deliveries', { key: p.key })).body.deliveries;
        if (ds.length === 1 && ds.every((d) => d.state === 'failed')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(ds.map((d) => d.state)).to.deep.equal(['failed']);
      for (const d of ds) {
        expect(d.attempt_log).to.have.length(1);
        expect(d.attempt_log[0]!.error).to.match(/^refused:/);
      }
      expect(rx.received).to.have.length(0);
    } finally {
      await rx.close();
    }
  });
});
