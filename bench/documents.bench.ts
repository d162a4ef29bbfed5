/**
 * Statement-reading benchmark: p50 (and p95) time of `readStatement` per statement of 1, 3 and 10 pages,
 * drawn by the generator (tools/statements) in three layouts from a seeded persona; the first read in
 * the process (pdf.js loading); and `readInWorker` (a fresh worker thread per document, as the job
 * runner will call it). The host reference is printed before and after, as the machine is shared.
 * Prints figures; never passes or fails.
 *
 *   npm run bench:documents              (everything)
 *   npm run bench:documents -- --http    (only the HTTP case: a 3-page statement to a completed assessment)
 */
import { at } from '../src/lib/narrow.ts';
import os from 'node:os';
import { DocumentWorkers, readInWorker, readStatement } from '../adapters/documents/index.ts';
import { personaRows } from '../tools/statements/personas.ts';
import { renderStatement, type StatementRow } from '../tools/statements/render.ts';
import { describeReference, hostReference } from './host.ts';
import { startBenchGateway } from '../test/helpers/gateway-process.ts';

const pct = (xs: number[], p: number) =>
  at(
    [...xs].sort((a, b) => a - b),
    Math.min(xs.length - 1, Math.floor(p * xs.length)),
    'sample',
  );
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

const rows: StatementRow[] = [
  ...personaRows('salaried_single_renter', 1),
  ...personaRows('couple_two_children_mortgage', 2),
].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));

/** A statement of exactly `pages` pages in a layout: the fewest rows that fill them. */
async function statementOf(layout: string, pages: number): Promise<{ pdf: Uint8Array; rows: number }> {
  let lo = 1;
  let hi = rows.length;
  const draw = async (n: number) => {
    const rs = rows.slice(0, n);
    return renderStatement({
      layout,
      holder: 'MR J EXAMPLE',
      sortCode: '20-45-77',
      accountNumber: '41234567',
      period: { start: at(rs, 0, 'row').date, end: at(rs, n - 1, 'row').date },
      opening_minor: 250_000,
      rows: rs,
    });
  };
  // The largest row count that still fits in `pages` pages.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if ((await draw(mid)).pages <= pages) lo = mid;
    else hi = mid - 1;
  }
  const r = await draw(lo);
  if (r.pages !== pages) throw new Error(`${layout}: cannot make ${pages} pages`);
  return { pdf: new Uint8Array(r.pdf), rows: lo };
}

console.log(
  `documents benchmark — node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), load ${at(os.loadavg(), 0, 'load average').toFixed(1)}`,
);
console.log(describeReference(await hostReference()));

/**
 * Over HTTP: a 3-page statement to a completed assessment — POST /assess/documents (JSON, base64), then
 * GET /jobs/{id} every 10 ms until the job has ended — against the gateway in its own process (its
 * sources, as the tests run it) on a fresh embedded database.
 */
