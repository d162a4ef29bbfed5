/**
 * Engine benchmark: median and p95 time of `assess()` for 412, 2,000 and 10,000 transactions built from
 * the seeded personas, and the heap one assessment adds. Prints figures; never passes or fails.
 *
 *   npm run bench            (node --import tsx --expose-gc bench/engine.bench.ts)
 */
import { at } from '../src/lib/narrow.ts';
import os from 'node:os';
import { assess } from '../src/engine/index.ts';
import { fromVeqtrx, type Transaction } from '../src/model/index.ts';
import { benchmarkHistory } from '../tools/personas/personas.ts';

const history = (n: number): Transaction[] => benchmarkHistory(n).map((t) => fromVeqtrx(t));

const now = new Date('2026-11-02T09:00:00Z');
const gc = globalThis.gc; // with --expose-gc
const pct = (xs: number[], p: number) =>
  at(
    [...xs].sort((a, b) => a - b),
    Math.min(xs.length - 1, Math.floor(p * xs.length)),
    'sample',
  );

console.log(
  `engine benchmark — node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'})`,
);
console.log('size      runs   median ms   p95 ms   heap added MB');
for (const [n, runs] of [
  [412, 400],
  [2000, 150],
  [10000, 40],
] as const) {
  const input = { transactions: history(n), now, declared_income_minor: 250_000 };
  for (let i = 0; i < Math.min(30, runs); i++) assess(input); // warm up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    assess(input);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const kept = assess(input);
  const added = (process.memoryUsage().heapUsed - before) / 1024 / 1024;
  void kept;
  console.log(
    `${String(n).padEnd(9)} ${String(runs).padEnd(6)} ${pct(times, 0.5).toFixed(2).padStart(9)}   ${pct(times, 0.95).toFixed(2).padStart(6)}   ${gc ? added.toFixed(1).padStart(6) : '  (run with --expose-gc)'}`,
  );
}
console.log('reproduce: npm run bench');
