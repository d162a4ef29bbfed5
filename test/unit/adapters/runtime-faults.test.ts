/**
 * The provider limiter when Redis misbehaves (issue 17, defect 2): every wait inside the deadline, and
 * a Redis that is down, drops its connections, never answers or goes away after connecting degrades
 * the calls to the in-process limiter with one warning — never a hang, never an error of its own.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import {
  DeadlineExceeded,
  ProviderRuntime,
  type RuntimeLog,
  type RuntimeOptions,
} from '../../../adapters/runtime.ts';
import { fakeRedis } from '../../helpers/fake-redis.ts';
import { freePort } from '../../helpers/free-port.ts';
import { redis } from '../../helpers/redis.ts';

const options = (redisUrl?: string, maxConcurrent = 4): RuntimeOptions => ({
  timeoutMs: 1000,
  deadlineMs: 5000,
  retries: 0,
  backoffMs: 0,
  limits: { maxConcurrent, minTimeMs: 0 },
  redisUrl,
});

function recorder(): RuntimeLog & { lines: Array<{ level: string; msg: string; obj: object }> } {
  const lines: Array<{ level: string; msg: string; obj: object }> = [];
  return {
    lines,
    warn: (obj, msg) => void lines.push({ level: 'warn', msg, obj }),
    info: (obj, msg) => void lines.push({ level: 'info', msg, obj }),
  };
}

/** Runs one quick call through the runtime; its outcome and how long it took. */
async function timed(rt: ProviderRuntime, provider: string, deadlineMs = 5000) {
  const started = performance.now();
  const value = await rt.run(provider, Date.now() + deadlineMs, () => Promise.resolve('ok'));
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
    const holding = rt.run(
      'p',
      Date.now() + 10_000,
      () => new Promise<string>((r) => (release = () => r('first'))),
    );
    let made = false;
    const started = performance.now();
    let error: unknown;
    try {
      await rt.run('p', Date.now() + 200, () => {
        made = true;
        return Promise.resolve('second');
      });
    } catch (e) {
      error = e;
    }
    const ms = performance.now() - started;
    release();
    expect(await holding).to.equal('first');
    expect(error).to.be.instanceOf(DeadlineExceeded);
    expect(ms).to.be.below(3000);
    await rt.run('p', Date.now() + 5000, () => Promise.resolve('after')); // the limiter has run the stale job (a no-op) by now
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
    expect(log.lines[0]!.msg)
      .to.match(/Redis/)
      .and.match(/in-process/);
  });

  it('Redis that drops every connection, or never answers: the same', async () => {
    for (const mode of ['drop', 'silent'] as const) {
      const fake = await fakeRedis(mode);
      try {
        const log = recorder();
        const rt = runtime(options(fake.url), log);
        const first = await timed(rt, 'p');
        expect(first.value).to.equal('ok');
        expect(first.ms, mode).to.be.below(4000);
        expect((await timed(rt, 'p')).ms, mode).to.be.below(1000);
        expect(fake.connections, mode).to.be.greaterThan(0);
        expect(
          log.lines.map((l) => l.level),
          mode,
        ).to.deep.equal(['warn']);
      } finally {
        await fake.close();
      }
    }
  });

  it('with a working Redis the shared limiter is used; when Redis goes away after connecting, calls degrade; when it is back, they share again', async function () {
    const url = await redis();
    if (!url) this.skip();
    const proxy = await fakeRedis('proxy', url);
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
