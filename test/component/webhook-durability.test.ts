/**
 * Webhook attempts across a crash, redelivery of a pending delivery, and secret rotation with a window:
 * - an attempt is recorded (in flight) before its request is sent, so a crash mid-send leaves it visible;
 *   the next start marks it interrupted and the retry is a new attempt — the log shows both;
 * - two concurrent redeliveries of one delivery start one job chain; the other answers 409;
 * - after a rotation the old and new secrets both sign for the window, then only the new one.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import { waitFor } from '../helpers/receiver.ts';
import { adminToken, call, createPartner, startGateway, type Running } from '../helpers/gateway.ts';
import { beginAttempt, insertDelivery } from '../../src/store/webhooks.ts';
import { verifyStandard, verifyVeqtrx } from '../../src/webhooks/sign.ts';
import { generatePersona } from '../../tools/personas/personas.ts';

const txs = generatePersona('couple_two_children_mortgage', 3).transactions;

interface Held {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  release(status?: number): void;
}

/** A receiver that answers the first `passThrough` requests at once and holds every later one until released. */
async function holdingReceiver(passThrough = 0) {
  const received: Held[] = [];
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const release = (status = 200) => {
        open.delete(res);
        if (!res.writableEnded) res.writeHead(status).end('ok');
      };
      received.push({ headers: req.headers, body: Buffer.concat(chunks), release });
      if (received.length <= passThrough) release();
      else open.add(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    waitFor: (n: number) =>
      waitFor(() => (received.length >= n ? received : undefined), {
        timeoutMs: 60_000,
        what: `${n} webhook requests`,
      }),
    close: () =>
      new Promise<void>((r) => {
        for (const res of open) res.destroy();
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

type Receiver = Awaited<ReturnType<typeof holdingReceiver>>;

interface Delivery {
  delivery_id: string;
  state: string;
  attempts: number;
  attempt_log: Array<{
    attempt: number;
    started_at: string;
    outcome: string;
    duration_ms: number | null;
    status_code: number | null;
    error: string | null;
  }>;
}

onEachDatabase('webhook attempts across a crash, redelivery, rotation', (kind, getDb) => {
  let g: Running;
  let rx: Receiver | undefined;
  // One sealing key for the suite, so that a restarted gateway opens the secrets the first one sealed.
  const env = {
    WEBHOOK_TIMEOUT_MS: '15000',
    WEBHOOK_RETRY_DELAYS: '0.5,0.5,0.5',
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
  const deliveries = async (key: string): Promise<Delivery[]> =>
    (await call(g.url, 'GET', '/api/partner/v1/webhooks/deliveries', { key })).body.deliveries;
  before(async function () {
    this.timeout(180_000);
    g = await startGateway(getDb(), env);
  });
  after(async () => g?.stop());
  beforeEach(async () => {
    g.clock.now = undefined;
    await reset(getDb());
  });
  afterEach(async () => {
    await rx?.close();
    rx = undefined;
  });

  it('records the attempt as in flight before sending, and settles it after', async function () {
    this.timeout(180_000);
    rx = await holdingReceiver(0);
    const p = await createPartner(g.url, 'flightbank', { webhook_url: rx.url });
    await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { customer_ref: 'c1', transactions: txs },
    });
    const [held] = await rx.waitFor(1);
    // The receiver has the request and has not answered: the attempt is already on record.
    const [during] = await deliveries(p.key);
    expect(during).to.include({ state: 'pending', attempts: 1 });
    expect(during!.attempt_log).to.have.length(1);
    expect(during!.attempt_log[0]).to.include({
      attempt: 1,
      outcome: 'in_flight',
      duration_ms: null,
      status_code: null,
      error: null,
    });
    held!.release(200);
    const after = await waitFor(async () => (await deliveries(p.key)).find((d) => d.state === 'delivered'), {
      timeoutMs: 60_000,
      what: 'delivered',
    });
    expect(after.attempt_log).to.have.length(1);
    expect(after.attempt_log[0]).to.include({ attempt: 1, outcome: 'succeeded', status_code: 200 });
    expect(after.attempt_log[0]!.duration_ms).to.be.a('number');
  });

  it('after a crash mid-send, the restart marks the attempt interrupted and the retry is a new attempt: the log shows both', async function () {
    this.timeout(180_000);
    rx = await holdingReceiver(10);
    const p = await createPartner(g.url, 'crashbank', { webhook_url: rx.url });
    const db = getDb();
    // What a process that died mid-send leaves behind: a pending delivery with an attempt in flight
    // (begun and committed, never settled). No job is enqueued here: the test drives the retry itself.
    const id = 'whd_' + 'c'.repeat(24);
    await insertDelivery(db, {
      id,
      partner_id: 'crashbank',
      assessment_id: null,
      event: 'assessment.completed',
      url: rx.url,
      payload: '{"crash":true}',
    });
    // Embedded: one process per data directory, so every in-flight attempt at start is stale. PostgreSQL:
    // only those older than any live attempt can be (other replicas may be sending).
    const startedAt = kind === 'pglite' ? new Date() : new Date(Date.now() - 3_600_000);
    expect(await db.tx((q) => beginAttempt(q, id, startedAt))).to.include({ attempt: 1 });
    expect((await deliveries(p.key))[0]!.attempt_log.map((a) => a.outcome)).to.deep.equal(['in_flight']);

    // Restart: the new process's worker marks the stale attempt interrupted.
    await g.stop();
    g = await startGateway(db, env);
    const [afterRestart] = await deliveries(p.key);
    expect(afterRestart!.attempt_log).to.have.length(1);
    expect(afterRestart!.attempt_log[0]).to.include({
      attempt: 1,
      outcome: 'interrupted',
      status_code: null,
      duration_ms: null,
    });
    expect(afterRestart!.attempt_log[0]!.error).to.match(/^interrupted: .*may have received it/);

    // The job's retry (pg-boss re-runs a job whose worker died): a new attempt, same webhook-id.
    await g.gw.webhooks.attempt(id, 0);
    const [got] = await rx.waitFor(1);
    expect(got!.headers['webhook-id']).to.equal(id);
    const [done] = await deliveries(p.key);
    expect(done).to.include({ state: 'delivered', attempts: 2 });
    expect(done!.attempt_log.map((a) => [a.attempt, a.outcome, a.status_code])).to.deep.equal([
      [1, 'interrupted', null],
      [2, 'succeeded', 200],
    ]);
  });

  it("a retry finding its delivery's earlier attempt still in flight marks it interrupted (no restart needed)", async function () {
    this.timeout(180_000);
    rx = await holdingReceiver(10);
    const p = await createPartner(g.url, 'retrybank', { webhook_url: rx.url });
    const id = 'whd_' + 'd'.repeat(24);
    await insertDelivery(getDb(), {
      id,
      partner_id: 'retrybank',
      assessment_id: null,
      event: 'assessment.completed',
      url: rx.url,
      payload: '{}',
    });
    await getDb().tx((q) => beginAttempt(q, id, new Date()));
    await g.gw.webhooks.attempt(id, 0);
    const [done] = await deliveries(p.key);
    expect(done!.attempt_log.map((a) => a.outcome)).to.deep.equal(['interrupted', 'succeeded']);
  });

  it('two concurrent redeliveries of one delivery start one job chain; the other answers 409', async function () {
    this.timeout(180_000);
    // The first request (the original delivery) is answered; the redelivery is held, so it stays pending.
    rx = await holdingReceiver(1);
    const p = await createPartner(g.url, 'redelbank', { webhook_url: rx.url });
    await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { customer_ref: 'c2', transactions: txs },
    });
    const first = await waitFor(async () => (await deliveries(p.key)).find((d) => d.state === 'delivered'), {
      timeoutMs: 60_000,
      what: 'delivered',
    });
    const path = `/api/partner/v1/webhooks/deliveries/${first.delivery_id}/redeliver`;
    const answers = await Promise.all([
      call(g.url, 'POST', path, { key: p.key }),
      call(g.url, 'POST', path, { key: p.key }),
    ]);
    expect(answers.map((a) => a.status).sort()).to.deep.equal([202, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body.detail).to.match(/still being delivered/);
    // One job for the original delivery and exactly one for the redelivery.
    const jobs = await getDb().query<{ n: number }>(
      `select count(*)::int as n from pgboss.job where name = 'webhook-deliver' and data->>'delivery_id' = $1`,
      [first.delivery_id],
    );
    expect(jobs.rows[0]!.n).to.equal(2);
    // While the redelivery is in flight, another redeliver is refused too.
    const [, held] = await rx.waitFor(2);
    const again = await call(g.url, 'POST', path, { key: p.key });
    expect(again.status).to.equal(409);
    held!.release(200);
    const done = await waitFor(
      async () => (await deliveries(p.key)).find((d) => d.state === 'delivered' && d.attempts === 2),
      { timeoutMs: 60_000, what: 'redelivered' },
    );
    expect(done.attempt_log.map((a) => a.outcome)).to.deep.equal(['succeeded', 'succeeded']);
    expect(rx.received).to.have.length(2);
  });

  it('a pending delivery whose job chain has ended (pg-boss gave up on it) is redelivered, not refused; jobs expire after the attempt timeout plus a margin', async function () {
    this.timeout(180_000);
    rx = await holdingReceiver(10);
    const p = await createPartner(g.url, 'stuckbank', { webhook_url: rx.url });
    // Pending, with no job: what is left when every try of its job failed before settling it.
    const id = 'whd_' + 'e'.repeat(24);
    await insertDelivery(getDb(), {
      id,
      partner_id: 'stuckbank',
      assessment_id: null,
      event: 'assessment.completed',
      url: rx.url,
      payload: '{"stuck":true}',
    });
    const r = await call(g.url, 'POST', `/api/partner/v1/webhooks/deliveries/${id}/redeliver`, {
      key: p.key,
    });
    expect(r.status, r.text).to.equal(202);
    const done = await waitFor(
      async () => (await deliveries(p.key)).find((d) => d.delivery_id === id && d.state === 'delivered'),
      { timeoutMs: 60_000, what: 'the stuck delivery delivered' },
    );
    expect(done.attempt_log.map((a) => a.outcome)).to.deep.equal(['succeeded']);
    expect(rx.received.map((h) => String(h.body))).to.deep.equal(['{"stuck":true}']);
    // WEBHOOK_TIMEOUT_MS 15000 here: 15 s + the 60 s margin, not pg-boss's 60 s default.
    const jobs = await getDb().query<{ s: number }>(
      `select extract(epoch from expire_in)::int as s from pgboss.job where name = 'webhook-deliver' and data->>'delivery_id' = $1`,
      [id],
    );
    expect(jobs.rows.map((j) => j.s)).to.deep.equal([75]);
  });

  it('after a rotation signs with the new and the previous secret for the window (24 h by default), then with the new one only', async function () {
    this.timeout(180_000);
    rx = await holdingReceiver(10);
    const p = await createPartner(g.url, 'rotbank', { webhook_url: rx.url });
    const token = await adminToken();
    const rotated = await call(g.url, 'POST', '/api/admin/partners/rotbank/webhook-secret', { token });
    expect(rotated.status).to.equal(200);
    const newSecret: string = rotated.body.webhook_secret;
    const expiresAt = Date.parse(rotated.body.previous_secret_expires_at);
    expect(Math.abs(expiresAt - (Date.now() + 24 * 3_600_000))).to.be.lessThan(120_000);
    expect(rotated.body.important).to.match(/also with the previous secret until/);

    await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { customer_ref: 'c3', transactions: txs },
    });
    const [inWindow] = await rx.waitFor(1);
    const h = inWindow!.headers as Record<string, string>;
    expect(h['webhook-signature']!.split(' ')).to.have.length(2);
    for (const secret of [newSecret, p.webhookSecret]) {
      expect(
        verifyStandard(
          secret,
          inWindow!.body,
          h['webhook-id'],
          h['webhook-timestamp'],
          h['webhook-signature'],
        ),
        'standard',
      ).to.equal(true);
    }
    expect(
      verifyVeqtrx(newSecret, inWindow!.body, h['x-veqtrx-signature'], h['x-veqtrx-timestamp']),
    ).to.equal(true);
    expect(
      verifyVeqtrx(
        p.webhookSecret,
        inWindow!.body,
        h['x-veqtrx-signature-previous'],
        h['x-veqtrx-timestamp'],
      ),
    ).to.equal(true);

    // 25 hours later the previous secret no longer signs.
    g.clock.now = new Date(Date.now() + 25 * 3_600_000);
    await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { customer_ref: 'c4', transactions: txs },
    });
    const [, later] = await rx.waitFor(2);
    const l = later!.headers as Record<string, string>;
    const at = new Date(Number(l['webhook-timestamp']) * 1000);
    expect(l['webhook-signature']!.split(' ')).to.have.length(1);
    expect(l).to.not.have.property('x-veqtrx-signature-previous');
    expect(
      verifyStandard(
        newSecret,
        later!.body,
        l['webhook-id'],
        l['webhook-timestamp'],
        l['webhook-signature'],
        at,
      ),
    ).to.equal(true);
    expect(
      verifyStandard(
        p.webhookSecret,
        later!.body,
        l['webhook-id'],
        l['webhook-timestamp'],
        l['webhook-signature'],
        at,
      ),
    ).to.equal(false);
  });

  it('a rotation with previous_secret_hours 0 stops the old secret at once; a bad value is a 400', async function () {
    this.timeout(180_000);
    rx = await holdingReceiver(10);
    const p = await createPartner(g.url, 'leakbank', { webhook_url: rx.url });
    const token = await adminToken();
    for (const body of [
      { previous_secret_hours: -1 },
      { previous_secret_hours: 'soon' },
      { previous_secret_hours: 721 },
      { other: 1 },
    ]) {
      const bad = await call(g.url, 'POST', '/api/admin/partners/leakbank/webhook-secret', { token, body });
      expect(bad.status, JSON.stringify(body)).to.equal(400);
      expect(bad.body.detail).to.be.a('string');
    }
    const rotated = await call(g.url, 'POST', '/api/admin/partners/leakbank/webhook-secret', {
      token,
      body: { previous_secret_hours: 0 },
    });
    expect(rotated.status).to.equal(200);
    expect(rotated.body.previous_secret_expires_at).to.equal(null);
    await call(g.url, 'POST', '/api/partner/v1/assess', {
      key: p.key,
      body: { customer_ref: 'c5', transactions: txs },
    });
    const [got] = await rx.waitFor(1);
    const h = got!.headers as Record<string, string>;
    expect(h['webhook-signature']!.split(' ')).to.have.length(1);
    expect(h).to.not.have.property('x-veqtrx-signature-previous');
    expect(
      verifyStandard(
        rotated.body.webhook_secret,
        got!.body,
        h['webhook-id'],
        h['webhook-timestamp'],
        h['webhook-signature'],
      ),
    ).to.equal(true);
    expect(
      verifyStandard(
        p.webhookSecret,
        got!.body,
        h['webhook-id'],
        h['webhook-timestamp'],
        h['webhook-signature'],
      ),
    ).to.equal(false);
  });
});
