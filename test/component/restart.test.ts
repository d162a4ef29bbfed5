import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgres, postgresUrl } from '../helpers/databases.ts';
import { ADMIN_SECRET } from '../helpers/gateway.ts';
import { startReceiver, waitFor } from '../helpers/receiver.ts';
import { freePort } from '../helpers/free-port.ts';
import { adminCall, spawnGatewayProcess, waitHealthy } from '../helpers/gateway-process.ts';
import { generatePersona } from '../../tools/personas/personas.ts';

const stderrOf = new WeakMap<ChildProcess, string[]>();

/**
 * Test instrumentation loaded into the gateway process (`--import`): it writes a marker to stderr when a
 * request's body has been read in full by the app, so the tests act on that event, not after a sleep.
 */
const BODY_READ = 'TEST-EVENT body-read';
const marker = `import http from 'node:http';
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req) {
  if (event === 'request') {
    const line = '${BODY_READ} ' + req.method + ' ' + req.url + '\\n'; // req.url as received: routers rewrite it
    req.once('end', () => process.stderr.write(line));
  }
  return emit.apply(this, arguments);
};`;
const instrument = ['--import', `data:text/javascript,${encodeURIComponent(marker)}`];

function startProcess(env: Record<string, string>): ChildProcess {
  const child = spawnGatewayProcess(env, ['ignore', 'pipe', 'pipe'], instrument);
  const lines: string[] = [];
  stderrOf.set(child, lines);
  child.stderr!.on('data', (c: Buffer) => lines.push(String(c)));
  child.stdout!.on('data', (c: Buffer) => lines.push(String(c)));
  return child;
}

/** Resolves when the process has written `text` (to stdout or stderr); fails if it exits first. */
const output = (child: ChildProcess, text: string, what: string) =>
  waitFor(
    () => {
      if ((stderrOf.get(child) ?? []).join('').includes(text)) return true;
      if (child.exitCode !== null) throw new Error(`the gateway exited (${child.exitCode}) before ${what}`);
      return false;
    },
    { timeoutMs: 120_000, what },
  );

/** The partner's deliveries, through the partner API. */
const deliveries = async (base: string, key: string) =>
  (
    (await (
      await fetch(`${base}/api/partner/v1/webhooks/deliveries`, { headers: { 'x-partner-key': key } })
    ).json()) as {
      deliveries: Array<{ state: string; attempts: number; attempt_log: Array<{ outcome: string }> }>;
    }
  ).deliveries;

/** 10,000 transactions: an assessment that takes long enough to be in flight when the process is told to stop. */
const big = Array.from({ length: 10_000 }, (_, i) => ({
  date: `2026-0${1 + (i % 6)}-${String(1 + (i % 28)).padStart(2, '0')}`,
  amount: (i % 40) + 0.5,
  merchant_name: `SHOP ${i % 300}`,
}));

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`durable webhooks across a crash [${kind}]`, function () {
    this.timeout(300_000);
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
        await db.exec(
          `truncate webhook_attempts, webhook_deliveries, idempotency_keys, assessments, usage_counters, api_keys, partners cascade; do $$ begin if to_regclass('pgboss.job') is not null then delete from pgboss.job; end if; end $$;`,
        );
      }
    });
    after(() => rmSync(dataDir, { recursive: true, force: true }));

    /** A gateway process with a new partner. */
    const startWithPartner = async (partnerId: string) => {
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const child = startProcess({ ...env, PORT: String(port) });
      await waitHealthy(base, child);
      const created = await adminCall<{ api_key: string }>(base, ADMIN_SECRET, 'POST', '/partners', {
        partner_id: partnerId,
        tier: 'pilot',
      });
      return { port, base, child, created };
    };

    it('still delivers after the process is killed during the retries and started again', async () => {
      const rx = await startReceiver([500]);
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      let child = startProcess({ ...env, PORT: String(port) });
      try {
        await waitHealthy(base, child);
        const created = await adminCall<{ api_key: string }>(base, ADMIN_SECRET, 'POST', '/partners', {
          partner_id: 'crashbank',
          tier: 'pilot',
          webhook_url: rx.url,
        });
        const a = await fetch(`${base}/api/partner/v1/assess`, {
          method: 'POST',
          headers: { 'x-partner-key': created.api_key, 'content-type': 'application/json' },
          body: JSON.stringify({
            customer_ref: 'c',
            transactions: generatePersona('gig_worker', 4).transactions,
          }),
        });
        expect(a.status).to.equal(200);
        const first = (await rx.waitFor(1))[0]!;
        // An attempt is on record while in flight; its outcome and its retry are committed in one transaction:
        // once the first attempt shows settled, the retry is committed too. (Killed while it is still in flight,
        // the job would only come back when pg-boss expires it, minutes later.)
        await waitFor(
          async () => {
            const log = (await deliveries(base, created.api_key))[0]?.attempt_log ?? [];
            return log.length === 1 && log[0]!.outcome !== 'in_flight';
          },
          { what: 'the first attempt settled' },
        );
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
        child = startProcess({ ...env, PORT: String(port) });
        await waitHealthy(base, child);
        const second = (await rx.waitFor(2, 120_000))[1]!;
        expect(second.headers['webhook-id']).to.equal(first.headers['webhook-id']);
        expect(second.body.toString()).to.equal(await a.text());
        // Delivered is final: once it shows, no job is left to send a third time.
        const [d] = await waitFor(
          async () => {
            const list = await deliveries(base, created.api_key);
            return list[0]?.state === 'delivered' ? list : undefined;
          },
          { what: 'the delivery recorded as delivered' },
        );
        expect(d).to.include({ state: 'delivered', attempts: 2 });
        expect(rx.received).to.have.length(2);
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
        await rx.close();
      }
    });

    it('drains on SIGTERM: an assessment in flight completes, new connections are refused, exit 0', async () => {
      const { base, child, created } = await startWithPartner(`drain-${kind}`);
      const inflight = fetch(`${base}/api/partner/v1/assess`, {
        method: 'POST',
        headers: { 'x-partner-key': created.api_key, 'content-type': 'application/json' },
        body: JSON.stringify({ customer_ref: 'c', transactions: big }),
      });
      await output(child, `${BODY_READ} POST /api/partner/v1/assess`, 'the /assess body read'); // it is being assessed
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const res = await inflight;
      expect(res.status).to.equal(200);
      expect(((await res.json()) as { transactions_analyzed: number }).transactions_analyzed).to.equal(
        10_000,
      );
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
      const gone = fetch(`${base}/api/partner/v1/assess`, {
        method: 'POST',
        headers: { 'x-partner-key': created.api_key, 'content-type': 'application/json' },
        body: JSON.stringify({ customer_ref: 'gone', transactions: big }),
        signal: abort.signal,
      }).catch(() => 'aborted');
      await output(child, `${BODY_READ} POST /api/partner/v1/assess`, 'the /assess body read'); // it is being assessed
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
        const usage = (await (
          await fetch(`${base}/api/partner/v1/usage`, { headers: { 'x-partner-key': created.api_key } })
        ).json()) as { current_usage: number };
        expect(usage.current_usage).to.equal(1);
      } finally {
        child.kill('SIGTERM');
        await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      }
    });
  });
}
