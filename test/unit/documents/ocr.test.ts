/**
 * Scanned statements (issue 13, item 5). Statements drawn by the generator in two layouts are scanned
 * (tools/statements/scan.ts: 300 dpi, a half-degree skew, grey paper, noise, JPEG) into PDFs with no text
 * layer, and read back:
 *
 * - by default a scan is refused (`image_only`), and the detail says why;
 * - with `ocr` asked for, OCR reads it through the same table reader: dates and signed amounts nearly all
 *   exact, descriptions mostly, the result marked (`ocr`, a lower confidence, a warning naming OCR);
 * - a scan with a smudged digit (a misread OCR cannot avoid) is caught by the balance chain at that row;
 * - the page cap is checked before any OCR, and the worker reads a scan with its deadline extended.
 *
 * OCR takes seconds a page on this 2-core machine: these tests have a generous timeout.
 */
import { expect } from 'chai';
import { readInWorker, readStatement } from '../../../adapters/documents/index.ts';
import type { StatementRead } from '../../../adapters/documents/types.ts';
import { personaStatements } from '../../../tools/statements/personas.ts';
import type { Rendered, TruthRow } from '../../../tools/statements/render.ts';
import { eightRowStatement, SMUDGED_ROW, smudgedScan } from '../../helpers/scans.ts';
import { scanPdf, type ScanOptions } from '../../../tools/statements/scan.ts';

const SCAN: ScanOptions = { dpi: 300, skewDeg: 0.5, noise: 8, paper: 238, quality: 85 };

/** How many truth rows the read has by a key, each counted once. */
function matched(truth: TruthRow[], read: StatementRead, key: (t: TruthRow) => string): number {
  const want = new Map<string, number>();
  for (const t of truth) want.set(key(t), (want.get(key(t)) ?? 0) + 1);
  let n = 0;
  for (const t of read.transactions) {
    const k = key({ date: t.date, amount_minor: t.amount_minor, description: t.description ?? '' });
    const c = want.get(k) ?? 0;
    if (c) {
      n++;
      want.set(k, c - 1);
    }
  }
  return n;
}
const dateAmount = (t: TruthRow) => `${t.date}|${t.amount_minor}`;
const whole = (t: TruthRow) => `${t.date}|${t.amount_minor}|${t.description.split(/\s+/).join(' ')}`;

