import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { ProviderRuntime, type RuntimeOptions } from '../../../adapters/runtime.ts';
import { redis } from '../../helpers/redis.ts';

const options = (redisUrl?: string): RuntimeOptions => ({
  timeoutMs: 1000,
  deadlineMs: 5000,
  retries: 0,
  backoffMs: 0,
  limits: { maxConcurrent: 1, minTimeMs: 0 },
  redisUrl,
});

/** Runs `n` 80 ms calls spread over two replicas' limiters; the most that ran at once. */
async function peak(a: ProviderRuntime, b: ProviderRuntime, provider: string, n = 6): Promise<number> {
  let now = 0;
  let max = 0;
  const call = () => {
    now++;
    max = Math.max(max, now);
    return new Promise<void>((r) =>
      setTimeout(() => {
        now--;
        r();
      }, 80),
    );
  };
  await Promise.all(Array.from({ length: n }, (_, i) => (i % 2 ? a : b).limiter(provider).schedule(call)));
  return max;
}

describe('provider limiters across replicas', function () {
  this.timeout(20_000);

  it('in-process limiters bound each replica on its own', async () => {
    const a = new ProviderRuntime(options());
    const b = new ProviderRuntime(options());
    expect(await peak(a, b, 'validifi')).to.equal(2);
    await Promise.all([a.close(), b.close()]);
  });

  it('with REDIS_URL, two replicas share one limit (bottleneck clustering)', async function () {
    const url = await redis();
    if (!url) this.skip();
    const provider = `test-${randomBytes(4).toString('hex')}`; // a fresh limiter id in the shared Redis
    const a = new ProviderRuntime(options(url));
    const b = new ProviderRuntime(options(url));
    try {
      expect(await peak(a, b, provider)).to.equal(1);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
