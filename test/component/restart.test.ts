import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgres, postgresUrl } from '../helpers/databases.ts';
import { ADMIN_SECRET } from '../helpers/gateway.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { freePort } from '../helpers/free-port.ts';
import { adminCall, spawnGatewayProcess, waitHealthy } from '../helpers/gateway-process.ts';
import { generatePersona } from '../../tools/personas/personas.ts';


const stderrOf = new WeakMap<ChildProcess, string[]>();

function startProcess(env: Record<string, string>): ChildProcess {
  const child = spawnGatewayProcess(env, ['ignore', 'pipe', 'pipe']);
  const lines: string[] = [];
  stderrOf.set(child, lines);
  child.stderr!.on('data', (c: Buffer) => lines.push(String(c)));
  child.stdout!.on('data', (c: Buffer) => lines.push(String(c)));
  return child;
}

/** 10,000 transactions: an assessment that takes long enough to be in flight when the process is told to stop. */
const big = Array.from({ length: 10_000 }, (_, i) => ({ date: `2026-0${1 + (i % 6)}-${String(1 + (i % 28)).padStart(2, '0')}`, amount: (i % 40) + 0.5, merchant_name: `SHOP ${i % 300}` }));

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`durable webhooks across a crash [${kind}]`, function () {
    this.timeout(120_000);
    let env: Record<string, string>;
    let dataDir: string;
    before(async function () {
      dataDir = mkdtempSync(join(tmpdir(), 'gw-restart-'));
      env = {
        NODE_ENV: 'test',
        DATA_DIR: dataDir,
        ADMIN_JWT_SECRET: ADMIN_SECRET,
        DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ALLOW_PRIVATE_WEBHOOKS: 'true',
        WEBHOOK_RETRY_DELAYS: '3,3,3',
        LOG_LEVEL: 'warn',
      };
      if (kind === 'postgres') {
        if (!(await postgres())) this.skip();
        env.DATABASE_URL = postgresUrl()!;
        const db = (await postgres())!;
        await db.exec(`truncate webhook_attempts, webhook_deliveries, idempotency_keys, assessments, usage_counters, api_keys, partners cascade; do $$ begin if to_regclass('pgboss.job') is not null then delete from pgboss.job; end if; end $$;`);
      }
    });
    after(() => rmSync(dataDir, { recursive: true, force: true }));

    /** A gateway process with a new partner. */
    const startWithPartner = async (partnerId: string) => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const child = startProcess({ ...env, PORT: String(port) });
      await waitHealthy(base, child);
      const created = await adminCall<{ api_key: string }>(base, ADMIN_SECRET, 'POST', '/partners', { partner_id: partnerId, tier: 'pilot' });
      return { port, base, child, created };
    };

    it('still delivers after the process is killed during the retries and started again', async () => {
      const rx = await startReceiver([500]);
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      let child = startProcess({ ...env, PORT: String(port) });
      try {
        await waitHealthy(base, child);
        const created = await adminCall<{ api_key: string }>(base, ADMIN_SECRET, 'POST', '/partners', { partner_id: 'crashbank', tier: 'pilot', webhook_url: rx.url });
        const a = await fetch(`${base}/api/partner/v1/assess`, { method: 'POST', headers: { 'x-partner-key': created.api_key, 'content-type': 'application/json' }, body: JSON.stringify({ customer_ref: 'c', transactions: generatePersona('gig_worker', 4).transactions }) });
        expect(a.status).to.equal(200);
        const first = (await rx.waitFor(1))[0]!;
        await new Promise((r) => setTimeout(r, 500)); // the failed attempt and its retry are committed
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
        child = startProcess({ ...env, PORT: String(port) });
        await waitHealthy(base, child);
        const second = (await rx.waitFor(2, 30_000))[1]!;
        expect(second.headers['webhook-id']).to.equal(first.headers['webhook-id']);
        expect(second.body.toString()).to.equal(await a.text());
        await new Promise((r) => setTimeout(r, 1500));
        expect(rx.received).to.have.length(2);
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
        await rx.close();
      }
    });

    it('drains on SIGTERM: an assessment in flight completes, new connections are refused, exit 0', async () => {
      const { base, child, created } = await startWithPartner(`drain-${kind}`);
      const inflight = fetch(`${base}/api/partner/v1/assess`, { method: 'POST', headers: { 'x-partner-key': created.api_key, 'content-type': 'application/json' }, body: JSON.stringify({ customer_ref: 'c', transactions: big }) });
      await new Promise((r) => setTimeout(r, 150)); // the request is being read and assessed
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const res = await inflight;
      expect(res.status).to.equal(200);
      expect(((await res.json()) as { transactions_analyzed: number }).transactions_analyzed).to.equal(10_000);
      expect(await exited, (stderrOf.get(child) ?? []).join('').slice(-3000)).to.equal(0);
      let refused = false;
      try {
        await fetch(`${base}/api/partner/v1/health`);
      } catch {
        refused = true;
      }
      expect(refused).to.equal(true);
    });

    it('drains on SIGTERM even when the client has hung up: the assessment finishes and is stored, no error', async () => {
      const started = await startWithPartner(`hangup-${kind}`);
      const { base, port, created } = started;
      let child = started.child;
      const abort = new AbortController();
      const gone = fetch(`${base}/api/partner/v1/assess`, { method: 'POST', headers: { 'x-partner-key': created.api_key, 'content-type': 'application/json' }, body: JSON.stringify({ customer_ref: 'gone', transactions: big }), signal: abort.signal }).catch(() => 'aborted');
      await new Promise((r) => setTimeout(r, 150)); // the body has arrived and is being assessed
      abort.abort();
      expect(await gone).to.equal('aborted');
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const log = () => (stderrOf.get(child) ?? []).join('');
      expect(await exited, log().slice(-3000)).to.equal(0);
      expect(log()).not.to.match(/unhandled error|Terminating worker thread/);
      child = startProcess({ ...env, PORT: String(port) });
      try {
        await waitHealthy(base, child);
        const usage = (await (await fetch(`${base}/api/partner/v1/usage`, { headers: { 'x-partner-key': created.api_key } })).json()) as { current_usage: number };
        expect(usage.current_usage).to.equal(1);
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      }
    });
  });
}
