/**
 * OCR accuracy and cost on scanned statements with known truth: each bank layout's statement of a month
 * (tools/statements, from a seeded persona) scanned (tools/statements/scan.ts) under two conditions — a
 * good office scan (300 dpi, ±0.5° skew, light noise, grey paper) and a poor one (200 dpi, ±1° skew, more
 * noise, more JPEG loss) — and read back by `readStatement`, which OCRs a PDF with no text layer.
 *
 * Prints, per condition: transactions read exactly (date, signed amount — so direction — and the
 * description's words), transactions whose date and amount are exact, statements that reconcile,
 * statements read wholly exactly, OCR time per page (p50/p95) and per statement; then a 3-page scan read
 * through `readInWorker` (time, and the process RSS it adds). Never passes or fails.
 *
 *   npm run bench:ocr                      every layout (about 10 minutes on a loaded 2-core machine)
 *   npm run bench:ocr -- --layouts barclays,hsbc --conditions good
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { readInWorker, readStatement } from '../adapters/documents/index.ts';
import type { StatementRead } from '../adapters/documents/types.ts';
import { BANK_LAYOUTS } from '../tools/statements/layouts.ts';
import { personaStatements } from '../tools/statements/personas.ts';
import type { TruthRow } from '../tools/statements/render.ts';
import { scanPdf, type ScanOptions } from '../tools/statements/scan.ts';
import { describeReference, hostReference } from './host.ts';

const CONDITIONS: Record<string, ScanOptions> = {
  good: { dpi: 300, skewDeg: 0.5, noise: 8, paper: 238, quality: 85 },
  poor: { dpi: 200, skewDeg: 1, noise: 14, paper: 226, quality: 70 },
};

const { values } = parseArgs({
  options: {
    layouts: { type: 'string' },
    conditions: { type: 'string', default: 'good,poor' },
    persona: { type: 'string', default: 'salaried_single_renter' },
    month: { type: 'string', default: '2026-05' },
  },
});
const layouts = values.layouts ? values.layouts.split(',') : BANK_LAYOUTS;
const conditions = values.conditions.split(',');

const pct = (xs: number[], p: number) =>
  xs.length ? ([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? 0) : 0;
const words = (s: string | undefined) => (s ?? '').split(/\s+/).filter(Boolean).join(' ');
const key = (t: { date: string; amount_minor: number; description?: string }) =>
  `${t.date}|${t.amount_minor}|${words(t.description)}`;
const dateAmount = (t: { date: string; amount_minor: number }) => `${t.date}|${t.amount_minor}`;

/** How many of the truth's rows the read has, by a key, each counted once (multiset intersection). */
function matched(
  truth: TruthRow[],
  read: StatementRead,
  k: (t: { date: string; amount_minor: number; description?: string }) => string,
): number {
  const want = new Map<string, number>();
  for (const t of truth) want.set(k(t), (want.get(k(t)) ?? 0) + 1);
  let n = 0;
  for (const t of read.transactions) {
    const c = want.get(k(t)) ?? 0;
    if (c) {
      n++;
      want.set(k(t), c - 1);
    }
  }
  return n;
}

console.log(
  `OCR benchmark — node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), load ${os.loadavg()[0]?.toFixed(1)}`,
);
console.log(describeReference(await hostReference()));
console.log(`persona ${values.persona}, ${values.month}; layouts: ${layouts.join(' ')}`);

const summary: string[] = [];
for (const cond of conditions) {
  const scan = CONDITIONS[cond];
  if (!scan) throw new Error(`unknown condition ${cond}`);
  console.log(`\n${cond}: ${JSON.stringify(scan)}`);
  console.log(
    'layout        pages  rows  exact  date+amt  reconciles  breaks  word conf  confidence  ms/page (each)',
  );
  let rows = 0;
  let exact = 0;
  let dateAmt = 0;
  let reconciled = 0;
  let whole = 0;
  let statements = 0;
  const pageMs: number[] = [];
  const readMs: number[] = [];
  for (const bank of layouts) {
    const [s] = await personaStatements({
      bank,
      persona: values.persona as Parameters<typeof personaStatements>[0]['persona'],
      months: [values.month],
    });
    if (!s) continue;
    const pdf = new Uint8Array(await scanPdf(new Uint8Array(s.pdf), scan));
    const t0 = performance.now();
    const r = await readStatement(pdf, { ocr: { maxPages: 10 } });
    readMs.push(performance.now() - t0);
    statements++;
    const truth = s.truth.transactions;
    rows += truth.length;
    if (!r.ok) {
      console.log(`${bank.padEnd(12)} ${String(s.pages).padStart(5)}  ${r.reason}: ${r.detail}`);
      continue;
    }
    const e = matched(truth, r, key);
    const da = matched(truth, r, dateAmount);
    exact += e;
    dateAmt += da;
    if (r.reconciliation.ok) reconciled++;
    if (e === truth.length && r.transactions.length === truth.length) whole++;
    pageMs.push(...(r.ocr_quality?.ms_per_page ?? []));
    console.log(
      `${bank.padEnd(12)} ${String(s.pages).padStart(5)}  ${String(truth.length).padStart(4)}  ${String(e).padStart(5)}  ${String(da).padStart(8)}  ${String(r.reconciliation.ok).padStart(10)}  ${String(r.reconciliation.breaks.length).padStart(6)}  ${String(r.ocr_quality?.word_confidence ?? '-').padStart(9)}  ${String(r.confidence).padStart(10)}  ${(r.ocr_quality?.ms_per_page ?? []).join(' ')}`,
    );
  }
  const line = `${cond}: ${statements} statements, ${rows} transactions — exact ${((100 * exact) / rows).toFixed(1)}%, date+amount exact ${((100 * dateAmt) / rows).toFixed(1)}%, reconcile ${reconciled}/${statements}, wholly exact ${whole}/${statements}; ms per page p50 ${pct(pageMs, 0.5).toFixed(0)} p95 ${pct(pageMs, 0.95).toFixed(0)}; per statement p50 ${pct(readMs, 0.5).toFixed(0)} ms`;
  console.log(line);
  summary.push(line);
}
// A 3-page scan through the worker, as the gateway reads uploads, and the memory it adds: the process's
// RSS (the worker thread and tesseract's own thread are in it) sampled every 20 ms during the read, against
// the same right after a text statement's read in a worker.
const [w] = await personaStatements({ bank: 'hsbc', persona: 'salaried_single_renter', months: ['2026-05'] });
if (w) {
  const pdf = new Uint8Array(await scanPdf(new Uint8Array(w.pdf), CONDITIONS.good));
  await readInWorker(new Uint8Array(w.pdf));
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  const r = await readInWorker(pdf, { ocr: {} });
  clearInterval(sampler);
  console.log(
    `\nreadInWorker on a ${w.pages}-page good scan (hsbc): ${(performance.now() - t0).toFixed(0)} ms, ${r.ok ? `${r.transactions.length}/${w.truth.transactions.length} rows, reconciles ${r.reconciliation.ok}` : `${r.reason}: ${r.detail}`}; process RSS ${(rssBefore / 2 ** 20).toFixed(0)} MB before, peak ${(rssPeak / 2 ** 20).toFixed(0)} MB during (+${((rssPeak - rssBefore) / 2 ** 20).toFixed(0)} MB)`,
  );
}
console.log('\n' + summary.join('\n'));
console.log(describeReference(await hostReference()));
console.log('reproduce: npm run bench:ocr');
