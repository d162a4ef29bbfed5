/**
 * The worst event-loop block while the gateway takes hostile `/assess` bodies (issue 17, defect 4):
 * a 4 MB body with an Idempotency-Key, a deeply nested body with a key, and 100,000 labelled rows.
 * In-process gateway on PGlite (memory), loopback only; each body sent 3 times, one at a time.
 * node --import tsx bench/event-loop-block.bench.ts (the client runs in the same process, so its own
 * work — sending, parsing and contract-checking the answer — and PGlite, which runs on the main thread,
 * are in the figures too).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openDb } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { call, createPartner, startGateway } from '../test/helpers/gateway.ts';
import { benchmarkHistory } from '../tools/personas/personas.ts';

const db = await openDb({ dataDir: 'memory://' });
await migrate(db);
const g = await startGateway(db, { BODY_LIMIT: '8mb' });
g.clock.now = new Date('2026-11-05T12:00:00Z');
const p = await createPartner(g.url, 'blockbench', { monthly_quota: 1000 });

// ~4 MB: 10,000 transactions with long narratives.
const txs = benchmarkHistory(10_000).map((t) => ({ ...t, description: `${t.description ?? ''} ${'X'.repeat(300)}`.slice(0, 1000) }));
const big = JSON.stringify({ customer_ref: 'big', transactions: txs });
const deep = `{"customer_ref":"c","transactions":[],"circumstances":{"vulnerabilities":${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}}`;
const row = '{"amount":"x"}';
const many = `{"customer_ref":"c","source":{"type":"labelled_transactions","accounts":[${Array.from({ length: 10 }, (_, i) => `{"account":"a${i}","transactions":[${Array(10_000).fill(row).join(',')}]}`).join(',')}]}}`;

for (const [name, body] of [['4 MB body + Idempotency-Key', big], ['2 MB nesting + Idempotency-Key', deep], ['100,000 labelled rows', many]] as const) {
  for (let i = 0; i < 3; i++) {
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    const t0 = performance.now();
    const r = await call(g.url, 'POST', '/api/partner/v1/assess', { key: p.key, raw: body, headers: { 'idempotency-key': `k-${name.length}-${i}-${Date.now()}` } }).catch((e) => ({ status: `error ${(e as Error).message}`, body: {} }));
    h.disable();
    console.log(`${name} (${(body.length / 1e6).toFixed(1)} MB) #${i + 1}: ${r.status} ${(r.body as { code?: string }).code ?? ''} in ${Math.round(performance.now() - t0)} ms; worst event-loop block ${(h.max / 1e6).toFixed(1)} ms, p99 ${(h.percentile(99) / 1e6).toFixed(1)} ms`);
  }
}
await g.stop();
await db.close?.();
process.exit(0);