describe('documents: scanned (image-only) statements and OCR', function () {
  this.timeout(300_000);
  const scans: { bank: string; text: Rendered; scan: Uint8Array }[] = [];
  let smudged: { scan: Uint8Array; truth: Rendered; row: number };
  let onePage: { truth: Rendered; scan: Uint8Array };

  before(async () => {
    for (const bank of ['barclays', 'monzo']) {
      const [text] = await personaStatements({
        bank,
        persona: 'salaried_single_renter',
        months: ['2026-05'],
      });
      if (text)
        scans.push({ bank, text, scan: new Uint8Array(await scanPdf(new Uint8Array(text.pdf), SCAN)) });
    }
    // One page of eight rows, scanned clean and with a smudge over the first digit of row 2's amount
    // ("42.50" scans as "2.50", or as something that is no amount).
    const few = await eightRowStatement();
    onePage = { truth: few, scan: new Uint8Array(await scanPdf(new Uint8Array(few.pdf), SCAN)) };
    smudged = { truth: few, row: SMUDGED_ROW, scan: await smudgedScan(few, SCAN) };
  });

  it('refuses a scan by default (image_only), saying why', async () => {
    const first = scans[0];
    if (!first) expect.fail('no scan was made');
    const r = await readStatement(first.scan);
    expect(r).to.include({ ok: false, reason: 'image_only' });
    if (!r.ok) expect(r.detail).to.match(/no text layer.*OCR misreads/);
  });

  for (const bank of ['barclays', 'monzo']) {
    it(`${bank}: with OCR asked for, reads the scan through the same table reader and marks it`, async () => {
      const s = scans.find((x) => x.bank === bank);
      if (!s) expect.fail('no scan was made');
      const r = await readStatement(s.scan, { ocr: {} });
      if (!r.ok) expect.fail(`${r.reason}: ${r.detail}`);
      const truth = s.text.truth;
      expect(r.ocr).to.equal(true);
      expect(r.bank).to.equal(bank);
      expect(r.period).to.deep.equal(truth.period);
      expect(r.account).to.deep.equal({ sort_code: '20-45-77', last4: '7919', holder: 'MRS SARAH AHMED' });
      // What OCR reaches here (bench/ocr.bench.ts measures it over every layout): nearly every date and
      // signed amount, and most descriptions word for word.
      const n = truth.transactions.length;
      expect(r.transactions.length).to.be.within(n - 2, n + 2);
      expect(matched(truth.transactions, r, dateAmount)).to.be.at.least(Math.floor(0.95 * n));
      expect(matched(truth.transactions, r, whole)).to.be.at.least(Math.floor(0.9 * n));
      expect(r.warnings[0]).to.match(/^read by OCR from a scan \(2 pages, OCR word confidence \d+%\)/);
      const q = r.ocr_quality;
      if (!q) expect.fail('no ocr_quality');
      expect(q.pages).to.equal(2);
      expect(q.ms_per_page).to.have.length(2);
      expect(q.word_confidence).to.be.within(0.5, 1);
      // At most 0.9 of the text reader's confidence, times OCR's word confidence.
      const text = await readStatement(new Uint8Array(s.text.pdf));
      if (!text.ok) expect.fail(text.detail);
      expect(r.confidence).to.be.at.most(Math.round(text.confidence * 0.9 * q.word_confidence * 100) / 100);
      if (!r.reconciliation.ok) expect(r.confidence).to.be.at.most(0.5);
      expect(r.tamper_signals.map((t) => t.code)).to.not.include('impossible_running_balance');
    });
  }

  it('a smudged digit (a misread OCR cannot avoid) breaks the balance chain at that row', async () => {
    if (!smudged) expect.fail('no smudged scan was made');
    const r = await readStatement(smudged.scan, { ocr: {} });
    if (!r.ok) expect.fail(`${r.reason}: ${r.detail}`);
    const want = smudged.truth.truth.transactions[smudged.row];
    if (!want) expect.fail('no smudged row');
    // The smudged amount is not read as printed …
    const same = r.transactions.filter((t) => t.date === want.date && t.amount_minor === want.amount_minor);
    expect(same).to.have.length(0);
    // … and the chain says where: a break on page 1 within a row of it.
    expect(r.reconciliation.ok).to.equal(false);
    const near = r.reconciliation.breaks.filter(
      (b) => b.page === 1 && b.row !== null && Math.abs(b.row - smudged.row) <= 1,
    );
    expect(near.length).to.be.at.least(1);
    expect(r.confidence).to.be.at.most(0.5);
    expect(r.warnings.join(' ')).to.match(/does not reconcile/);
  });

  it('refuses a scan of more pages than ocr.maxPages before any OCR', async () => {
    const first = scans[0];
    if (!first) expect.fail('no scan was made');
    const t0 = performance.now();
    const r = await readStatement(first.scan, { ocr: { maxPages: 1 } });
    expect(r).to.include({ ok: false, reason: 'image_only' });
    if (!r.ok) expect(r.detail).to.match(/scan of 2 pages.*up to 1 page/);
    expect(performance.now() - t0).to.be.below(10_000);
  });

  it('readInWorker reads a scan by OCR past a 5 s deadline (extended by OCR time per page), as in-thread', async () => {
    const [w, t] = [
      await readInWorker(onePage.scan, { ocr: {}, timeoutMs: 5_000 }),
      await readStatement(onePage.scan, { ocr: {} }),
    ];
    if (!w.ok || !t.ok) expect.fail(`${w.ok ? '' : w.detail} ${t.ok ? '' : t.detail}`);
    expect(w.ocr).to.equal(true);
    expect(w.transactions.map((x) => [x.date, x.amount_minor])).to.deep.equal(
      t.transactions.map((x) => [x.date, x.amount_minor]),
    );
    // Nearly every amount as printed (OCR may miss one of eight; the chain would say so).
    expect(matched(onePage.truth.truth.transactions, w, dateAmount)).to.be.at.least(7);
    if (!w.reconciliation.ok) expect(w.confidence).to.be.at.most(0.5);
  });
});
