/** The failure limiter, the bcrypt semaphore and the key verifier's equal work (issue 17, defect 1). */
import { expect } from 'chai';
import { createServer, Socket, type Server } from 'node:net';
import bcrypt from 'bcrypt';
import {
  BusyError,
  clientAddressKey,
  FailureLimiter,
  LocalCounters,
  Semaphore,
} from '../../../src/lib/rate-limit.ts';
import { KeyVerifier } from '../../../src/services/keys.ts';
import type { Db } from '../../../src/store/db.ts';
import { redis } from '../../helpers/redis.ts';

describe('failure limiter', () => {
  it('counts in a fixed window in process, bounded in memory', () => {
    let t = 0;
    const c = new LocalCounters(() => t, 3);
    expect(c.incr('a', 1000).n).to.equal(1);
    expect(c.incr('a', 1000)).to.deep.equal({ n: 2, ttlMs: 1000 });
    t = 400;
    expect(c.get('a')).to.deep.equal({ n: 2, ttlMs: 600 });
    c.decr('a');
    expect(c.get('a').n).to.equal(1);
    t = 1000;
    expect(c.get('a').n).to.equal(0);
    for (const k of ['b', 'c', 'd', 'e']) c.incr(k, 10_000);
    expect(c.get('b').n).to.equal(0); // the oldest went
    expect(c.get('e').n).to.equal(1);
  });

  it('refuses beyond the limit with the time left, and gives back a success', async () => {
    let t = 0;
    const l = new FailureLimiter({ windowMs: 60_000, now: () => t });
    const keys: Array<[string, number]> = [
      ['addr:x', 2],
      ['prefix:y', 10],
    ];
    expect(await l.take(keys)).to.equal(0);
    expect(await l.take(keys)).to.equal(0);
    t = 15_000;
    expect(await l.take(keys)).to.equal(45_000);
    await l.giveBack(keys);
    await l.giveBack(keys);
    expect(await l.take(keys)).to.equal(0);
  });

  it('maps addresses: IPv4-mapped IPv6 unwrapped, IPv6 by /64', () => {
    expect(clientAddressKey('::ffff:10.1.2.3')).to.equal('10.1.2.3');
    expect(clientAddressKey('2001:db8:1:2:aaaa::1')).to.equal(clientAddressKey('2001:db8:1:2:bbbb::9'));
    expect(clientAddressKey('2001:db8:1:3::1')).to.not.equal(clientAddressKey('2001:db8:1:2::1'));
    expect(clientAddressKey(undefined)).to.equal('unknown');
  });

  it('does not hang when Redis stops answering after connecting: it counts in process within the timeout', async function () {
    const url = await redis();
    if (!url) return this.skip();
    // A proxy to the real Redis that can be frozen (it keeps the connection but forwards nothing).
    const target = new URL(url);
    let frozen = false;
    const sockets: Socket[] = [];
    const proxy: Server = createServer((client) => {
      const upstream = new Socket();
      sockets.push(client, upstream);
      upstream.connect(Number(target.port || 6379), target.hostname);
      client.on('data', (d) => {
        if (!frozen) upstream.write(d);
      });
      upstream.on('data', (d) => {
        if (!frozen) client.write(d);
      });
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as { port: number }).port;
    const warnings: string[] = [];
    const log = { warn: (_o: unknown, msg: string) => warnings.push(msg) } as never;
    const l = new FailureLimiter(
      {
        windowMs: 60_000,
        redisUrl: `redis://127.0.0.1:${port}`,
        redisTimeoutMs: 200,
        prefix: `test:${Date.now()}:`,
      },
      log,
    );
    try {
      const until = Date.now() + 10_000;
      while (!l.shared && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(l.shared).to.equal(true);
      const keys: Array<[string, number]> = [['addr:z', 2]];
      expect(await l.take(keys)).to.equal(0);
      frozen = true;
      const t0 = Date.now();
      expect(await l.take(keys)).to.equal(0); // counted in process now
      expect(await l.take(keys)).to.equal(0);
      expect(await l.take(keys)).to.be.above(0);
      expect(Date.now() - t0).to.be.below(5000);
      expect(warnings.some((w) => w.includes('Redis unavailable'))).to.equal(true);
    } finally {
      await l.close();
      for (const s of sockets) s.destroy();
      await new Promise((r) => proxy.close(r));
    }
  });
});

describe('bcrypt semaphore', () => {
  it('runs at most `max` at once, queues `maxQueue`, and refuses beyond at once', async () => {
    const s = new Semaphore(2, 1);
    let running = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    const task = () =>
      s.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => releases.push(r));
        running--;
      });
    const a = task();
    const b = task();
    const c = task();
    let busy: unknown;
    await task().catch((e) => {
      busy = e;
    });
    expect(busy).to.be.instanceOf(BusyError);
    expect(s.waiting).to.equal(1);
    while (releases.length < 2) await new Promise((r) => setImmediate(r));
    releases.shift()!();
    await a;
    while (releases.length < 2) await new Promise((r) => setImmediate(r));
    for (const r of releases.splice(0)) r();
    await Promise.all([b, c]);
    expect(peak).to.equal(2);
    expect(s.running).to.equal(0);
  });
});

