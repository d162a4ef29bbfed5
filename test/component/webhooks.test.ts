import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import { adminToken, call, createPartner, startGateway, type Running } from '../helpers/gateway.ts';
import { startReceiver, waitFor, type Receiver } from '../helpers/receiver.ts';
import { verifyStandard } from '../../src/webhooks/sign.ts';
import { generatePersona } from '../../tools/personas/personas.ts';

const txs = generatePersona('couple_two_children_mortgage', 3).transactions;
/** Independent of src/webhooks: the page's recipe, written out here. */
/** Polls until `check` returns a value, for state the gateway records just after the receiver sees a request. */
const eventually = <T>(check: () => Promise<T | undefined>, what = 'delivery state') =>
  waitFor(check, { intervalMs: 100, what });

const veqtrxRecipe = (secret: string, raw: Buffer) =>
  'sha256=' + createHmac('sha256', Buffer.from(secret)).update(raw).digest('hex');

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
  afterEach(async () => {
    const r = rx as Receiver | undefined;
    rx = undefined!; // a test that fails before starting its receiver must not close the previous one again
    await r?.close();
  });
  /** The partner's only delivery once it has reached a final state (delivered or failed). */
  const settled = (key: string) =>
    eventually(async () => {
      const x = (await call(g.url, 'GET', '/api/partner/v1/webhooks/deliveries', { key })).body.deliveries[0];
      return x && x.state !== 'pending' ? x : undefined;
    }, 'the delivery delivered or failed');

  it('POSTs the /assess response, byte for byte, signed with the Veqtrx and Standard Webhooks headers', async function () {
    this.timeout(60_000);
    rx = await startReceiver();
    const p = await createPartner(g.url, 'hookbank', { webhook_url: rx.url });
    const a = await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { customer_ref: 'c1', transactions: txs },
    });
    const [got] = await rx.waitFor(1);
    expect(got!.body.toString()).to.equal(a.text);
    expect(got!.headers['content-type']).to.equal('application/json');
    expect(got!.headers['user-agent']).to.equal('Veqtrx-Webhooks/1.0');
    expect(got!.headers['x-veqtrx-signature']).to.equal(veqtrxRecipe(p.webhookSecret, got!.body));
    expect(Math.abs(Number(got!.headers['x-veqtrx-timestamp']) - Date.now() / 1000)).to.be.lessThan(60);
    expect(
      verifyStandard(
        p.webhookSecret,
        got!.body,
        got!.headers['webhook-id'] as string,
        got!.headers['webhook-timestamp'] as string,
        got!.headers['webhook-signature'] as string,
      ),
    ).to.equal(true);
    const d = await eventually(async () => {
      const list = await call(
        g.url,
        'GET',
        `/api/partner/v1/webhooks/deliveries?assessment_id=${a.body.assessment_id}`,
        { key: p.key },
      );
      return list.body.deliveries[0]?.state === 'delivered' ? list.body.deliveries[0] : undefined;
    });
    expect(d).to.include({
      state: 'delivered',
      attempts: 1,
      event: 'assessment.completed',
      delivery_id: got!.headers['webhook-id'],
    });
  });

  it('retries a failing receiver at 1 s, 2 s and 4 s with the same webhook-id, recording every attempt', async function () {
    this.timeout(120_000);
    rx = await startReceiver([500, 503, 502]);
    const p = await createPartner(g.url, 'retrybank', { webhook_url: rx.url });
    await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { customer_ref: 'c2', transactions: txs },
    });
    const got = await rx.waitFor(4, 90_000);
    // The schedule, exactly and whatever the machine's load: each retry's job was enqueued to start the
    // configured delay after the attempt that failed (pg-boss stores both times from the same now()).
    // A job pg-boss itself retried (its handler threw) has had its start moved later: at least the delay then.
    const { rows: jobs } = await getDb().query<{ retry: number; delay: number; retried: number }>(
      `select coalesce((data->>'retry')::int, 0) as retry, extract(epoch from start_after - created_on)::float8 as delay, retry_count as retried
         from pgboss.job where name = 'webhook-deliver' order by retry`,
    );
    expect(jobs.map((j) => j.retry)).to.deep.equal([0, 1, 2, 3]);
    for (const [i, want] of [0, 1, 2, 4].entries()) {
      const j = jobs[i]!;
      if (j.retried === 0) expect(Math.round(j.delay * 1000) / 1000, `retry ${i}`).to.equal(want);
      else expect(j.delay, `retry ${i} (re-run by pg-boss ${j.retried}×)`).to.be.at.least(want);
    }
    // And in practice: never early (a busy machine may make a retry late, never early).
    const gaps = got.slice(1).map((x, i) => (x.at - got[i]!.at) / 1000);
    expect(gaps[0]).to.be.at.least(0.95);
    expect(gaps[1]).to.be.at.least(1.95);
    expect(gaps[2]).to.be.at.least(3.95);
    expect(new Set(got.map((x) => x.headers['webhook-id'])).size).to.equal(1);
    expect(new Set(got.map((x) => x.body.toString())).size).to.equal(1);
    const d = await eventually(async () => {
      const x = (await call(g.url, 'GET', '/api/partner/v1/webhooks/deliveries', { key: p.key })).body
        .deliveries[0];
      return x?.state === 'delivered' ? x : undefined;
    });
    expect(d).to.include({ state: 'delivered', attempts: 4, last_status_code: 200 });
    expect(rx.received).to.have.length(4);
    expect(d.attempt_log.map((x: { status_code: number }) => x.status_code)).to.deep.equal([
      500, 503, 502, 200,
    ]);
  });

  it('gives up after 3 retries, marks the delivery failed, and can send it again on request', async function () {
    this.timeout(120_000);
    rx = await startReceiver([500, 500, 500, 500]);
    const p = await createPartner(g.url, 'failbank', { webhook_url: rx.url });
    await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { customer_ref: 'c3', transactions: txs },
    });
    await rx.waitFor(4, 90_000);
    // Failed is final: no job is left to make a fifth attempt.
    const d = await settled(p.key);
    expect(d).to.include({ state: 'failed', attempts: 4 });
    expect(rx.received).to.have.length(4);
    const again = await call(
      g.url,
      'POST',
      `/api/partner/v1/webhooks/deliveries/${d.delivery_id}/redeliver`,
      { key: p.key },
    );
    expect(again.status).to.equal(202);
    await rx.waitFor(5);
    const redelivered = await eventually(async () => {
      const x = (await call(g.url, 'GET', '/api/partner/v1/webhooks/deliveries', { key: p.key })).body
        .deliveries[0];
      return x?.state === 'delivered' ? x : undefined;
    });
    expect(redelivered).to.include({ state: 'delivered', attempts: 5 });
    const otherBank = await createPartner(g.url, 'snoopbank');
    expect(
      (
        await call(g.url, 'POST', `/api/partner/v1/webhooks/deliveries/${d.delivery_id}/redeliver`, {
          key: otherBank.key,
        })
      ).status,
    ).to.equal(404);
  });

  it('does not retry a 4xx answer (a retry cannot help)', async function () {
    this.timeout(60_000);
    rx = await startReceiver([401]);
    const p = await createPartner(g.url, 'fourbank', { webhook_url: rx.url });
    await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { customer_ref: 'c4', transactions: txs },
    });
    await rx.waitFor(1);
    // Failed after one attempt is final (a retry would have left it pending, with a job to run).
    expect(await settled(p.key)).to.include({ state: 'failed', attempts: 1, last_status_code: 401 });
    const { rows } = await getDb().query<{ n: number }>(
      `select count(*)::int as n from pgboss.job where name = 'webhook-deliver' and state in ('created', 'retry')`,
    );
    expect(rows[0]!.n).to.equal(0);
    expect(rx.received).to.have.length(1);
  });

  it('sends to callback_url instead of the partner webhook for that call', async function () {
    this.timeout(60_000);
    rx = await startReceiver();
    const other = await startReceiver();
    try {
      const p = await createPartner(g.url, 'cbbank', { webhook_url: other.url });
      await call(g.url, 'POST', '/api/partner/v1/assess', {
        key: p.key,
        body: { customer_ref: 'c5', transactions: txs, callback_url: rx.url },
      });
      await rx.waitFor(1);
      // The assessment's one delivery went to the callback and is done: nothing is left to go elsewhere.
      expect(await settled(p.key)).to.include({ state: 'delivered', attempts: 1 });
      expect(
        (await call(g.url, 'GET', '/api/partner/v1/webhooks/deliveries', { key: p.key })).body.deliveries,
      ).to.have.length(1);
      expect(other.received).to.have.length(0);
    } finally {
      await other.close();
    }
  });

  it('signs with the new secret after a rotation', async function () {
    this.timeout(60_000);
    rx = await startReceiver();
    const p = await createPartner(g.url, 'rotbank', { webhook_url: rx.url });
    const rotated = await call(g.url, 'POST', '/api/admin/partners/rotbank/webhook-secret', {
      token: await adminToken(),
    });
    expect(rotated.body.webhook_secret)
      .to.match(/^whsec_/)
      .and.not.equal(p.webhookSecret);
    await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { customer_ref: 'c6', transactions: txs },
    });
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
    this.timeout(60_000);
    const rx = await startReceiver();
    try {
      const p = await createPartner(g.url, 'ssrfbank', { webhook_url: rx.url });
      // A literal address that no configuration allows is refused when the request arrives.
      for (const callback_url of [
        'http://169.254.169.254/latest/meta-data/',
        'http://[64:ff9b::a9fe:a9fe]/latest/meta-data/',
      ]) {
        const a = await call(g.url, 'POST', '/api/partner/v1/assess', {
          key: p.key,
          body: { customer_ref: 'c', transactions: txs, callback_url },
        });
        expect(a.status, callback_url).to.equal(400);
        expect(a.body.detail).to.match(
          /^Invalid request body: callback_url: the URL points at a link-local, metadata or reserved address/,
        );
      }
      expect((await call(g.url, 'GET', '/api/partner/v1/usage', { key: p.key })).body.current_usage).to.equal(
        0,
      );
      // Loopback depends on ALLOW_PRIVATE_WEBHOOKS (false here): refused at the delivery, where the name is resolved.
      expect(
        (
          await call(g.url, 'POST', '/api/partner/v1/assess', {
            key: p.key,
            body: { customer_ref: 'c', transactions: txs },
          })
        ).status,
      ).to.equal(200);
      type D = { state: string; attempt_log: Array<{ error: string }> };
      const ds = await waitFor(
        async () => {
          const list: D[] = (await call(g.url, 'GET', '/api/partner/v1/webhooks/deliveries', { key: p.key }))
            .body.deliveries;
          return list.length === 1 && list[0]!.state !== 'pending' ? list : undefined;
        },
        { intervalMs: 200, what: 'the loopback delivery settled' },
      );
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
