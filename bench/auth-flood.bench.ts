/**
 * Auth-flood benchmark: starts the gateway as its own process (embedded database, production settings),
 * provisions a partner and one assessment, and measures the partner's evidence read (GET
 * /assessment/{id}/evidence: a gunzip on libuv's thread pool, which bcrypt shares) quiet and then while 32
 * concurrent guessers send wrong keys for that partner's slug as fast as the gateway answers. Also
 * prints the time of a wrong key with an unknown slug against one with a known slug (a timing oracle
 * for which partners exist). Targets 127.0.0.1 only, bounded in time; prints figures, never fails.
 *
 *   node --import tsx bench/auth-flood.bench.ts
 *   FLOOD_SECONDS=10 QUIET_SECONDS=4 GUESSERS=32 GW_ENV='AUTH_BCRYPT_CONCURRENCY=1' node --import tsx bench/auth-flood.bench.ts
 */
import { at } from '../src/lib/narrow.ts';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { startBenchGateway } from '../test/helpers/gateway-process.ts';
import { benchBody } from './load.ts';

const QUIET_SECONDS = Number(process.env.QUIET_SECONDS ?? 4);
const FLOOD_SECONDS = Number(process.env.FLOOD_SECONDS ?? 10);
const GUESSERS = Number(process.env.GUESSERS ?? 32);
const TIMING_SAMPLES = Number(process.env.TIMING_SAMPLES ?? 8);

const GUESSER = `
const { parentPort, workerData } = require('node:worker_threads');
const { randomBytes } = require('node:crypto');
const { url, slug, until, guessers } = workerData;
const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const guess = () => 'prt_' + slug + '_' + [...randomBytes(32)].map((b) => abc[b % 62]).join('');
const statuses = {};
const one = async () => {
  while (Date.now() < until) {
    let s = 0;
    try {
      const res = await fetch(url, { headers: { 'x-partner-key': guess() } });
      await res.arrayBuffer();
      s = res.status;
    } catch {}
    statuses[s] = (statuses[s] || 0) + 1;
  }
};
Promise.all(Array.from({ length: guessers }, one)).then(() => parentPort.postMessage(statuses));
`;

const pct = (xs: number[], p: number) =>
  xs.length
    ? at(
        [...xs].sort((a, b) => a - b),
        Math.min(xs.length - 1, Math.floor((p / 100) * xs.length)),
        'sample',
      )
    : NaN;
const base62 = (n: number) => {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(n)].map((b) => abc[b % 62]).join('');
};

async function timed(url: string, key: string): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { 'x-partner-key': key } });
  await res.arrayBuffer();
  return { ms: performance.now() - t0, status: res.status };
}

/** A valid partner's sequential requests until `until`; their latencies. */
async function validLoop(url: string, key: string, until: number): Promise<{ ms: number[]; bad: number }> {
  const ms: number[] = [];
  let bad = 0;
  while (Date.now() < until) {
    const r = await timed(url, key);
    if (r.status !== 200) bad++;
    ms.push(r.ms);
  }
  return { ms, bad };
}

async function main() {
  const extra = Object.fromEntries(
    (process.env.GW_ENV ?? '')
      .split(' ')
      .filter(Boolean)
      .map((kv) => kv.split('=', 2) as [string, string]),
  );
  const gw = await startBenchGateway({
    env: { NODE_ENV: 'production', LOG_LEVEL: 'warn', ...extra },
    nodeArgs: (process.env.GW_NODE_ARGS ?? '').split(' ').filter(Boolean),
  });
  try {
    const { api_key: key } = await gw.admin<{ api_key: string }>('POST', '/partners', {
      partner_id: 'floodbank',
      tier: 'enterprise',
      monthly_quota: 1_000_000,
    });
    const assess = await fetch(`${gw.base}/api/partner/v1/assess`, {
      method: 'POST',
      headers: { 'x-partner-key': key, 'content-type': 'application/json' },
      body: benchBody(412),
    });
    if (!assess.ok) throw new Error(`assess: ${assess.status} ${await assess.text()}`);
    const { assessment_id: id } = (await assess.json()) as { assessment_id: string };
    const url = `${gw.base}/api/partner/v1/assessment/${id}/evidence`;
    console.log(
      `auth-flood benchmark — node ${process.version}, ${os.cpus().length} cores; ${GUESSERS} guessers, quiet ${QUIET_SECONDS} s, flood ${FLOOD_SECONDS} s; gateway env ${JSON.stringify(extra)}`,
    );

    // Timing oracle: a wrong key for an unknown slug against one for a known slug (few samples, so the
    // failure limit is not reached here).
    const unknown: number[] = [];
    const known: number[] = [];
    for (let i = 0; i < TIMING_SAMPLES; i++) {
      unknown.push((await timed(url, `prt_nosuchbank${i}_${base62(32)}`)).ms);
      known.push((await timed(url, `prt_floodbank_${base62(32)}`)).ms);
    }
    console.log(
      `wrong key, unknown slug: median ${pct(unknown, 50).toFixed(1)} ms; known slug: median ${pct(known, 50).toFixed(1)} ms (ratio ${(pct(known, 50) / pct(unknown, 50)).toFixed(2)})`,
    );

    await timed(url, key); // warm the key
    const quiet = await validLoop(url, key, Date.now() + QUIET_SECONDS * 1000);
    console.log(
      `quiet:      ${quiet.ms.length} valid requests, p50 ${pct(quiet.ms, 50).toFixed(1)} ms, p99 ${pct(quiet.ms, 99).toFixed(1)} ms, non-200 ${quiet.bad}`,
    );

    // The guessers run on their own event loop (a worker thread), so that their work does not delay the
    // valid client's reading of its answers in this one.
    const until = Date.now() + FLOOD_SECONDS * 1000;
    const worker = new Worker(GUESSER, {
      eval: true,
      workerData: {
        url: process.env.GUESS_PATH ? gw.base + process.env.GUESS_PATH : url,
        slug: 'floodbank',
        until,
        guessers: GUESSERS,
      },
    });
    const statusesP = new Promise<Record<string, number>>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const flood = await validLoop(url, key, until);
    const statuses = await statusesP;
    console.log(
      `under flood: ${flood.ms.length} valid requests, p50 ${pct(flood.ms, 50).toFixed(1)} ms, p99 ${pct(flood.ms, 99).toFixed(1)} ms, max ${Math.max(...flood.ms).toFixed(0)} ms, non-200 ${flood.bad}`,
    );
    console.log(`guesses by status: ${JSON.stringify(statuses)}`);
    console.log(`p99 under flood / quiet p99: ${(pct(flood.ms, 99) / pct(quiet.ms, 99)).toFixed(1)}×`);
  } finally {
    await gw.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
