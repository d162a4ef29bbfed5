/**
 * Third-party analyses benchmark: the gateway (its own process, embedded database) against each
 * provider's local simulator running at (nearly) zero latency and processing time, so that what is
 * measured is the gateway's own cost of a polled analysis: for BENCH_N analyses per provider, one after
 * another, the wall time from the request to the `assessment.completed` webhook (a local receiver), the gateway
 * process's CPU per analysis (from /proc), the polls it made, and the upstream calls per analysis. The
 * reference is a plain `POST /assess` of the same transactions (the engine and the store without a
 * provider): the difference is the polling mechanism's and the provider client's share. Loopback only;
 * bounded; stops by itself.
 *
 *   npm run bench:thirdparty            (BENCH_N=30 analyses per provider)
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { at } from '../src/lib/narrow.ts';
import { startBenchGateway, type BenchGateway } from '../test/helpers/gateway-process.ts';
import { sampleSource, startDecisioningSimulator } from '../tools/simulators/decisioning-api.ts';
import {
  personaDocuments,
  SIM_API_KEY,
  startDocumentApiSimulator,
} from '../tools/simulators/document-api.ts';
import { personaSource, startLegacyProviderSimulator } from '../tools/simulators/legacy-provider.ts';
import { startValidifiSimulator } from '../tools/simulators/validifi.ts';

const N = Number(process.env.BENCH_N ?? 30);
const TICK_MS = 1000 / 100; // USER_HZ

/** CPU milliseconds the process has used (user + system), from /proc/<pid>/stat. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

const median = (xs: number[]) =>
  at(
    [...xs].sort((a, b) => a - b),
    Math.floor(xs.length / 2),
    'sample',
  );
const sum = (o: object) => Object.values(o).reduce((s: number, v) => s + (typeof v === 'number' ? v : 0), 0);

interface Sim {
  url: string;
  counts: object;
  stop(): Promise<void>;
}

async function main() {
  if (!process.env.BENCH_QUIET)
    console.log(`host: ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(2)}`);
  const gw: BenchGateway = await startBenchGateway({
    env: { ANALYSIS_POLL_SCALE: '0.0001', ALLOW_PRIVATE_WEBHOOKS: 'true' },
  });
  const pid = gw.pid ?? 0;
  const rows: string[][] = [];
  let expected = 0;
  let stopReceiver = () => Promise.resolve();
  try {
    // Each assessment's end is its webhook (the client does not poll, so its polls cost the gateway nothing).
    let delivered = 0;
    const wake = new Set<() => void>();
    const receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        delivered++;
        for (const w of wake) w();
        res.end('ok');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    stopReceiver = () => new Promise<void>((r) => receiver.close(() => r()));
    const { port } = receiver.address() as AddressInfo;
    const delivery = (n: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no webhook within 60 s')), 60_000);
        const check = () => {
          if (delivered >= n) {
            clearTimeout(timer);
            wake.delete(check);
            resolve();
          }
        };
        wake.add(check);
        check();
      });
    const created = await gw.admin<{ api_key: string }>('POST', '/partners', {
      partner_id: 'benchtp',
      tier: 'enterprise',
      monthly_quota: 1_000_000,
      webhook_url: `http://127.0.0.1:${port}/hook`,
    });
    const headers = { 'x-partner-key': created.api_key, 'content-type': 'application/json' };
    const now = new Date();

    const measure = async (name: string, sim: Sim | undefined, body: string, polled: boolean) => {
      const walls: number[] = [];
      const before = cpuMs(pid);
      expected = delivered;
      const calls0 = sim ? sum(sim.counts) : 0;
      for (let i = 0; i < N; i++) {
        const t = performance.now();
        const r = await fetch(`${gw.base}/api/partner/v1/assess`, { method: 'POST', headers, body });
        const text = await r.text();
        if (r.status !== (polled ? 202 : 200)) throw new Error(`${name}: ${r.status} ${text}`);
        await delivery(++expected);
        walls.push(performance.now() - t);
      }
      const cpu = (cpuMs(pid) - before) / N;
      const calls = sim ? (sum(sim.counts) - calls0) / N : 0;
      const total = walls.reduce((a, b) => a + b, 0) / N;
      rows.push([
        name,
        median(walls).toFixed(0),
        total.toFixed(0),
        cpu.toFixed(1),
        polled ? calls.toFixed(1) : '—',
      ]);
    };

    // The reference: the same transactions as plain /assess (after a warm-up: worker threads, JIT).
    const good = sampleSource('good', 1, now);
    const plain = JSON.stringify({ customer_ref: 'b', transactions: good.transactions });
    for (let i = 0; i < 10; i++)
      await (
        await fetch(`${gw.base}/api/partner/v1/assess`, { method: 'POST', headers, body: plain })
      ).text();
    await delivery(10);
    await measure(
      'POST /assess (reference)',
      undefined,
      JSON.stringify({ customer_ref: 'b', transactions: good.transactions }),
      false,
    );

    const dec = await startDecisioningSimulator({ timeScale: 0.0001, latencyMs: 0 });
    await gw.admin('PUT', '/partners/benchtp/providers/decisioning_api', {
      client_id: dec.clientId,
      client_secret: dec.clientSecret,
      base_url: dec.url,
    });
    await measure('decisioning_api', dec, JSON.stringify({ customer_ref: 'b', source: good }), true);
    await dec.stop();

    const doc = await startDocumentApiSimulator({ timeScale: 0.0001 });
    await gw.admin('PUT', '/partners/benchtp/providers/document_api', {
      api_key: SIM_API_KEY,
      base_url: doc.url,
    });
    const statements = await personaDocuments('salaried_single_renter', {
      months: ['2026-08', '2026-09', '2026-10'],
    });
    const docBody = JSON.stringify({
      customer_ref: 'b',
      source: {
        type: 'document_api',
        currency_code: 'GBP',
        bank_statements: statements.map((d) => ({ document: d.document, filename: d.filename })),
      },
    });
    await measure('document_api (3 statements)', doc, docBody, true);
    await doc.stop();

    const leg = await startLegacyProviderSimulator({ timeScale: 0.0001, latencyMs: 0 });
    await gw.admin('PUT', '/partners/benchtp/providers/legacy_provider', {
      username: 'sim-user',
      password: 'sim-pass',
      base_url: leg.url,
      redirect_url: 'https://lender.example/done',
    });
    await measure(
      'legacy_provider',
      leg,
      JSON.stringify({
        customer_ref: 'b',
        source: { type: 'legacy_provider', ...personaSource('salaried_single_renter') },
      }),
      true,
    );
    await leg.stop();

    const vfi = await startValidifiSimulator({ timeScale: 0.0001 });
    await gw.admin('PUT', '/partners/benchtp/providers/validifi', {
      client_id: vfi.clientId,
      client_secret: vfi.clientSecret,
      environment: 'custom',
      base_url: vfi.url,
    });
    await measure(
      'validifi_insights (BankLOGIN+, AffordAI)',
      vfi,
      JSON.stringify({
        customer_ref: 'b',
        source: {
          type: 'validifi_insights',
          product: 'BankLOGIN+',
          account_token: 'sim-salaried_single_renter-1',
          affordai: true,
        },
      }),
      true,
    );
    await vfi.stop();
  } finally {
    await gw.stop();
    await stopReceiver();
  }
  console.log(
    `\n${N} analyses per provider, one at a time; simulators at ~zero latency (ANALYSIS_POLL_SCALE=0.0001)`,
  );
  console.log(
    '| what | p50 wall, request → webhook (ms) | mean wall (ms) | gateway CPU per analysis (ms) | upstream calls per analysis |',
  );
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log('\nreproduce: npm run bench:thirdparty  (BENCH_N to change the count)');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
