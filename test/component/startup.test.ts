/**
 * Start-up failures, with the gateway as its own process (`src/main.ts`): two processes on one DATA_DIR,
 * a port in use, PostgreSQL unreachable (and arriving late), a shared database without configured
 * secrets, and the admin CLI's secret. Every wait is for an event (a line, an exit) with a generous
 * deadline; every process started here is stopped here. Loopback only.
 */
import { expect } from 'chai';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { postgres, postgresUrl } from '../helpers/databases.ts';
import { freePort } from '../helpers/free-port.ts';
import { ADMIN_SECRET } from '../helpers/gateway.ts';
import { startFlags, waitHealthy } from '../helpers/gateway-process.ts';
import { DirLockedError, lockDir, LOCK_FILE, STALE_MS } from '../../src/lib/dir-lock.ts';

const run = promisify(execFile);
const DEADLINE = 90_000;

interface Proc {
  child: ChildProcess;
  /** stdout and stderr so far. */
  out(): string;
  /** Resolves with the exit status (or the signal's name). */
  exited: Promise<number | string>;
  /** Resolves once `re` matches the output; rejects if the process exits first or the deadline passes. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
}

const started: Proc[] = [];

/** `undefined` removes a variable the test runner's environment may have. */
function withEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  return e;
}

function start(env: Record<string, string | undefined>): Proc {
  const child = spawn(process.execPath, [...startFlags(), 'src/main.ts'], {
    env: withEnv({ LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const waiters = new Set<() => void>();
  const onData = (c: Buffer) => {
    text += String(c);
    for (const w of waiters) w();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const p: Proc = {
    child,
    out: () => text,
    exited,
    waitFor: (re, timeoutMs = DEADLINE) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (re.test(text)) done(resolve);
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`no ${re} within ${timeoutMs} ms; output:\n${text}`))),
          timeoutMs,
        );
        const done = (f: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          f();
        };
        waiters.add(check);
        // Output still in the pipes arrives before 'close'; after it, a line that has not come never will.
        child.once(
          'close',
          () =>
            waiters.has(check) &&
            (re.test(text)
              ? done(resolve)
              : done(() => reject(new Error(`exited before ${re}; output:\n${text}`)))),
        );
        check();
      }),
  };
  started.push(p);
  return p;
}

/** Exit status within the deadline (a process that does not exit fails the test, not the suite). */
async function exitOf(p: Proc, timeoutMs = DEADLINE): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>(
    (_, reject) =>
      (timer = setTimeout(
        () => reject(new Error(`did not exit within ${timeoutMs} ms; output:\n${p.out()}`)),
        timeoutMs,
      )),
  );
  try {
    return await Promise.race([p.exited, t]);
  } finally {
    clearTimeout(timer);
  }
}

const secrets = () => ({
  ADMIN_JWT_SECRET: ADMIN_SECRET,
  DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
});
const noStack = (s: string) => expect(s, s).to.not.match(/^\s+at .+:\d+:\d+\)?$/m);
const fatalLines = (s: string) => s.split('\n').filter((l) => l.includes('"level":60'));

