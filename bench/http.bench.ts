/**
 * HTTP benchmark: starts the gateway as its own process on the embedded database (a fresh DATA_DIR, the
 * production log level), provisions a partner, and drives POST /assess over loopback with 412- and
 * 10,000-transaction bodies. Beside it, two references in their own processes (bench/floor-server.ts):
 * the floor (a bare Node server that reads and parses the body) and floor + engine (the same server also
 * decoding the request and running the engine inline: no authentication, quota, storage, evidence or
 * webhook). At one connection the three are measured in interleaved rounds and the ratios of their
 * medians printed: gateway / (floor + engine) is what the gateway adds around the engine (issue 18's
 * goals: at most 2 at 412 transactions, 1.3 at 10,000). Then the gateway alone under load: requests,
 * non-2xx, p50/p99 latency, assessments per second, and the CPU the gateway and the load generator spent
 * per assessment (from /proc), so a figure can be told apart from a busy machine, and a host-speed
 * reference and the load average before and after (host.ts), so a figure can be told apart from a slow
 * phase of a shared host. Bounded in time; targets 127.0.0.1 only; stops by itself. Prints figures, never
 * passes or fails.
 *
 * The load generator is wrk (Debian's `wrk`) when it is installed, else autocannon. On a small machine
 * the client shares the cores with the gateway: autocannon spent 0.42 ms of CPU per 412-transaction
 * request here, wrk 0.07–0.09 ms (the last column says which).
 *
 *   npm run bench:http                                  (at one connection 3 rounds of 5 s per size; under load 3 runs of 10 s at 412, 1 run at 10,000)
 *   BENCH_SIZES=412 BENCH_RUNS=5 BENCH_CONNECTIONS=8 BENCH_SECONDS=10 npm run bench:http
 *   BENCH_ONE_RUNS=5 BENCH_ONE_SECONDS=5 npm run bench:http   (rounds at one connection; BENCH_ONE_RUNS=0 skips them and the references)
 *   BENCH_CLIENT=autocannon npm run bench:http          (the Node client, even when wrk is installed)
 *   BENCH_MIXED=0 npm run bench:http                    (skip the mixed run: 412-transaction requests beside a stream of 10,000-transaction ones)
 *   BENCH_ROOT=/tmp/base npm run bench:http             (the gateway of another checkout, e.g. `git worktree add /tmp/base main`; references and client from this one)
 *   GATEWAY_URL=http://127.0.0.1:8080 BENCH_KEY=prt_… npm run bench:http   (an already-running gateway; no CPU figures)
 *   GW_NODE_ARGS=--trace-gc GW_STDOUT=1 GW_ENV='ASSESS_THREADS=1' npm run bench:http   (the spawned gateway's node flags, stdout, environment)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { median } from '../src/engine/stats.ts';
import { describeReference, hostReference } from './host.ts';
import {
  benchBody,
  CLIENT,
  cpuSeconds,
  fmtMs,
  msPerAssessment,
  pad,
  runLoad,
  SECONDS,
  startMeasuredGateway,
  startReferenceServer,
  WARMUP_SECONDS,
  type ReferenceServer,
} from './load.ts';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const ONE_RUNS = Number(process.env.BENCH_ONE_RUNS ?? 3);
const ONE_SECONDS = Number(process.env.BENCH_ONE_SECONDS ?? 5);
const SIZES = (process.env.BENCH_SIZES ?? '412,10000').split(',').filter(Boolean).map(Number);
const MIXED = process.env.BENCH_MIXED !== '0';
/** issue 18's goals for gateway / (floor + engine) at one connection. */
const GOAL: Record<number, number> = { 412: 2, 10_000: 1.3 };

