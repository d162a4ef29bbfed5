/** The Redis for tests of state shared by replicas: TEST_REDIS_URL, else the machine's 127.0.0.1:6379. */
import { Socket } from 'node:net';

export function redisUrl(): string {
  return process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
}

let probe: Promise<string | undefined> | undefined;

/** The URL when a Redis answers PING; undefined (with a visible warning) when none does outside CI. */
export function redis(): Promise<string | undefined> {
  probe ??= new Promise<string | undefined>((resolve, reject) => {
    const u = new URL(redisUrl());
    const s = new Socket();
    const give = (ok: boolean, why = '') => {
      s.destroy();
      if (ok) return resolve(redisUrl());
      if (process.env.CI === 'true')
        return reject(new Error(`CI=true but no Redis answers at ${u.host}: ${why}`));
      console.warn(
        `\n  ⚠ Redis not reachable at ${u.host} — the shared-limiter test is SKIPPED (set TEST_REDIS_URL, or run .ci/run)\n`,
      );
      resolve(undefined);
    };
    s.setTimeout(2000, () => give(false, 'timeout'));
    s.once('error', (e) => give(false, e.message));
    s.connect(Number(u.port || 6379), u.hostname, () => s.write('PING\r\n'));
    s.once('data', (d) => give(String(d).startsWith('+PONG') || String(d).startsWith('-NOAUTH'), String(d)));
  });
  return probe;
}