describe('key verifier under guessing', () => {
  const key = `prt_acme_${'K'.repeat(32)}`;
  let hash = '';
  let compares = 0;
  const realCompare = bcrypt.compare;
  before(async () => {
    hash = await bcrypt.hash(key, 4);
  });
  beforeEach(() => {
    compares = 0;
    (bcrypt as { compare: unknown }).compare = (...a: Parameters<typeof bcrypt.compare>) => {
      compares++;
      return realCompare(...a);
    };
  });
  afterEach(() => {
    (bcrypt as { compare: unknown }).compare = realCompare;
  });
  const db = {
    query: (sql: string, params: unknown[]) => {
      if (sql.includes('from api_keys') && params[0] === 'acme')
        return Promise.resolve({
          rows: [
            {
              id: 'key_1',
              partner_id: 'acme',
              display_prefix: 'prt_acme_KKKK…',
              key_hash: hash,
              disabled_at: null,
            },
          ],
          rowCount: 1,
        });
      return Promise.resolve({ rows: [], rowCount: 0 });
    },
  } as unknown as Db;

  it('does exactly one bcrypt per guess, for an unknown slug, a wrong prefix and a right prefix alike', async () => {
    const v = new KeyVerifier(db, 1000, Date.now, 100, { perAddress: 1000, perPrefix: 1000 });
    expect(await v.verify(`prt_nosuch_${'K'.repeat(32)}`, '10.0.0.1')).to.equal(undefined);
    expect(compares).to.equal(1);
    expect(await v.verify(`prt_acme_${'Z'.repeat(32)}`, '10.0.0.1')).to.equal(undefined);
    expect(compares).to.equal(2);
    expect(await v.verify(`prt_acme_KKKK${'Z'.repeat(28)}`, '10.0.0.1')).to.equal(undefined);
    expect(compares).to.equal(3);
    expect(await v.verify(key, '10.0.0.1')).to.deep.equal({ partnerId: 'acme', keyId: 'key_1' });
    expect(compares).to.equal(4);
  });

  it('renews a known key after the TTL with a lookup, not a bcrypt, and refuses guesses beyond the limit without one', async () => {
    let t = 0;
    const v = new KeyVerifier(db, 1000, () => t, 100, { perAddress: 2, perPrefix: 1000, refusalDelayMs: 0 });
    await v.verify(key, '10.0.0.2');
    t = 5000;
    expect(await v.verify(key, '10.0.0.2')).to.deep.equal({ partnerId: 'acme', keyId: 'key_1' });
    expect(compares).to.equal(1);
    await v.verify(`prt_acme_${'A'.repeat(32)}`, '10.0.0.2');
    await v.verify(`prt_acme_${'B'.repeat(32)}`, '10.0.0.2');
    let refused: { status?: number; retryAfterSeconds?: number } | undefined;
    await v.verify(`prt_acme_${'C'.repeat(32)}`, '10.0.0.2').catch((e) => {
      refused = e;
    });
    expect(refused?.status).to.equal(429);
    expect(refused?.retryAfterSeconds).to.be.at.least(1);
    expect(compares).to.equal(3);
    // The known key still passes from that address.
    expect(await v.verify(key, '10.0.0.2')).to.deep.equal({ partnerId: 'acme', keyId: 'key_1' });
  });
});
