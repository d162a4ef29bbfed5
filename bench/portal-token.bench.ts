/**
 * What verifying a portal link token costs per page view (landing): bcrypt (the seed's "bcrypt-hashed")
 * at cost 10 and 12 against HMAC-SHA256 with a server key (src/services/portal.ts chose the HMAC; the
 * README, "The hosted portal", gives the figures). `npm run bench:portal-token`.
 */
import bcrypt from 'bcrypt';
import { createHmac, randomBytes } from 'node:crypto';

const token = randomBytes(32).toString('base64url');
const key = randomBytes(32);

async function time(name: string, n: number, f: () => unknown): Promise<void> {
  for (let i = 0; i < Math.min(3, n); i++) await f();
  const t = performance.now();
  for (let i = 0; i < n; i++) await f();
  const us = ((performance.now() - t) / n) * 1000;
  console.log(
    `${name.padEnd(34)} ${us >= 1000 ? `${(us / 1000).toFixed(1)} ms` : `${us.toFixed(1)} µs`} per verification`,
  );
}

for (const cost of [10, 12]) {
  const hash = await bcrypt.hash(token, cost);
  await time(`bcrypt.compare, cost ${cost}`, cost === 10 ? 20 : 8, () => bcrypt.compare(token, hash));
}
const mac = createHmac('sha256', key).update(token).digest('hex');
await time(
  'HMAC-SHA256 + compare',
  20_000,
  () => createHmac('sha256', key).update(token).digest('hex') === mac,
);