describe('start-up failures (the gateway as its own process)', function () {
  this.timeout(4 * DEADLINE);
  const dirs: string[] = [];
  const tmp = (prefix: string) => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  afterEach(async () => {
    for (const p of started.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        p.child.kill('SIGKILL');
        await p.exited;
      }
    }
  });
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('refuses a second process on the same DATA_DIR naming the holder, and takes over the lock of one killed outright', async () => {
    const dataDir = tmp('gw-lock-');
    const env = { DATA_DIR: dataDir, ...secrets() };
    const portA = await freePort();
    const a = start({ ...env, PORT: String(portA) });
    await waitHealthy(`http://127.0.0.1:${portA}`, a.child, DEADLINE);

    const b = start({ ...env, PORT: String(await freePort()) });
    expect(await exitOf(b), b.out()).to.equal(75);
    expect(b.out()).to.match(
      new RegExp(`DATA_DIR is in use by another gateway process: pid ${a.child.pid} on host ${hostname()}`),
    );
    expect(fatalLines(b.out())).to.have.length(1);
    noStack(b.out());
    expect(a.child.exitCode, 'the first process keeps running').to.equal(null);
    expect((await fetch(`http://127.0.0.1:${portA}/api/partner/v1/health`)).status).to.equal(200);

    // Killed outright: its lock stays behind with a dead pid, and the next start takes it over.
    a.child.kill('SIGKILL');
    await a.exited;
    expect(existsSync(join(dataDir, LOCK_FILE))).to.equal(true);
    const portC = await freePort();
    const c = start({ ...env, PORT: String(portC) });
    await waitHealthy(`http://127.0.0.1:${portC}`, c.child, DEADLINE);
    expect(c.out()).to.match(new RegExp(`pid ${a.child.pid} is no longer running`));
    expect(JSON.parse(readFileSync(join(dataDir, LOCK_FILE), 'utf8')).pid).to.equal(c.child.pid);

    // A clean stop removes the lock.
    c.child.kill('SIGTERM');
    expect(await exitOf(c)).to.equal(0);
    expect(existsSync(join(dataDir, LOCK_FILE))).to.equal(false);
  });

  it('says EADDRINUSE in one line before opening or migrating the database', async () => {
    const holder = net.createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const dataDir = tmp('gw-port-');
      const p = start({ DATA_DIR: dataDir, PORT: String(port), ...secrets() });
      expect(await exitOf(p), p.out()).to.equal(1);
      expect(fatalLines(p.out())).to.have.length(1);
      expect(fatalLines(p.out())[0]).to.match(
        new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use \\(EADDRINUSE\\)`),
      );
      noStack(p.out());
      expect(p.out()).to.not.match(/migrations applied/);
      expect(existsSync(join(dataDir, 'PG_VERSION')), 'the database was not opened').to.equal(false);
      expect(existsSync(join(dataDir, LOCK_FILE))).to.equal(false);
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });

  it('retries an unreachable PostgreSQL with backoff, then exits with one line and no stack', async () => {
    const port = await freePort(); // nothing listens there
    const started = Date.now();
    const p = start({
      DATABASE_URL: `postgres://gw:hunter2-secret@127.0.0.1:${port}/gw`,
      DATABASE_CONNECT_WAIT_MS: '2500',
      PORT: '0',
      ...secrets(),
    });
    expect(await exitOf(p), p.out()).to.equal(69);
    expect(Date.now() - started).to.be.greaterThan(2_500);
    const retries = p
      .out()
      .split('\n')
      .filter((l) => l.includes('PostgreSQL not reachable yet; retrying'));
    expect(retries.length, p.out()).to.be.at.least(2);
    const delays = retries.map((l) => JSON.parse(l).retry_in_ms as number);
    expect(delays[1]).to.be.greaterThan(delays[0]!); // backoff grows
    expect(fatalLines(p.out())).to.have.length(1);
    expect(fatalLines(p.out())[0]).to.match(
      new RegExp(`PostgreSQL at 127\\.0\\.0\\.1:${port}/gw not reachable after \\d+ attempts`),
    );
    expect(p.out()).to.not.include('hunter2-secret');
    noStack(p.out());
  });

  it('stops at once with status 0 on SIGTERM while it waits for PostgreSQL (not killed by the signal)', async () => {
    const port = await freePort(); // nothing listens there
    const p = start({
      DATABASE_URL: `postgres://gw@127.0.0.1:${port}/gw`,
      DATABASE_CONNECT_WAIT_MS: '600000',
      PORT: '0',
      ...secrets(),
    });
    await p.waitFor(/PostgreSQL not reachable yet; retrying/);
    p.child.kill('SIGTERM');
    expect(await exitOf(p), p.out()).to.equal(0);
    expect(p.out()).to.match(/stopped while starting/);
    noStack(p.out());
  });

  it('starts once a PostgreSQL that was down becomes reachable within the wait', async function () {
    if (!(await postgres())) this.skip();
    const target = new URL(postgresUrl()!);
    const port = await freePort();
    const via = new URL(target);
    via.hostname = '127.0.0.1';
    via.port = String(port);
    const p = start({
      DATABASE_URL: via.toString(),
      DATABASE_CONNECT_WAIT_MS: '60000',
      PORT: String(await freePort()),
      ...secrets(),
      RUN_WORKERS: 'false',
    });
    await p.waitFor(/PostgreSQL not reachable yet; retrying[\s\S]*PostgreSQL not reachable yet; retrying/);
    // The server "comes up": a loopback relay to the real one on the port the gateway is trying.
    const relay = net.createServer((c) => {
      const up = net.connect(Number(target.port || 5432), target.hostname);
      c.pipe(up).pipe(c);
      c.on('error', () => up.destroy());
      up.on('error', () => c.destroy());
    });
    await new Promise<void>((r) => relay.listen(port, '127.0.0.1', r));
    try {
      await p.waitFor(/listening on http/);
      p.child.kill('SIGTERM');
      expect(await exitOf(p)).to.equal(0);
    } finally {
      relay.close();
    }
  });

  it('refuses DATABASE_URL without configured secrets, generating nothing', async () => {
    const dataDir = tmp('gw-shared-');
    const p = start({
      DATABASE_URL: 'postgres://gw@127.0.0.1:1/gw',
      DATA_DIR: dataDir,
      PORT: '0',
      ADMIN_JWT_SECRET: undefined,
      DATA_ENCRYPTION_KEY: undefined,
    });
    expect(await exitOf(p), p.out()).to.equal(78);
    expect(p.out()).to.match(
      /missing required secrets with DATABASE_URL: ADMIN_JWT_SECRET, DATA_ENCRYPTION_KEY/,
    );
    const q = start({
      DATABASE_URL: 'postgres://gw@127.0.0.1:1/gw',
      DATA_DIR: dataDir,
      PORT: '0',
      ADMIN_JWT_SECRET: ADMIN_SECRET,
      DATA_ENCRYPTION_KEY: undefined,
    });
    expect(await exitOf(q), q.out()).to.equal(78);
    expect(q.out()).to.match(/missing required secrets with DATABASE_URL: DATA_ENCRYPTION_KEY\./);
    expect(existsSync(join(dataDir, 'secrets.json'))).to.equal(false);
    noStack(p.out());
  });

  it('refuses a BODY_LIMIT that is not a size with 78 before taking the port or opening the database', async () => {
    const dataDir = tmp('gw-body-limit-');
    const p = start({
      BODY_LIMIT: '8 megabytes',
      DATA_DIR: dataDir,
      PORT: '0',
      ADMIN_JWT_SECRET: ADMIN_SECRET,
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    });
    expect(await exitOf(p), p.out()).to.equal(78);
    expect(p.out()).to.match(/BODY_LIMIT must be a size/);
    expect(existsSync(join(dataDir, 'PG_VERSION'))).to.equal(false);
    noStack(p.out());
  });

  describe('the DATA_DIR lock (in-process)', () => {
    it('refuses a live lock from another host and takes over one not touched for the stale time', () => {
      const dir = tmp('gw-lockfile-');
      const file = join(dir, LOCK_FILE);
      writeFileSync(
        file,
        JSON.stringify({ pid: 1, host: 'another-host', started: '2026-01-01T00:00:00.000Z' }),
      );
      expect(() => lockDir(dir)).to.throw(
        DirLockedError,
        /pid 1 on host another-host, started 2026-01-01T00:00:00.000Z/,
      );
      const old = new Date(Date.now() - STALE_MS - 5_000);
      utimesSync(file, old, old);
      const reasons: string[] = [];
      const lock = lockDir(dir, (_h, reason) => reasons.push(reason));
      expect(reasons[0]).to.match(/not touched for \d+ s/);
      expect(JSON.parse(readFileSync(file, 'utf8'))).to.include({ pid: process.pid, host: hostname() });
      expect(() => lockDir(dir), 'held by this very process').to.throw(DirLockedError);
      lock.release();
      expect(existsSync(file)).to.equal(false);
    });
  });
});

