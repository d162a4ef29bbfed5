/**
 * The provider limiter when Redis misbehaves (issue 17, defect 2): every wait inside the deadline, and
 * a Redis that is down, drops its connections, never answers or goes away after connecting degrades
 * the calls to the in-process limiter with one warning — never a hang, never an error of its own.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { DeadlineExceeded, ProviderRuntime, type RuntimeLog, type RuntimeOptions } from '../../../adapters/runtime.ts';
import { freePort } from '../../helpers/free-port.ts';
import { redis } from '../../helpers/redis.ts';

const options = (redisUrl?: string, maxConcurrent = 4): RuntimeOptions => ({ timeoutMs: 1000, deadlineMs: 5000, retries: 0, backoffMs: 0, limits: { maxConcurrent, minTimeMs: 0 }, redisUrl });

function recorder(): RuntimeLog & { lines: Array<{ level: string; msg: string; obj: object }> } {
  const lines: Array<{ level: string; msg: string; obj: object }> = [];
  return { lines, warn: (obj, msg) => void lines.push({ level: 'warn', msg, obj }), info: (obj, msg) => void lines.push({ level: 'info', msg, obj }) };
}

/** A loopback TCP server: `drop` destroys every connection, `silent` keeps it and never answers, `proxy` pipes to `target` until cut. */
async function tcp(mode: 'drop' | 'silent' | 'proxy', target?: URL) {
  const sockets = new Set<net.Socket>();
  const state = { mode, connections: 0 };
  const server = net.createServer((s) => {
    state.connections++;
    s.on('error', () => undefined);
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    if (state.mode === 'drop') return void s.destroy();
    if (state.mode === 'silent') return;
    const up = net.connect(Number(target!.port || 6379), target!.hostname);
    up.on('error', () => s.destroy());
    s.on('close', () => up.destroy());
    up.on('close', () => s.destroy());
    sockets.add(up);
    s.pipe(up).pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `redis://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    state,
    /** From now on every connection is dropped, and the open ones are cut. */
    cut() {
      state.mode = 'drop';
      for (const s of sockets) s.destroy();
    },
    heal() {
      state.mode = 'proxy';
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Runs one quick call through the runtime; its outcome and how long it took. */
async function timed(rt: ProviderRuntime, provider: string, deadlineMs = 5000) {
  const started = performance.now();
  const value = await rt.run(provider, Date.now() + deadlineMs, async () => 'ok');
  return { value, ms: performance.now() - started };
}

describe('provider limiter under Redis faults', function () {
  this.timeout(30_000);
  const opened: ProviderRuntime[] = [];
  const runtime = (o: RuntimeOptions, log?: RuntimeLog) => {
    const rt = new ProviderRuntime(o, undefined, log);
    opened.push(rt);
    return rt;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((rt) => rt.close()));
  });

  it('never waits past the deadline for its turn, and a call that missed its turn is never made', async () => {
    const rt = runtime(options(undefined, 1));
    let release!: () => void;
    const holding = rt.run('p', Date.now() + 10_000, () => new Promise<string>((r) => (release = () => r('first'))));
    let made = false;
    const started = performance.now();
    let error: unknown;
    try {
      await rt.run('p', Date.now() + 200, async () => {
        made = true;
        return 'second';
      });
    } catch (e) {
      error = e;
    }
    const ms = performance.now() - started;
    release();
    expect(await holding).to.equal('first');
    expect(error).to.be.instanceOf(DeadlineExceeded);
    expect(ms).to.be.below(3000);
    await rt.run('p', Date.now() + 5000, async () => 'after'); // the limiter has run the stale job (a no-op) by now
    expect(made).to.equal(false);
  });

  it('Redis down (a port nothing listens on): the call runs on the in-process limiter, with one warning', async () => {
    const log = recorder();
    const rt = runtime(options(`redis://127.0.0.1:${await freePort()}`), log);
    const first = await timed(rt, 'p');
    const second = await timed(rt, 'p');
    expect(first.value).to.equal('ok');
    expect(first.ms).to.be.below(4000);
    expect(second.ms).to.be.below(1000); // known unusable now: no waiting at all
    expect(log.lines.filter((l) => l.level === 'warn')).to.have.length(1);
    expect(log.lines[0]!.msg).to.match(/Redis/).and.match(/in-process/);
  });

  it('Redis that drops every connection, or never answers: the same', async () => {
    for (const mode of ['drop', 'silent'] as const) {
      const fake = await tcp(mode);
      try {
        const log = recorder();
        const rt = runtime(options(fake.url), log);
        const first = await timed(rt, 'p');
        expect(first.value).to.equal('ok');
        expect(first.ms, mode).to.be.below(4000);
        expect((await timed(rt, 'p')).ms, mode).to.be.below(1000);
        expect(fake.state.connections, mode).to.be.greaterThan(0);
        expect(log.lines.map((l) => l.level), mode).to.deep.equal(['warn']);
      } finally {
        await fake.close();
      }
    }
  });

  it('with a working Redis the shared limiter is used; when Redis goes away after connecting, calls degrade; when it is back, they share again', async function () {
    const url = await redis();
    if (!url) this.skip();
    const proxy = await tcp('proxy', new URL(url));
    try {
      const log = recorder();
      const rt = runtime(options(proxy.url), log);
      const provider = `fault-${randomBytes(4).toString('hex')}`;
      expect((await timed(rt, provider)).value).to.equal('ok');
      expect(log.lines).to.deep.equal([]);
      proxy.cut();
      const outage = [];
      for (let i = 0; i < 5; i++) outage.push((await timed(rt, provider)).ms);
      expect(Math.max(...outage)).to.be.below(4000);
      expect(log.lines.map((l) => l.level)).to.deep.equal(['warn']);
      proxy.heal();
      // ioredis reconnects with its own backoff; wait for the event (calls keep working meanwhile).
      const until = Date.now() + 20_000;
      while (!log.lines.some((l) => l.level === 'info') && Date.now() < until) {
        await timed(rt, provider);
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(log.lines.map((l) => l.level)).to.deep.equal(['warn', 'info']);
    } finally {
      await proxy.close();
    }
  });
});
