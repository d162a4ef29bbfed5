/**
 * ValidiFI-sourced assessment benchmark: starts the local ValidiFI simulator and the gateway (its own
 * process, embedded database), stores the simulator's credentials for a partner, then runs
 * `POST /assess` with `source: {type: "validifi", …}` for six months of a persona's history — first
 * with a cold token cache, then sequentially and with 8 at once — and prints the time to the response
 * and the upstream calls made per assessment. Loopback only; bounded; stops by itself.
 *
 *   npm run bench:validifi            (BENCH_N=100 assessments per phase)
 */
import { at } from '../src/lib/narrow.ts';
import os from 'node:os';
import { startBenchGateway } from '../test/helpers/gateway-process.ts';
import { startValidifiSimulator } from '../tools/simulators/validifi.ts';

const N = Number(process.env.BENCH_N ?? 100);
const TOKEN = 'sim-couple_two_children_mortgage-1';

const pct = (xs: number[], p: number) =>
  at(
    [...xs].sort((a, b) => a - b),
    Math.min(xs.length - 1, Math.floor((p / 100) * xs.length)),
    'sample',
  );

async function main() {
  const sim = await startValidifiSimulator();
  const gw = await startBenchGateway();
  const base = gw.base;
  try {
    const created = await gw.admin<{ api_key: string }>('POST', '/partners', {
      partner_id: 'benchvfi',
      tier: 'enterprise',
      monthly_quota: 1_000_000,
    });
    await gw.admin('PUT', '/partners/benchvfi/providers/validifi', {
      client_id: sim.clientId,
      client_secret: sim.clientSecret,
      environment: 'custom',
      base_url: sim.url,
    });
    // Six months to the persona's last day (the gateway's clock is real; the dates are explicit).
    const body = JSON.stringify({
      customer_ref: 'bench',
      source: {
        type: 'validifi',
        account_token: TOKEN,
        account_token_id: TOKEN,
        start_date: '2026-05-02',
        end_date: '2026-11-02',
      },
    });
    const one = async () => {
      const t = performance.now();
      const r = await fetch(`${base}/api/partner/v1/assess`, {
        method: 'POST',
        headers: { 'x-partner-key': created.api_key, 'content-type': 'application/json' },
        body,
      });
      if (r.status !== 200) throw new Error(`assess: ${r.status} ${await r.text()}`);
      const a = (await r.json()) as { transactions_analyzed: number };
      return { ms: performance.now() - t, n: a.transactions_analyzed };
    };
    console.log(
      `ValidiFI-sourced assessment — node ${process.version}, ${os.cpus().length} cores; gateway on the embedded database, local ValidiFI simulator over loopback`,
    );
    sim.reset();
    const cold = await one();
    const coldCalls = { ...sim.counts };
    console.log(
      `cold (token fetched): ${cold.ms.toFixed(1)} ms, ${cold.n} transactions; upstream calls: token ${coldCalls.token}, history ${coldCalls.history} (90-day windows), export ${coldCalls.export}`,
    );
    sim.reset();
    const seq: number[] = [];
    for (let i = 0; i < N; i++) seq.push((await one()).ms);
    console.log(
      `sequential, ${N}: p50 ${pct(seq, 50).toFixed(1)} ms, p95 ${pct(seq, 95).toFixed(1)} ms; upstream calls per assessment: ${((sim.counts.token + sim.counts.history + sim.counts.export) / N).toFixed(2)} (token ${sim.counts.token} in all)`,
    );
    sim.reset();
    const conc: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let i = 0; i < N / 8; i++) conc.push((await one()).ms);
      }),
    );
    const wall = (performance.now() - t0) / 1000;
    console.log(
      `8 at once, ${conc.length}: p50 ${pct(conc, 50).toFixed(1)} ms, p95 ${pct(conc, 95).toFixed(1)} ms, ${(conc.length / wall).toFixed(1)} assessments/s; token requests ${sim.counts.token}`,
    );
  } finally {
    await gw.stop();
    await sim.stop();
  }
  console.log('reproduce: npm run bench:validifi');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