const loadAverage = () =>
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`;

type Target = 'floor' | 'floor+engine' | 'gateway';
const TARGETS: readonly Target[] = ['floor', 'floor+engine', 'gateway'];

async function main() {
  let base = process.env.GATEWAY_URL;
  let key = process.env.BENCH_KEY;
  let gatewayPid: number | undefined;
  const stops: Array<() => Promise<void>> = [];
  const refs: Partial<Record<Target, ReferenceServer>> = {};
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-http-'));
  try {
    if (!base) {
      const extra = Object.fromEntries(
        (process.env.GW_ENV ?? '')
          .split(' ')
          .filter(Boolean)
          .map((kv) => kv.split('=', 2) as [string, string]),
      );
      const root = process.env.BENCH_ROOT;
      const started = await startMeasuredGateway({
        env: extra,
        nodeArgs: (process.env.GW_NODE_ARGS ?? '').split(' ').filter(Boolean),
        stdout: !!process.env.GW_STDOUT,
        ...(root ? { root } : {}),
      });
      const gw = started.gw;
      stops.push(() => gw.stop());
      base = started.gw.base;
      gatewayPid = started.gw.pid;
      key = started.key;
    }
    if (!key) throw new Error('set BENCH_KEY with GATEWAY_URL');
    const partnerKey: string = key;
    if (ONE_RUNS > 0) {
      for (const [target, mode] of [
        ['floor', 'floor'],
        ['floor+engine', 'engine'],
      ] as const) {
        const r = await startReferenceServer(mode);
        stops.push(() => r.stop());
        refs[target] = r;
      }
    }
    // Before the gateway is busy, and again at the end: how fast the host itself was (see host.ts).
    const refBefore = await hostReference();
    const url = `${base}/api/partner/v1/assess`;
    const urlOf = (t: Target) => (t === 'gateway' ? url : `${refs[t]!.base}/assess`);
    console.log(
      `HTTP benchmark — node ${process.version}, ${os.cpus().length} cores; gateway ${process.env.GATEWAY_URL ? base : `spawned on the embedded database (PGlite), LOG_LEVEL=info${process.env.BENCH_ROOT ? `, from ${process.env.BENCH_ROOT}` : ''}`}; client ${CLIENT}; ${CONNECTIONS} connections (4 at 10,000), ${SECONDS} s per run; ${loadAverage()}`,
    );
    console.log(describeReference(refBefore));
    const ratios: string[] = [];
    for (const n of SIZES) {
      const payload = benchBody(n);
      const warm = await fetch(url, {
        method: 'POST',
        headers: { 'x-partner-key': key, 'content-type': 'application/json' },
        body: payload,
      });
      if (!warm.ok) throw new Error(`warm-up failed: ${warm.status} ${await warm.text()}`);
      if (ONE_RUNS > 0) {
        // One connection: the three in interleaved rounds, so that a change in the host falls on all alike.
        const targets = TARGETS.filter((t) => t === 'gateway' || refs[t]);
        for (const t of targets) {
          const res = await fetch(urlOf(t), {
            method: 'POST',
            headers: { 'x-partner-key': key, 'content-type': 'application/json' },
            body: payload,
          });
          if (!res.ok) throw new Error(`${t} refused the body: ${res.status} ${await res.text()}`);
          await runLoad(urlOf(t), key, payload, 1, dir, WARMUP_SECONDS);
        }
        console.log(`${n} transactions, one connection, ${ONE_SECONDS} s per run:`);
        console.log('round  target        requests  non-2xx  p50 ms  p99 ms');
        const p50: Record<string, number[]> = {};
        for (let round = 1; round <= ONE_RUNS; round++) {
          for (const t of targets) {
            const r = await runLoad(urlOf(t), key, payload, 1, dir, ONE_SECONDS);
            (p50[t] ??= []).push(r.p50);
            console.log(
              `${pad(round, 6)} ${pad(t, 13)} ${pad(r.requests, 9)} ${pad(r.non2xx, 8)} ${pad(r.p50.toFixed(2), 7)} ${r.p99.toFixed(2)}`,
            );
          }
        }
        const m = (t: Target) => median(p50[t]!);
        const line = `${n} transactions, one connection, median p50: floor ${m('floor').toFixed(2)} ms, floor+engine ${m('floor+engine').toFixed(2)} ms, gateway ${m('gateway').toFixed(2)} ms; gateway / (floor+engine) = ${(m('gateway') / m('floor+engine')).toFixed(2)}${GOAL[n] ? ` (goal ≤ ${GOAL[n]})` : ''}, gateway / floor = ${(m('gateway') / m('floor')).toFixed(2)}, (floor+engine) / floor = ${(m('floor+engine') / m('floor')).toFixed(2)}`;
        // autocannon's percentiles are whole milliseconds: a ratio of two single-digit p50s is mostly rounding.
        const coarse = CLIENT === 'autocannon' && m('floor+engine') < 20;
        const said = coarse
          ? `${line} — NOT A MEASUREMENT: autocannon rounds p50 to whole ms; install wrk`
          : line;
        ratios.push(said);
        console.log(said);
      }
      const connections = n >= 10_000 ? Math.min(CONNECTIONS, 4) : CONNECTIONS;
      // Warm-up under load (JIT, caches), not reported.
      await runLoad(url, key, payload, connections, dir, WARMUP_SECONDS);
      console.log(`${n} transactions, the gateway on ${connections} connections:`);
      console.log(
        'transactions  run  requests  non-2xx  p50 ms  p99 ms  assessments/s  gateway CPU ms/assessment  client CPU ms/assessment',
      );
      const rates: number[] = [];
      const runs = n >= 10_000 ? 1 : RUNS;
      for (let run = 1; run <= runs; run++) {
        const gwBefore = cpuSeconds(gatewayPid);
        const r = await runLoad(url, key, payload, connections, dir);
        const gwAfter = cpuSeconds(gatewayPid);
        const ok = r.requests - r.non2xx;
        const rate = ok / r.seconds;
        rates.push(rate);
        console.log(
          `${pad(n, 13)} ${pad(run, 4)} ${pad(r.requests, 9)} ${pad(r.non2xx, 8)} ${pad(r.p50.toFixed(1), 7)} ${pad(r.p99.toFixed(1), 7)} ${pad(rate.toFixed(1), 14)} ${pad(fmtMs(msPerAssessment(gwBefore, gwAfter, ok)), 26)} ${fmtMs(msPerAssessment(0, r.clientCpu, ok))}`,
        );
      }
      if (runs > 1)
        console.log(
          `${pad(n, 13)} median of ${runs}: ${median(rates).toFixed(1)} assessments/s (min ${Math.min(...rates).toFixed(1)}, max ${Math.max(...rates).toFixed(1)})`,
        );
    }
    if (MIXED) {
      // Small requests beside large ones: what a 412-transaction request waits for while 10,000-transaction
      // assessments run at the same time (one connection of large ones, the rest small).
      const small = benchBody(412);
      const large = benchBody(10_000);
      const run = (payload: string, connections: number, seconds = SECONDS) =>
        runLoad(url, partnerKey, payload, connections, dir, seconds);
      await Promise.all([
        run(small, Math.max(1, CONNECTIONS - 2), WARMUP_SECONDS),
        run(large, 1, WARMUP_SECONDS),
      ]);
      const [s, l] = await Promise.all([run(small, Math.max(1, CONNECTIONS - 2)), run(large, 1)]);
      console.log(
        `mixed: 412 on ${Math.max(1, CONNECTIONS - 2)} connections beside 10,000 on 1 — 412: p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, ${((s.requests - s.non2xx) / s.seconds).toFixed(1)}/s, non-2xx ${s.non2xx}; 10,000: ${((l.requests - l.non2xx) / l.seconds).toFixed(1)}/s, non-2xx ${l.non2xx}`,
      );
    }
    if (ratios.length) {
      console.log('ratios (one connection, median p50):');
      for (const r of ratios) console.log(`  ${r}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    for (const stop of stops.reverse()) await stop();
  }
  console.log(`${describeReference(await hostReference())}, after the runs; ${loadAverage()}`);
  console.log('reproduce: npm run bench:http   (apt-get install wrk for the C load generator)');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
