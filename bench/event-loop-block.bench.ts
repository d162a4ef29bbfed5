/**
 * The worst event-loop block of the gateway while it takes large and hostile `/assess` bodies (issue 17,
 * defect 4): the gateway runs in its own process (a fresh embedded database on disk, the production log
 * level, the node flags of `npm start`), with a 1 ms `monitorEventLoopDelay` injected at start
 * (`--import data:…`) and read over an IPC channel, so that only the gateway's own work is counted — not
 * the client's sending, parsing or checking. A first 412-transaction request after the start is reported
 * on its own (it compiles what the others find compiled). Then each body is sent 3 times, one at a time;
 * the histogram is reset before each request and read 100 ms after its answer (work the gateway does after
 * answering counts too). Then the evidence of the largest assessment is read, the same way; then 20 MB of
 * documents are sent to `/assess/documents` as JSON (27 MB) and the job followed to its end. Loopback only;
 * bounded; prints figures, never passes or fails.
 *
 *   npm run bench:block
 *   BENCH_ROOT=/tmp/base npm run bench:block     (the gateway of another checkout, e.g. `git worktree add /tmp/base main`)
 *   GW_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' npm run bench:block   (profile the gateway: where the blocks are)
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../test/helpers/free-port.ts';
import { adminCall, spawnGatewayProcess, waitHealthy } from '../test/helpers/gateway-process.ts';
import { benchBody } from './load.ts';
import { benchmarkHistory } from '../tools/personas/personas.ts';

/**
 * Injected into the gateway process: the loop-delay histogram, reset and read on request over IPC. On a
 * shared host a thread that waits for a core also shows as a late timer, so beside it a 1 ms timer reads
 * the main thread's run-queue wait from /proc (schedstat, nanoseconds, accounted each time the thread gets
 * a core): a gap between two ticks, less 1 ms and the wait in it ("held"), is the time the loop kept the
 * thread — running, or waiting on something of its own (a lock, a file, a GC helper) — and not waiting for
 * a core the host's other work had.
 */
const MONITOR = `
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openSync, readSync } from 'node:fs';
const h = monitorEventLoopDelay({ resolution: 1 });
h.enable();
let fd;
try { fd = openSync('/proc/self/task/' + process.pid + '/schedstat', 'r'); } catch {}
const buf = Buffer.alloc(128);
const waited = () => { const n = readSync(fd, buf, 0, 128, 0); return Number(buf.toString('latin1', 0, n).split(' ')[1]); };
let lastAt = process.hrtime.bigint(), lastWait = fd === undefined ? 0 : waited(), maxCpu = 0;
if (fd !== undefined) setInterval(() => {
  const at = process.hrtime.bigint(), w = waited();
  const cpu = Number(at - lastAt) - (w - lastWait) - 1e6;
  if (cpu > maxCpu) maxCpu = cpu;
  lastAt = at; lastWait = w;
}, 1).unref();
process.channel?.unref();
process.on('message', (m) => {
  if (m === 'elb:reset') { h.reset(); maxCpu = 0; process.send({ elb: 'reset' }); }
  else if (m === 'elb:read') process.send({ elb: 'read', max: h.max, p99: h.percentile(99), cpu: fd === undefined ? -1 : maxCpu });
});
`;

interface Reading {
  /** The worst timer delay (ms): monitorEventLoopDelay's max. */
  max: number;
  p99: number;
  /** The worst gap between ticks less 1 ms and the run-queue wait in it (ms): the loop's own hold; NaN without /proc. */
  cpu: number;
}

function monitorOf(child: ChildProcess) {
  const ask = <T>(msg: string, kind: string) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${kind} answer from the gateway's monitor`)),
        30_000,
      );
      const on = (m: { elb?: string } & T) => {
        if (m?.elb !== kind) return;
        clearTimeout(timer);
        child.off('message', on);
        resolve(m);
      };
      child.on('message', on);
      child.send(msg);
    });
  return {
    reset: () => ask<object>('elb:reset', 'reset'),
    read: async (): Promise<Reading> => {
      const r = await ask<{ max: number; p99: number; cpu: number }>('elb:read', 'read');
      return { max: r.max / 1e6, p99: r.p99 / 1e6, cpu: r.cpu < 0 ? NaN : Math.max(0, r.cpu) / 1e6 };
    },
  };
}

