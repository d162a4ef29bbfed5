/**
 * A host-speed reference for the benchmarks: a fixed workload that none of the gateway's code takes
 * part in, so that a change in a benchmark's figures can be told apart from a change in the machine.
 *
 * Why: on this project's VM (two vCPUs, shared host) the same build of the gateway has spent anything
 * from 4.6 to 10.7 ms of CPU per 412-transaction assessment within one hour, and its throughput moved
 * with it (184 -> 388 assessments/s). A single-threaded loop moved much less, so the reference does
 * what the gateway does: every core at once, JSON parse and stringify of a request body and a level-1
 * gzip of the result (memory and cache traffic, not only arithmetic).
 *
 * Prints milliseconds per round (lower is faster), the median over the threads.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { median } from '../src/engine/stats.ts';
import { benchBody } from './load.ts';

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { gzipSync } = require('node:zlib');
const { body, rounds } = workerData;
const run = (n) => { let bytes = 0; for (let i = 0; i < n; i++) { const s = JSON.stringify(JSON.parse(body)); bytes += gzipSync(Buffer.from(s), { level: 1 }).length; } return bytes; };
run(Math.ceil(rounds / 10)); // JIT warm-up, not timed
const t0 = process.hrtime.bigint();
const bytes = run(rounds);
parentPort.postMessage({ ms: Number(process.hrtime.bigint() - t0) / 1e6 / rounds, bytes });
`;

export interface HostReference {
  /** Milliseconds per round, median over the threads. */
  msPerRound: number;
  threads: number;
}

/** The fixed request body the reference works on, built once: the 412-transaction body of the benchmarks. */
let referenceBody: string | undefined;

/** Runs the reference on every core at once (`threads`), `rounds` rounds each. */
export async function hostReference(rounds = 1000, threads = availableParallelism()): Promise<HostReference> {
  const body = (referenceBody ??= benchBody(412));
  const perThread = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(WORKER, { eval: true, workerData: { body, rounds } });
          w.once('message', (m: { ms: number; bytes: number }) => resolve(m.ms));
          w.once('error', reject);
          w.once(
            'exit',
            (code) => code !== 0 && reject(new Error(`host reference thread exited with ${code}`)),
          );
        }),
    ),
  );
  return { msPerRound: median(perThread), threads };
}

export const describeReference = (r: HostReference): string =>
  `host reference: ${r.msPerRound.toFixed(3)} ms per round (JSON parse+stringify and gzip -1 of the 412-transaction body on ${r.threads} threads at once; lower is a faster host)`;
