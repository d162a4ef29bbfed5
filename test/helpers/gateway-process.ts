/**
 * The gateway as its own process (its sources, `node --import tsx src/main.ts`, with `npm start`'s node
 * flags), for the restart tests and the benchmarks: start it, wait until it answers, call its admin API.
 * Loopback only.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintAdminToken } from '../../src/services/admin-token.ts';
import { freePort } from './free-port.ts';
import { waitFor } from './receiver.ts';

/** What `npm start` runs in the checkout at `root` (its package.json's `start` script, `node <flags> <entry>`): the node flags and the entry file. */
export function startCommand(root: string = fileURLToPath(new URL('../../', import.meta.url))): {
  flags: string[];
  entry: string;
} {
  const start = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }
  ).scripts.start.split(/\s+/);
  if (start[0] !== 'node' || start.length < 2) throw new Error(`unexpected start script: ${start.join(' ')}`);
  return { flags: start.slice(1, -1), entry: start.at(-1)! };
}

/**
 * The node flags to run the gateway's sources (`src/main.ts`) as `npm start` runs its build, in the
 * checkout at `root`: the `start:ts` script (`node <flags> --import tsx src/main.ts`), whose flags must be
 * `start`'s plus the tsx loader, or, in a revision from before the build (bench:compare), `start` itself.
 * The tests and benchmarks run the sources, so that what they test is what is in the working tree, with
 * no build in between.
 */
export function startFlags(root: string = fileURLToPath(new URL('../../', import.meta.url))): string[] {
  const scripts = (
    JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const source = (scripts['start:ts'] ?? scripts.start ?? '').split(/\s+/);
  if (source[0] !== 'node' || source.at(-1) !== 'src/main.ts')
    throw new Error(`unexpected start script: ${source.join(' ')}`);
  const flags = source.slice(1, -1);
  if (scripts['start:ts']) {
    const built = startCommand(root).flags;
    const loaderless = flags
      .join(' ')
      .replace(/\s*--import[ =]tsx\b/, '')
      .trim();
    if (loaderless !== built.join(' '))
      throw new Error(
        `"start:ts" (${flags.join(' ')}) must run with "start"'s node flags (${built.join(' ')}) and --import tsx`,
      );
  }
  return flags;
}

/** Starts `src/main.ts` of this checkout, or of the checkout at `root` (bench:compare runs two revisions). */
export function spawnGatewayProcess(
  env: Record<string, string>,
  stdio: StdioOptions,
  nodeArgs: string[] = [],
  root?: string,
): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, ...startFlags(root), 'src/main.ts'], {
    env: { ...process.env, ...env },
    stdio,
    ...(root ? { cwd: root } : {}),
  });
}

/**
 * Resolves once `/health` answers; fails at once if the process exits first, or after `timeoutMs`
 * (3 minutes: a start on a loaded machine runs the migrations and pg-boss's on a shared CPU).
 */
export async function waitHealthy(base: string, child: ChildProcess, timeoutMs = 180_000): Promise<void> {
  await waitFor(
    async () => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`gateway exited with ${child.exitCode ?? child.signalCode}`);
      try {
        return (await fetch(`${base}/api/partner/v1/health`, { signal: AbortSignal.timeout(10_000) })).ok;
      } catch {
        return false; // not listening yet
      }
    },
    { timeoutMs, intervalMs: 200, what: `gateway at ${base} healthy` },
  );
}

/** One admin API call with a freshly minted token; the parsed answer (throws on a non-2xx). */
export async function adminCall<T = Record<string, unknown>>(
  base: string,
  adminSecret: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${base}/api/admin${path}`, {
    method,
    headers: {
      authorization: `Bearer ${await mintAdminToken(adminSecret)}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`admin ${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : {}) as T;
}

export interface BenchGateway {
  base: string;
  pid: number | undefined;
  admin<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  /** SIGTERM, wait for the exit, remove the data directory. */
  stop(): Promise<void>;
}

/** A gateway on a fresh embedded database with its own secrets, for a benchmark. */
export async function startBenchGateway(
  opts: { env?: Record<string, string>; nodeArgs?: string[]; stdout?: boolean; root?: string } = {},
): Promise<BenchGateway> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(os.tmpdir(), 'bench-gw-'));
  const secret = randomBytes(32).toString('base64url');
  const env = {
    PORT: String(port),
    DATA_DIR: dataDir,
    ADMIN_JWT_SECRET: secret,
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    ...opts.env,
  };
  const child = spawnGatewayProcess(
    env,
    ['ignore', opts.stdout ? 'inherit' : 'ignore', 'inherit'],
    opts.nodeArgs,
    opts.root,
  );
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitHealthy(base, child);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    base,
    pid: child.pid,
    admin: (method, path, body) => adminCall(base, secret, method, path, body),
    stop,
  };
}

/** The gateway from source (`npm run start:ts`'s flags) in its own process, its output kept: restart and crash tests. */
export function startSourceProcess(env: Record<string, string>): { child: ChildProcess; out: string[] } {
  const child = spawn(process.execPath, [...startFlags(), 'src/main.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  child.stdout?.on('data', (c: Buffer) => out.push(String(c)));
  child.stderr?.on('data', (c: Buffer) => out.push(String(c)));
  return { child, out };
}

/** Resolves when the process has exited (at once if it has). */
export const exited = (c: ChildProcess) =>
  new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)));