async function main() {
  const port = await freePort();
  const dataDir = mkdtempSync(join(os.tmpdir(), 'bench-block-'));
  const secret = randomBytes(32).toString('base64url');
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_JWT_SECRET: secret,
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    BODY_LIMIT: '8mb',
  };
  const nodeArgs = [
    ...(process.env.GW_NODE_ARGS ?? '').split(' ').filter(Boolean),
    '--import',
    `data:text/javascript,${encodeURIComponent(MONITOR)}`,
  ];
  const child = spawnGatewayProcess(
    env,
    ['ignore', process.env.GW_STDOUT ? 'inherit' : 'ignore', 'inherit', 'ipc'],
    nodeArgs,
    process.env.BENCH_ROOT,
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(base, child);
    const { api_key: key } = await adminCall<{ api_key: string }>(base, secret, 'POST', '/partners', {
      partner_id: 'blockbench',
      tier: 'enterprise',
      monthly_quota: 100_000,
    });
    const monitor = monitorOf(child);

    // ~4 MB: 10,000 transactions with long narratives.
    const txs = benchmarkHistory(10_000).map((t) => ({
      ...t,
      description: `${t.description ?? ''} ${'X'.repeat(300)}`.slice(0, 1000),
    }));
    const big = JSON.stringify({ customer_ref: 'big', transactions: txs });
    const deep = `{"customer_ref":"c","transactions":[],"circumstances":{"vulnerabilities":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}}`;
    const row = '{"amount":"x"}';
    const many = `{"customer_ref":"c","source":{"type":"labelled_transactions","accounts":[${Array.from({ length: 10 }, (_, i) => `{"account":"a${i}","transactions":[${Array(10_000).fill(row).join(',')}]}`).join(',')}]}}`;
    const bodies: Array<[string, string, boolean]> = [
      ['412 transactions', benchBody(412), false],
      ['412 transactions + Idempotency-Key', benchBody(412), true],
      ['10,000 transactions', benchBody(10_000), false],
      ['4 MB body + Idempotency-Key', big, true],
      ['2 MB nesting + Idempotency-Key', deep, true],
      ['100,000 labelled rows', many, false],
    ];
    console.log(
      `event-loop block benchmark — node ${process.version}, ${os.cpus().length} cores; gateway in its own process${process.env.BENCH_ROOT ? ` from ${process.env.BENCH_ROOT}` : ''} (embedded database, LOG_LEVEL=info); 1 ms monitorEventLoopDelay inside it; load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}`,
    );
    const worst: Record<string, [number, number]> = {};
    let lastId: string | undefined;
    const measure = async (name: string, send: () => Promise<Response>) => {
      await monitor.reset();
      const t0 = performance.now();
      const res = await send();
      const text = await res.text();
      const ms = performance.now() - t0;
      await sleep(100); // what the gateway does after answering counts too
      const r = await monitor.read();
      const [w, c] = worst[name] ?? [0, 0];
      worst[name] = [Math.max(w, r.max), Math.max(c, r.cpu)];
      let code = '';
      try {
        const j = JSON.parse(text) as { code?: string; assessment_id?: string };
        code = j.code ?? '';
        if (j.assessment_id && name.startsWith('4 MB')) lastId = j.assessment_id;
      } catch {
        // not JSON: the status says enough
      }
      return { status: res.status, code, ms, ...r };
    };
    {
      const first = await measure('first request after start', () =>
        fetch(`${base}/api/partner/v1/assess`, {
          method: 'POST',
          headers: { 'x-partner-key': key, 'content-type': 'application/json' },
          body: benchBody(412),
        }),
      );
      console.log(
        `first request after start (412 transactions, not counted below): ${first.status} in ${Math.round(first.ms)} ms; worst event-loop block ${first.max.toFixed(1)} ms (held ${first.cpu.toFixed(1)} ms)`,
      );
      delete worst['first request after start'];
    }
    for (const [name, body, withKey] of bodies) {
      for (let i = 1; i <= 3; i++) {
        const headers: Record<string, string> = { 'x-partner-key': key, 'content-type': 'application/json' };
        if (withKey) headers['idempotency-key'] = `k-${i}-${randomBytes(6).toString('hex')}`;
        const r = await measure(name, () =>
          fetch(`${base}/api/partner/v1/assess`, { method: 'POST', headers, body }),
        );
        console.log(
          `${name} (${(body.length / 1e6).toFixed(2)} MB) #${i}: ${r.status} ${r.code} in ${Math.round(r.ms)} ms; worst event-loop block ${r.max.toFixed(1)} ms (held ${r.cpu.toFixed(1)} ms), p99 ${r.p99.toFixed(1)} ms`,
        );
      }
    }
    if (lastId) {
      const name = 'GET evidence of the 4 MB assessment';
      for (let i = 1; i <= 3; i++) {
        const r = await measure(name, () =>
          fetch(`${base}/api/partner/v1/assessment/${lastId}/evidence`, {
            headers: { 'x-partner-key': key },
          }),
        );
        console.log(
          `${name} #${i}: ${r.status} in ${Math.round(r.ms)} ms; worst event-loop block ${r.max.toFixed(1)} ms (held ${r.cpu.toFixed(1)} ms), p99 ${r.p99.toFixed(1)} ms`,
        );
      }
    }
    {
      // 20 MB of documents as base64 JSON (27 MB): the 202 (decoded in a worker, the files stored), then the
      // job to its end (the files read back; not PDFs, so it fails at once): the body's whole way through.
      const name = 'POST /assess/documents, 27 MB JSON, to the job end';
      const docs = {
        customer_ref: 'block',
        bank_statements: Array.from({ length: 12 }, (_, i) => ({
          document: randomBytes(Math.floor((19.9 * 1024 * 1024) / 12)).toString('base64'),
          filename: `${i}.pdf`,
        })),
      };
      const body = JSON.stringify(docs);
      for (let i = 1; i <= 3; i++) {
        const r = await measure(name, async () => {
          const res = await fetch(`${base}/api/partner/v1/assess/documents`, {
            method: 'POST',
            headers: { 'x-partner-key': key, 'content-type': 'application/json' },
            body,
          });
          const accepted = (await res.clone().json()) as { job_id?: string };
          for (let polls = 0; accepted.job_id && polls < 600; polls++) {
            const job = (await (
              await fetch(`${base}/api/partner/v1/jobs/${accepted.job_id}`, {
                headers: { 'x-partner-key': key },
              })
            ).json()) as { status: string };
            if (job.status !== 'processing') break;
            await sleep(50);
          }
          return res;
        });
        console.log(
          `${name} (${(body.length / 1e6).toFixed(2)} MB) #${i}: ${r.status} ${r.code} in ${Math.round(r.ms)} ms; worst event-loop block ${r.max.toFixed(1)} ms (held ${r.cpu.toFixed(1)} ms), p99 ${r.p99.toFixed(1)} ms`,
        );
      }
    }
    console.log(
      'worst per kind: ' +
        Object.entries(worst)
          .map(([k, [w, c]]) => `${k} ${w.toFixed(1)} ms (held ${c.toFixed(1)} ms)`)
          .join('; '),
    );
    console.log(
      `load average after: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(', ')}`,
    );
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