describe('admin CLI: which secret it signs with', function () {
  this.timeout(DEADLINE);
  const cli = async (env: Record<string, string | undefined>, ...args: string[]) => {
    try {
      const { stdout, stderr } = await run(
        process.execPath,
        ['--import', 'tsx', 'src/cli/admin.ts', ...args],
        { env: withEnv(env), timeout: DEADLINE },
      );
      return { code: 0, stdout, stderr };
    } catch (x) {
      const r = x as { code: number; stdout: string; stderr: string };
      return { code: r.code, stdout: r.stdout, stderr: r.stderr };
    }
  };
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'gw-cli-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('says it uses ADMIN_JWT_SECRET from the environment (never printing it)', async () => {
    const r = await cli({ ADMIN_JWT_SECRET: ADMIN_SECRET, DATA_DIR: join(dir, 'none') }, 'token');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.include('signing with ADMIN_JWT_SECRET from the environment');
    expect(r.stderr + r.stdout).to.not.include(ADMIN_SECRET);
  });

  it("says it uses the gateway's secrets file, naming its path", async () => {
    const data = join(dir, 'data');
    const file = join(data, 'secrets.json');
    mkdirSync(data, { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({
        ADMIN_JWT_SECRET: ADMIN_SECRET,
        DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      }),
    );
    const r = await cli({ ADMIN_JWT_SECRET: undefined, DATA_DIR: data }, 'token');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.include(`signing with ADMIN_JWT_SECRET from ${file}`);
  });

  it("outside the gateway's data directory refuses, saying where it looked, and generates nothing", async () => {
    const data = join(dir, 'elsewhere', 'data');
    const r = await cli({ ADMIN_JWT_SECRET: undefined, DATA_DIR: data }, 'token');
    expect(r.code).to.equal(78);
    expect(r.stdout).to.equal('');
    expect(r.stderr).to.include(
      `no admin secret: ADMIN_JWT_SECRET is not set and ${join(data, 'secrets.json')} does not exist`,
    );
    expect(existsSync(data), 'nothing created').to.equal(false);
  });
});
