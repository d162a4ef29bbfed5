/**
 * One-connection latency of gateway variants side by side, robust to a busy shared host: each variant is
 * its own gateway process (a fresh embedded database, the production log level, its own environment),
 * started together with the floor + engine reference (bench/floor-server.ts), and they are sent one
 * request each in turn, so that a change in the host's load falls on all alike — bench:http measures
 * each target for seconds at a time, and on a host loaded to 15–20 its rounds differed 3× from one to
 * the next. Prints p25/p50/p75 per target, each gateway's p50 over floor + engine's, and the median of
 * the per-round ratios of the first two variants. Loopback only; bounded by the rounds; prints figures,
 * never passes or fails.
 *
 *   npm run bench:interleaved                                         (ASSESS_INLINE_WHEN_IDLE on, then off; 412 transactions, 300 rounds)
 *   BENCH_VARIANTS='ASSESS_THREADS=2|ASSESS_THREADS=0' BENCH_TRANSACTIONS=10000 BENCH_ROUNDS=60 npm run bench:interleaved
 */
import http from 'node:http';
import { median } from '../src/engine/stats.ts';
import { describeReference, hostReference } from './host.ts';
import { benchBody, startMeasuredGateway, startReferenceServer } from './load.ts';

const TRANSACTIONS = Number(process.env.BENCH_TRANSACTIONS ?? 412);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const VARIANTS = (process.env.BENCH_VARIANTS ?? 'ASSESS_INLINE_WHEN_IDLE=1|ASSESS_INLINE_WHEN_IDLE=0').split(
  '|',
);

interface Target {
  name: string;
  url: URL;
  key: string;
  stop(): Promise<void>;
}

const envOf = (variant: string): Record<string, string> =>
  Object.fromEntries(
    variant
      .split(' ')
      .filter(Boolean)
      .map((kv) => kv.split('=', 2) as [string, string]),
  );

const quantile = (xs: readonly number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))] ?? NaN;

async function main() {
  const payload = Buffer.from(benchBody(TRANSACTIONS));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const targets: Target[] = [];
  try {
    for (const v of VARIANTS) {
      const { gw, key } = await startMeasuredGateway({ env: envOf(v) });
      targets.push({
        name: `gateway ${v}`,
        url: new URL(`${gw.base}/api/partner/v1/assess`),
        key,
        stop: () => gw.stop(),
      });
    }
    const ref = await startReferenceServer('engine');
    targets.push({
      name: 'floor+engine',
      url: new URL(`${ref.base}/assess`),
      key: '',
      stop: () => ref.stop(),
    });
    const one = (t: Target) =>
      new Promise<number>((resolve, reject) => {
        const t0 = performance.now();
        const req = http.request(
          t.url,
          {
            method: 'POST',
            agent,
            headers: {
              'content-type': 'application/json',
              'x-partner-key': t.key,
              'content-length': payload.length,
            },
          },
          (res) => {
            res.resume();
            res.on('end', () =>
              res.statusCode === 200
                ? resolve(performance.now() - t0)
                : reject(new Error(`${t.name} answered ${res.statusCode}`)),
            );
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    console.log(
      `interleaved one-connection latency — node ${process.version}; ${TRANSACTIONS} transactions, ${ROUNDS} rounds`,
    );
    console.log(describeReference(await hostReference()));
    for (let i = 0; i < 20; i++) for (const t of targets) await one(t); // warm-up
    const runs = targets.map((t) => ({ t, times: [] as number[] }));
    for (let i = 0; i < ROUNDS; i++) for (const r of runs) r.times.push(await one(r.t));
    const engine = median(runs[runs.length - 1]?.times ?? []);
    for (const [k, { t, times }] of runs.entries())
      console.log(
        `${t.name.padEnd(40)} p25 ${quantile(times, 0.25).toFixed(2)}  p50 ${median(times).toFixed(2)}  p75 ${quantile(times, 0.75).toFixed(2)} ms${k < VARIANTS.length ? `  / (floor+engine) = ${(median(times) / engine).toFixed(2)}` : ''}`,
      );
    const [a, b] = runs;
    if (a && b && VARIANTS.length >= 2)
      console.log(
        `per round, ${a.t.name} / ${b.t.name}: median ${median(a.times.map((x, i) => x / (b.times[i] ?? NaN))).toFixed(3)}`,
      );
    console.log(`${describeReference(await hostReference())}, after the rounds`);
  } finally {
    for (const t of targets) await t.stop();
    agent.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
