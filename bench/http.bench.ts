/**
 * HTTP benchmark: starts the gateway as its own process on the embedded database (a fresh DATA_DIR),
 * provisions a partner, and drives POST /assess over loopback with autocannon — 412- and
 * 10,000-transaction bodies — printing p50/p99 latency and assessments per second. Bounded in time;
 * targets 127.0.0.1 only; stops by itself. Prints figures, never passes or fails.
 *
 *   npm run bench:http                      (10 s per body size)
 *   BENCH_SECONDS=20 BENCH_CONNECTIONS=16 BENCH_SIZES=412 npm run bench:http
 *   GATEWAY_URL=http://127.0.0.1:8080 BENCH_KEY=prt_… npm run bench:http   (an already-running gateway)
 *   GW_NODE_ARGS=--trace-gc GW_STDOUT=1 npm run bench:http   (node flags for the spawned gateway; its stdout)
 */
import autocannon from 'autocannon';
import os from 'node:os';
import { benchmarkHistory } from '../tools/personas/personas.ts';
import { startBenchGateway } from '../test/helpers/gateway-process.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);

const body = (n: number) => JSON.stringify({ customer_ref: 'bench', transactions: benchmarkHistory(n), declared_income: 2500 });

async function main() {
  let base = process.env.GATEWAY_URL;
  let key = process.env.BENCH_KEY;
  let stop = async () => {};
  if (!base) {
    const gw = await startBenchGateway({ env: { NODE_ENV: 'production' }, nodeArgs: (process.env.GW_NODE_ARGS ?? '').split(' ').filter(Boolean), stdout: !!process.env.GW_STDOUT });
    stop = gw.stop;
    base = gw.base;
    key = (await gw.admin<{ api_key: string }>('POST', '/partners', { partner_id: 'benchbank', tier: 'enterprise', monthly_quota: 100_000_000 })).api_key;
  }
  if (!key) throw new Error('set BENCH_KEY with GATEWAY_URL');
  console.log(`HTTP benchmark — node ${process.version}, ${os.cpus().length} cores; gateway ${process.env.GATEWAY_URL ? base : 'spawned on the embedded database (PGlite)'}; ${CONNECTIONS} connections, ${SECONDS} s per size`);
  console.log('transactions  requests  non-2xx  p50 ms  p99 ms  assessments/s');
  try {
    for (const n of (process.env.BENCH_SIZES ?? '412,10000').split(',').map(Number)) {
      const payload = body(n);
      const warm = await fetch(`${base}/api/partner/v1/assess`, { method: 'POST', headers: { 'x-partner-key': key, 'content-type': 'application/json' }, body: payload });
      if (!warm.ok) throw new Error(`warm-up failed: ${warm.status} ${await warm.text()}`);
      const res = await autocannon({
        url: `${base}/api/partner/v1/assess`,
        method: 'POST',
        headers: { 'x-partner-key': key, 'content-type': 'application/json' },
        body: payload,
        connections: n >= 10_000 ? Math.min(CONNECTIONS, 4) : CONNECTIONS,
        duration: SECONDS,
      });
      const ok = res.requests.total - res.non2xx;
      console.log(`${String(n).padEnd(13)} ${String(res.requests.total).padEnd(9)} ${String(res.non2xx).padEnd(8)} ${String(res.latency.p50).padEnd(7)} ${String(res.latency.p99).padEnd(7)} ${(ok / SECONDS).toFixed(1)}`);
    }
  } finally {
    await stop();
  }
  console.log('reproduce: npm run bench:http');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
