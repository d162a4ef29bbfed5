/**
 * Load generation shared by the HTTP benchmarks: wrk (Debian's `wrk`) when it is installed, else
 * autocannon; CPU accounting from /proc; request bodies. Loopback targets only; every run is bounded
 * in time.
 */
import autocannon from 'autocannon';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchmarkHistory } from '../tools/personas/personas.ts';
import { startBenchGateway, startFlags, type BenchGateway } from '../test/helpers/gateway-process.ts';

export const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
export const WARMUP_SECONDS = 3;

export interface RunResult {
  requests: number;
  non2xx: number;
  p50: number;
  p99: number;
  seconds: number;
  /** CPU seconds the load generator used during the run, when known. */
  clientCpu?: number;
}

const hasWrk = (() => {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return true;
  } catch (e) {
    return (e as { status?: number }).status === 1; // wrk --version prints its version and exits 1
  }
})();
export const CLIENT = process.env.BENCH_CLIENT ?? (hasWrk ? 'wrk' : 'autocannon');

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds (user + system) a process has used so far — all its threads, or with `thread` only that
 * one (the process id itself: the event loop) — or undefined if unknown.
 */
export function cpuSeconds(pid: number | undefined, thread?: number): number | undefined {
  if (!pid) return undefined;
  try {
    // Fields after "pid (comm) ": state is [0], utime [11], stime [12] (proc(5)).
    const fields = readFileSync(
      thread === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${thread}/stat`,
      'utf8',
    )
      .replace(/^.*\) /, '')
      .split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

const WRK_SCRIPT = `
local f = io.open(os.getenv("BENCH_BODY_FILE"), "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["content-type"] = "application/json"
wrk.headers["x-partner-key"] = os.getenv("BENCH_KEY")
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "non2xx": %d, "errors": %d, "p50": %.3f, "p99": %.3f, "seconds": %.3f}\\n',
    summary.requests, summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.duration / 1e6))
end
`;

export async function runWrk(
  url: string,
  key: string,
  payload: string,
  connections: number,
  dir: string,
  seconds = SECONDS,
): Promise<RunResult> {
  const bodyFile = join(dir, `body-${createHash('sha256').update(payload).digest('hex').slice(0, 16)}.json`);
  const script = join(dir, 'bench.lua');
  // Written once each: rewriting a file that a concurrent wrk (the mixed run) is reading would truncate it.
  if (!existsSync(bodyFile)) writeFileSync(bodyFile, payload);
  if (!existsSync(script)) writeFileSync(script, WRK_SCRIPT);
  const child = execFile(
    'wrk',
    ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '30s', '-s', script, url],
    {
      env: { ...process.env, BENCH_BODY_FILE: bodyFile, BENCH_KEY: key },
    },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  let clientCpu: number | undefined;
  // Read wrk's CPU just before it exits: sample until the process is gone.
  const sampler = setInterval(() => (clientCpu = cpuSeconds(child.pid) ?? clientCpu), 200);
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  clearInterval(sampler);
  const line = out.split('\n').find((l) => l.startsWith('{'));
  if (code !== 0 || !line) throw new Error(`wrk failed (${code}): ${out}`);
  const r = JSON.parse(line) as RunResult & { errors: number };
  if (r.errors > 0) r.non2xx += r.errors;
  return { ...r, ...(clientCpu !== undefined ? { clientCpu } : {}) };
}

export async function runAutocannon(
  url: string,
  key: string,
  payload: string,
  connections: number,
  seconds = SECONDS,
): Promise<RunResult> {
  const before = process.cpuUsage();
  const res = await autocannon({
    url,
    method: 'POST',
    headers: { 'x-partner-key': key, 'content-type': 'application/json' },
    body: payload,
    connections,
    duration: seconds,
  });
  const used = process.cpuUsage(before);
  return {
    requests: res.requests.total,
    non2xx: res.non2xx + res.errors,
    p50: res.latency.p50,
    p99: res.latency.p99,
    seconds,
    clientCpu: (used.user + used.system) / 1e6,
  };
}

export const pad = (v: string | number, n: number) => String(v).padEnd(n);

/** A `/assess` body with `n` transactions. */
export const benchBody = (n: number): string =>
  JSON.stringify({ customer_ref: 'bench', transactions: benchmarkHistory(n), declared_income: 2500 });

/** One run with the configured client. */
export function runLoad(
  url: string,
  key: string,
  payload: string,
  connections: number,
  dir: string,
  seconds = SECONDS,
): Promise<RunResult> {
  return CLIENT === 'wrk'
    ? runWrk(url, key, payload, connections, dir, seconds)
    : runAutocannon(url, key, payload, connections, seconds);
}

/**
 * A gateway to measure: its own process on a fresh embedded database at the production log level (from
 * this checkout, or the one at `root`), with an enterprise partner whose quota no benchmark uses up.
 */
export async function startMeasuredGateway(
  opts: { env?: Record<string, string>; nodeArgs?: string[]; stdout?: boolean; root?: string } = {},
): Promise<{ gw: BenchGateway; key: string }> {
  const gw = await startBenchGateway({
    ...opts,
    env: { NODE_ENV: 'production', LOG_LEVEL: 'info', ...opts.env },
  });
  try {
    const { api_key: key } = await gw.admin<{ api_key: string }>('POST', '/partners', {
      partner_id: 'benchbank',
      tier: 'enterprise',
      monthly_quota: 100_000_000,
    });
    return { gw, key };
  } catch (e) {
    await gw.stop();
    throw e;
  }
}

/** Milliseconds of CPU per assessment between two readings of cpuSeconds, or undefined if either is unknown. */
export function msPerAssessment(
  before: number | undefined,
  after: number | undefined,
  assessments: number,
): number | undefined {
  return before !== undefined && after !== undefined && assessments > 0
    ? ((after - before) * 1000) / assessments
    : undefined;
}

/** A per-assessment figure for a table: two decimals, or a dash when unknown. */
export const fmtMs = (ms: number | undefined): string => (ms === undefined ? '—' : ms.toFixed(2));

export type Reference = 'floor' | 'engine';

export interface ReferenceServer {
  base: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/**
 * A reference server (bench/floor-server.ts) in its own process, started with the node flags `npm start`
 * gives the gateway: `floor` reads and parses the body; `engine` also decodes it and runs the engine inline.
 */
export async function startReferenceServer(mode: Reference): Promise<ReferenceServer> {
  const child = spawn(
    process.execPath,
    [...startFlags(), fileURLToPath(new URL('./floor-server.ts', import.meta.url)), mode],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`reference server ${mode} did not start within 60 s`)),
        60_000,
      );
      child.stdout.on('data', (d) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { port: number }).port);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`reference server ${mode} exited with ${code}`));
      });
    });
    return { base: `http://127.0.0.1:${port}`, pid: child.pid, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
