/**
 * readInWorker: the same answer as in-thread; a deadline that terminates the worker; a memory ceiling
 * that a decompression bomb runs into; hostile structure refused; and the process reads on afterwards.
 */
import { expect } from 'chai';
import { readInWorker, readStatement } from '../../../adapters/documents/index.ts';
import { personaStatements } from '../../../tools/statements/personas.ts';
import { deepNesting, hugePageCount, textBomb } from './hostile.ts';

describe('documents: reading in a worker thread with limits', function () {
  this.timeout(120_000);
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

  it('a decompression bomb of text hits the memory ceiling (or the deadline), and the process reads on', async () => {
    const bomb = textBomb(1_000_000);
    expect(bomb.length).to.be.below(400_000);
    const r = await readInWorker(new Uint8Array(bomb), { maxOldGenerationSizeMb: 64, timeoutMs: 15_000 });
    expect(r.ok).to.equal(false);
    if (!r.ok) expect(['out_of_memory', 'timeout']).to.include(r.reason);
    const after = await readInWorker(good);
    expect(after.ok).to.equal(true);
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
});
