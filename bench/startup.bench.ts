/**
 * Start-up and memory benchmark: the gateway as `npm start` runs it (the node flags and entry file of
 * the `start` script, in the checkout's directory, after its `prestart`), on the embedded database.
 * Per round: a first start on a fresh DATA_DIR (time from spawn to the first 200 from /health, then the
 * RSS after BENCH_IDLE_S seconds idle), a stop, a restart on the same directory (the same two figures),
 * then BENCH_ASSESSMENTS assessments of the 412-transaction body (BENCH_CONCURRENCY at a time) and the
 * RSS after them and after BENCH_IDLE_S more seconds idle. Prints every round and the medians, with the
 * load average before and after. Loopback only; bounded in time; prints figures, never passes or fails.
 *
 *   npm run bench:startup
 *   BENCH_ROUNDS=5 BENCH_IDLE_S=10 BENCH_ASSESSMENTS=1000 npm run bench:startup
 *   BENCH_ROOT=/tmp/other-checkout npm run bench:startup     (another checkout, e.g. an older revision, with its own node_modules)
 *   GW_ENV='PGLITE_INITIAL_MEMORY_MB=64' npm run bench:startup   (the gateway's environment)
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../src/engine/stats.ts';
import { adminCall, startCommand } from '../test/helpers/gateway-process.ts';
import { freePort } from '../test/helpers/free-port.ts';
import { benchBody, pad } from './load.ts';

const ROOT = process.env.BENCH_ROOT ?? fileURLToPath(new URL('../', import.meta.url));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IDLE_S = Number(process.env.BENCH_IDLE_S ?? 10);
const ASSESSMENTS = Number(process.env.BENCH_ASSESSMENTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const EXTRA_ENV = Object.fromEntries(
  (process.env.GW_ENV ?? '')
    .split(' ')
    .filter(Boolean)
    .map((kv) => kv.split('=', 2) as [string, string]),
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resident set of a process in MB (VmRSS; VmHWM for the peak), from /proc. */
function rssMb(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

interface Started {
  child: ChildProcess;
  ms: number;
  /** CPU seconds the process (all its threads, and the children it has waited for) used until then. */
  cpu: number;
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime + cutime + cstime of a process, in seconds (proc(5): fields 14–17). */
function cpuWithChildren(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / CLOCK_TICKS;
}

/** Spawns the gateway and resolves at the first 200 from /health, with the time it took from the spawn. */
async function start(env: Record<string, string>, base: string): Promise<Started> {
  const { flags, entry } = startCommand(ROOT);
  const t0 = performance.now();
  const child = spawn(process.execPath, [...flags, entry], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const until = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`gateway exited with ${child.exitCode ?? child.signalCode}`);
    try {
      if ((await fetch(`${base}/api/partner/v1/health`, { signal: AbortSignal.timeout(5_000) })).ok)
        return { child, ms: performance.now() - t0, cpu: cpuWithChildren(child.pid!) };
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error('gateway not healthy within 300 s');
    await sleep(25);
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function assessMany(base: string, key: string, n: number, concurrency: number): Promise<number> {
  const body = benchBody(412);
  let next = 0;
  let failed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        const res = await fetch(`${base}/api/partner/v1/assess`, {
          method: 'POST',
          headers: { 'x-partner-key': key, 'content-type': 'application/json' },
          body,
        });
        await res.arrayBuffer();
        if (!res.ok) failed++;
      }
    }),
  );
  return failed;
}

interface Round {
  freshMs: number;
  freshCpu: number;
  restartCpu: number;
  freshRss: number;
  freshAfter: number;
  restartMs: number;
  restartRss: number;
  restartAfter: number;
  peak: number;
}

