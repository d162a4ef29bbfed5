/**
 * Two builds of the gateway, compared fairly on a shared machine: each is started in turn (its own
 * process, a fresh embedded database, the production log level), warmed up, and driven with the same
 * 412-transaction `/assess` load over loopback; the pairs alternate, so that a change in how busy the
 * host is falls on both alike. Prints every run — assessments/s, p50/p99, the gateway's CPU and its
 * event loop's CPU per assessment (from /proc) — then the means and how many pairs each side won.
 * Bounded in time; targets 127.0.0.1 only; stops by itself; prints figures, never passes or fails.
 *
 *   npm run bench:compare -- <rev>            (a git revision against this working tree)
 *   npm run bench:compare -- <rev-a> <rev-b>  (two revisions)
 *   BENCH_PAIRS=6 BENCH_SECONDS=6 BENCH_CONNECTIONS=8 BENCH_TRANSACTIONS=412 npm run bench:compare -- HEAD~3
 *
 * A revision is checked out in a temporary git worktree that uses this checkout's node_modules, so the
 * two must agree on dependencies (the tool says so when their package-lock.json differ).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sum } from '../src/engine/stats.ts';
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
  WARMUP_SECONDS,
} from './load.ts';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const TRANSACTIONS = Number(process.env.BENCH_TRANSACTIONS ?? 412);
const ROOT = fileURLToPath(new URL('../', import.meta.url));

interface Side {
  label: string;
  root: string;
  cleanup(): void;
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();

/** A revision checked out beside this one, with this checkout's node_modules. */
function checkout(rev: string): Side {
  const commit = git('rev-parse', '--verify', `${rev}^{commit}`);
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-compare-'));
  git('worktree', 'add', '--detach', dir, commit);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  if (
    readFileSync(join(dir, 'package-lock.json'), 'utf8') !==
    readFileSync(join(ROOT, 'package-lock.json'), 'utf8')
  ) {
    console.log(`note: ${rev} has another package-lock.json; it runs on this checkout's node_modules`);
  }
  return {
    label: `${rev} (${commit.slice(0, 7)})`,
    root: dir,
    cleanup: () => {
      git('worktree', 'remove', '--force', dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Run {
  rate: number;
  p50: number;
  p99: number;
  cpuMs?: number;
  loopMs?: number;
}

async function measure(side: Side, payload: string, dir: string): Promise<Run> {
  const { gw, key } = await startMeasuredGateway({ root: side.root });
  try {
    const url = `${gw.base}/api/partner/v1/assess`;
    await runLoad(url, key, payload, CONNECTIONS, dir, WARMUP_SECONDS);
    const cpu0 = cpuSeconds(gw.pid);
    const loop0 = cpuSeconds(gw.pid, gw.pid);
    const r = await runLoad(url, key, payload, CONNECTIONS, dir);
    const cpu1 = cpuSeconds(gw.pid);
    const loop1 = cpuSeconds(gw.pid, gw.pid);
    const ok = r.requests - r.non2xx;
    if (r.non2xx > 0) console.log(`note: ${r.non2xx} requests failed on ${side.label}`);
    const cpuMs = msPerAssessment(cpu0, cpu1, ok);
    const loopMs = msPerAssessment(loop0, loop1, ok);
    return {
      rate: ok / r.seconds,
      p50: r.p50,
      p99: r.p99,
      ...(cpuMs !== undefined ? { cpuMs } : {}),
      ...(loopMs !== undefined ? { loopMs } : {}),
    };
  } finally {
    await gw.stop();
  }
}

async function main() {
  const [revA, revB] = process.argv.slice(2);
  if (!revA)
    throw new Error('usage: npm run bench:compare -- <rev-a> [<rev-b>]   (without rev-b: this working tree)');
  const sides: Side[] = [
    checkout(revA),
    revB ? checkout(revB) : { label: 'working tree', root: ROOT, cleanup: () => {} },
  ];
  const dir = mkdtempSync(join(os.tmpdir(), 'bench-compare-load-'));
  const payload = benchBody(TRANSACTIONS);
  console.log(
    `bench:compare — node ${process.version}, ${os.cpus().length} cores; embedded database, LOG_LEVEL=info; client ${CLIENT}; ${TRANSACTIONS} transactions, ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s per run, ${PAIRS} pair${PAIRS === 1 ? '' : 's'}`,
  );
  console.log(describeReference(await hostReference()));
  console.log(
    'pair  side  assessments/s  p50 ms  p99 ms  gateway CPU ms/assessment  event loop CPU ms/assessment',
  );
  const runs: Run[][] = [[], []];
  try {
    for (let pair = 1; pair <= PAIRS; pair++) {
      for (const i of [0, 1] as const) {
        const r = await measure(sides[i]!, payload, dir);
        runs[i]!.push(r);
        console.log(
          `${pad(pair, 5)} ${pad(i === 0 ? 'A' : 'B', 5)} ${pad(r.rate.toFixed(1), 14)} ${pad(r.p50.toFixed(1), 7)} ${pad(r.p99.toFixed(1), 7)} ${pad(fmtMs(r.cpuMs), 26)} ${fmtMs(r.loopMs)}`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    for (const s of sides) s.cleanup();
  }
  console.log(`${describeReference(await hostReference())}, after the pairs`);
  const avg = (i: number, f: (r: Run) => number | undefined) => {
    const v = runs[i]!.map(f).filter((x): x is number => x !== undefined);
    return v.length ? sum(v) / v.length : undefined;
  };
  const winsB = runs[1]!.filter((r, k) => r.rate > runs[0]![k]!.rate).length;
  for (const i of [0, 1]) {
    console.log(
      `${i === 0 ? 'A' : 'B'} ${sides[i]!.label}: mean ${avg(i, (r) => r.rate)!.toFixed(1)} assessments/s, p99 ${avg(i, (r) => r.p99)!.toFixed(1)} ms, gateway CPU ${fmtMs(avg(i, (r) => r.cpuMs))} ms, event loop ${fmtMs(avg(i, (r) => r.loopMs))} ms per assessment`,
    );
  }
  console.log(`B was faster in ${winsB} of ${PAIRS} pairs`);
  console.log(`reproduce: npm run bench:compare -- ${process.argv.slice(2).join(' ')}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