async function httpCase(): Promise<void> {
  const s = await statementOf('barclays', 3);
  const gw = await startBenchGateway();
  try {
    const created = await gw.admin<{ api_key: string }>('POST', '/partners', {
      partner_id: 'benchdocs',
      tier: 'enterprise',
    });
    const headers = { 'x-partner-key': created.api_key, 'content-type': 'application/json' };
    const body = JSON.stringify({
      customer_ref: 'bench',
      bank_statements: [{ document: Buffer.from(s.pdf).toString('base64'), filename: 'statement.pdf' }],
    });
    const once = async () => {
      const t = process.hrtime.bigint();
      const res = await fetch(`${gw.base}/api/partner/v1/assess/documents`, {
        method: 'POST',
        headers,
        body,
      });
      const accepted = (await res.json()) as { job_id: string };
      if (res.status !== 202) throw new Error(`POST answered ${res.status} ${JSON.stringify(accepted)}`);
      const at202 = ms(t);
      for (;;) {
        const job = (await (
          await fetch(`${gw.base}/api/partner/v1/jobs/${accepted.job_id}`, { headers })
        ).json()) as { status: string; failures: unknown[] };
        if (job.status === 'completed') return { total: ms(t), at202 };
        if (job.status !== 'processing')
          throw new Error(`job ${job.status}: ${JSON.stringify(job.failures)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const first = await once();
    console.log(
      `\nover HTTP, a ${s.rows}-row 3-page statement to a completed assessment (POST /assess/documents → GET /jobs until completed)`,
    );
    console.log(`first job in the process (starts the reader's worker): ${first.total.toFixed(0)} ms`);
    const totals: number[] = [];
    const accepted: number[] = [];
    for (let i = 0; i < 15; i++) {
      const r = await once();
      totals.push(r.total);
      accepted.push(r.at202);
    }
    console.log(
      `completed: p50 ${pct(totals, 0.5).toFixed(0)} ms, p95 ${pct(totals, 0.95).toFixed(0)} ms; the 202: p50 ${pct(accepted, 0.5).toFixed(0)} ms (15 jobs, one at a time)`,
    );
  } finally {
    await gw.stop();
  }
}

if (process.argv.includes('--http')) {
  await httpCase();
  console.log(describeReference(await hostReference()));
  console.log('reproduce: npm run bench:documents -- --http');
  process.exit(0);
}

const first = await statementOf('barclays', 3);
let t0 = process.hrtime.bigint();
await readStatement(first.pdf);
console.log(
  `first read in a process (loads pdf.js; under tsx, which transforms it): ${ms(t0).toFixed(0)} ms`,
);

const RUNS = 15;
console.log('\nin-process, warm: per statement');
console.log('layout     pages  rows   p50 ms   p95 ms');
for (const layout of ['barclays', 'hsbc', 'lloyds']) {
  for (const pages of [1, 3, 10]) {
    const s = await statementOf(layout, pages);
    for (let i = 0; i < 3; i++) await readStatement(s.pdf);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      t0 = process.hrtime.bigint();
      const r = await readStatement(s.pdf);
      times.push(ms(t0));
      if (!r.ok || r.transactions.length !== s.rows)
        throw new Error(
          `${layout} ${pages}p: read ${r.ok ? r.transactions.length : r.reason} rows of ${s.rows}`,
        );
    }
    console.log(
      `${layout.padEnd(10)} ${String(pages).padStart(5)}  ${String(s.rows).padStart(4)}  ${pct(times, 0.5).toFixed(1).padStart(7)}  ${pct(times, 0.95).toFixed(1).padStart(7)}`,
    );
  }
}

console.log('\nreadInWorker (a fresh worker per document: start, load pdf.js and the reader, read, exit)');
console.log('pages   p50 ms   p95 ms   in-process read p50 ms (for comparison)');
for (const pages of [1, 3, 10]) {
  const s = await statementOf('barclays', pages);
  const times: number[] = [];
  const reads: number[] = [];
  for (let i = 0; i < 7; i++) {
    t0 = process.hrtime.bigint();
    const r = await readInWorker(s.pdf);
    times.push(ms(t0));
    if (!r.ok) throw new Error(`worker: ${r.reason}`);
    const t1 = process.hrtime.bigint();
    await readStatement(s.pdf);
    reads.push(ms(t1));
  }
  console.log(
    `${String(pages).padStart(5)}  ${pct(times, 0.5).toFixed(0).padStart(7)}  ${pct(times, 0.95).toFixed(0).padStart(7)}   ${pct(reads, 0.5).toFixed(0).padStart(7)}`,
  );
}

console.log(
  '\nDocumentWorkers (one worker started and warmed ahead; a document each time the spare is ready)',
);
console.log('pages   p50 ms   p95 ms');
const workers = new DocumentWorkers({ spares: 1 });
for (const pages of [1, 3, 10]) {
  const s = await statementOf('barclays', pages);
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    await workers.warm();
    t0 = process.hrtime.bigint();
    const r = await workers.read(s.pdf);
    times.push(ms(t0));
    if (!r.ok) throw new Error(`workers: ${r.reason}`);
  }
  console.log(
    `${String(pages).padStart(5)}  ${pct(times, 0.5).toFixed(0).padStart(7)}  ${pct(times, 0.95).toFixed(0).padStart(7)}`,
  );
}
await workers.close();
await httpCase();
console.log(describeReference(await hostReference()));
console.log('reproduce: npm run bench:documents');