async function round(): Promise<Round> {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'bench-start-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const secret = randomBytes(32).toString('base64url');
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_JWT_SECRET: secret,
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...EXTRA_ENV,
  };
  let child: ChildProcess | undefined;
  let key: string | undefined;
  /** The idle RSS (before anything but /health was asked), then the RSS after the assessments. */
  const measure = async (c: ChildProcess) => {
    await sleep(IDLE_S * 1000);
    const idle = rssMb(c.pid!);
    key ??= (
      await adminCall<{ api_key: string }>(base, secret, 'POST', '/partners', {
        partner_id: 'benchbank',
        tier: 'enterprise',
        monthly_quota: 100_000_000,
      })
    ).api_key;
    const failed = await assessMany(base, key, ASSESSMENTS, CONCURRENCY);
    if (failed) throw new Error(`${failed} of ${ASSESSMENTS} assessments failed`);
    return { idle, after: rssMb(c.pid!), peak: rssMb(c.pid!, 'VmHWM') };
  };
  try {
    const fresh = await start(env, base);
    child = fresh.child;
    const first = await measure(child);
    await stop(child);
    const again = await start(env, base);
    child = again.child;
    const second = await measure(child);
    return {
      freshMs: fresh.ms,
      freshCpu: fresh.cpu,
      restartCpu: again.cpu,
      freshRss: first.idle,
      freshAfter: first.after,
      restartMs: again.ms,
      restartRss: second.idle,
      restartAfter: second.after,
      peak: Math.max(first.peak, second.peak),
    };
  } finally {
    if (child) await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const row = (label: string, r: Round) =>
  `${pad(label, 6)} ${pad(`${(r.freshMs / 1000).toFixed(2)} (${r.freshCpu.toFixed(2)})`, 20)} ${pad(r.freshRss.toFixed(0), 8)} ${pad(r.freshAfter.toFixed(0), 15)} ${pad(`${(r.restartMs / 1000).toFixed(2)} (${r.restartCpu.toFixed(2)})`, 18)} ${pad(r.restartRss.toFixed(0), 8)} ${pad(r.restartAfter.toFixed(0), 15)} ${r.peak.toFixed(0)}`;

async function main() {
  const { flags, entry } = startCommand(ROOT);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  if (pkg.scripts.prestart) execFileSync('npm', ['run', '-s', 'prestart'], { cwd: ROOT, stdio: 'inherit' });
  let rev = '';
  try {
    rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    rev = '?';
  }
  console.log(
    `start-up benchmark — node ${process.version}, ${os.cpus().length} cores; ${ROOT} (${rev}): node ${[...flags, entry].join(' ')}${Object.keys(EXTRA_ENV).length ? `; env ${process.env.GW_ENV}` : ''}`,
  );
  console.log(
    `${ROUNDS} rounds; idle ${IDLE_S} s before each RSS; ${ASSESSMENTS} assessments of 412 transactions, ${CONCURRENCY} at a time; load average before: ${load()}`,
  );
  console.log(
    'first start and restart: seconds from the spawn to the first 200 from /health (in brackets: CPU seconds the gateway used by then, its init child included)',
  );
  console.log(
    `round  first start s (CPU)  idle MB  after ${ASSESSMENTS} MB  restart s (CPU)    idle MB  after ${ASSESSMENTS} MB  peak MB`,
  );
  const rounds: Round[] = [];
  for (let i = 1; i <= ROUNDS; i++) {
    const r = await round();
    rounds.push(r);
    console.log(row(String(i), r));
  }
  const med = (f: (r: Round) => number) => median(rounds.map(f));
  console.log(
    row('median', {
      freshMs: med((r) => r.freshMs),
      freshCpu: med((r) => r.freshCpu),
      restartCpu: med((r) => r.restartCpu),
      freshRss: med((r) => r.freshRss),
      freshAfter: med((r) => r.freshAfter),
      restartMs: med((r) => r.restartMs),
      restartRss: med((r) => r.restartRss),
      restartAfter: med((r) => r.restartAfter),
      peak: med((r) => r.peak),
    }),
  );
  console.log(`load average after: ${load()}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
