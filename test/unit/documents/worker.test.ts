/**
 * readInWorker: the same answer as in-thread; a deadline that terminates the worker; a memory ceiling
 * that a decompression bomb runs into; hostile structure refused; and the process reads on afterwards.
 */
import { expect } from 'chai';
import { DocumentWorkers, readInWorker, readStatement } from '../../../adapters/documents/index.ts';
import { personaStatements } from '../../../tools/statements/personas.ts';
import { deepNesting, hugePageCount, textBomb } from './hostile.ts';

describe('documents: reading in a worker thread with limits', function () {
  this.timeout(180_000);
  let good: Uint8Array;
  before(async () => {
    const [s] = await personaStatements({ bank: 'lloyds', persona: 'gig_worker', months: ['2026-06'] });
    good = new Uint8Array(s!.pdf);
  });

  it('gives the same reading as the in-thread reader', async () => {
    const [inWorker, inThread] = await Promise.all([readInWorker(good), readStatement(good)]);
    expect(inWorker).to.deep.equal(inThread);
    expect(inWorker.ok).to.equal(true);
  });

  it('terminates a read that passes its deadline', async () => {
    const r = await readInWorker(good, { timeoutMs: 1 });
    expect(r).to.include({ ok: false, reason: 'timeout' });
  });

  it('a decompression bomb of text (300,000 text operators, 15 MB inflated from 46 KB) hits the memory ceiling, and the process reads on', async () => {
    const bomb = textBomb(300_000);
    expect(bomb.length).to.be.below(100_000);
    const r = await readInWorker(new Uint8Array(bomb), { maxOldGenerationSizeMb: 32, timeoutMs: 90_000 });
    expect(r).to.include({ ok: false, reason: 'out_of_memory' });
    expect((await readInWorker(good)).ok).to.equal(true);
  });

  it('a larger bomb with room to grow is cut off at the deadline', async () => {
    // A million text operators: a minute's work here, far more than 2 s on any machine.
    const r = await readInWorker(new Uint8Array(textBomb(1_000_000)), {
      maxOldGenerationSizeMb: 1024,
      timeoutMs: 2_000,
    });
    expect(r).to.include({ ok: false, reason: 'timeout' });
  });

  it('a page tree claiming 100,000 pages costs one page (pdf.js counts the pages that exist)', async () => {
    const r = await readInWorker(new Uint8Array(hugePageCount(100_000)), { timeoutMs: 10_000 });
    expect(r).to.include({ ok: false, reason: 'not_a_statement' });
  });

  it('operands nested 200,000 deep do not crash the reader', async () => {
    const r = await readInWorker(new Uint8Array(deepNesting(200_000)), { timeoutMs: 10_000 });
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(['not_a_statement', 'corrupt']).to.include(r.reason);
  });

  it('reads a payslip when asked to', async () => {
    const r = await readInWorker(good, { kind: 'payslip' });
    expect(r).to.include({ ok: false, reason: 'not_a_payslip' });
  });

  describe('DocumentWorkers: workers started ahead, one per document', () => {
    let workers: DocumentWorkers;
    before(() => {
      workers = new DocumentWorkers({ spares: 1, timeoutMs: 20_000 });
    });
    after(() => workers.close());

    it('reads documents one after another with the same answers as in-thread', async () => {
      const expected = await readStatement(good);
      for (let i = 0; i < 3; i++) expect(await workers.read(good)).to.deep.equal(expected);
    });

    it('reads documents given at once (more than the spares)', async () => {
      const results = await Promise.all([
        workers.read(good),
        workers.read(good, { kind: 'payslip' }),
        workers.read(new Uint8Array(Buffer.from('not a pdf'))),
      ]);
      expect(results.map((r) => (r.ok ? 'ok' : r.reason))).to.deep.equal(['ok', 'not_a_payslip', 'not_pdf']);
    });

    it('a document past its deadline costs its worker only', async () => {
      const quick = new DocumentWorkers({ spares: 1, timeoutMs: 1 });
      try {
        expect(await quick.read(good)).to.include({ ok: false, reason: 'timeout' });
      } finally {
        await quick.close();
      }
      expect((await workers.read(good)).ok).to.equal(true);
    });

    it('refuses work once closed', async () => {
      const w = new DocumentWorkers({ spares: 1 });
      await w.close();
      expect(await w.read(good)).to.include({ ok: false, reason: 'worker_failed' });
    });
  });
});
