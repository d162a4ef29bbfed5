/**
 * The hand-made statements (test/fixtures/documents/edge-cases.ts): the exact transactions and the exact
 * reconciliation each one's paper gives — a year boundary, multi-line narratives, CR/DR, a corrupted
 * running balance, a printed total that does not add up.
 */
import { expect } from 'chai';
import { readStatement } from '../../../adapters/documents/index.ts';
import { EDGE_CASES } from '../../fixtures/documents/edge-cases.ts';
import { drawStatement } from './draw.ts';

describe('documents: hand-made statements from public descriptions', function () {
  this.timeout(180_000);
  for (const f of EDGE_CASES) {
    it(f.name, async () => {
      const read = await readStatement(new Uint8Array(await drawStatement(f)));
      if (!read.ok) expect.fail(`${read.reason}: ${read.detail}`);
      expect(read.bank).to.equal(f.expect.bank);
      expect(read.period).to.deep.equal(f.expect.period);
      expect(
        read.transactions.map((t) => [t.date, t.amount_minor, t.description, t.balance_minor ?? null]),
      ).to.deep.equal(f.expect.transactions);
      expect(read.opening_balance_minor).to.equal(f.expect.opening);
      expect(read.closing_balance_minor).to.equal(f.expect.closing);
      expect(
        read.reconciliation.breaks.map(({ row, kind, expected, printed }) => ({
          row,
          kind,
          expected,
          printed,
        })),
      ).to.deep.equal(f.expect.breaks);
      expect(read.reconciliation.ok).to.equal(f.expect.breaks.length === 0);
      expect(read.tamper_signals.map((t) => t.code)).to.deep.equal(f.expect.tamper ?? []);
      if (f.expect.breaks.length) {
        expect(read.confidence).to.be.below(0.5);
        expect(read.warnings.join(' ')).to.match(/does not reconcile/);
      } else expect(read.confidence).to.be.at.least(0.85);
    });
  }

  it('the corrupted balance is located: the tamper signal names the row, and the breaks carry the page', async () => {
    const f = EDGE_CASES.find((e) => e.name.startsWith('a corrupted running balance'))!;
    const read = await readStatement(new Uint8Array(await drawStatement(f)));
    if (!read.ok) expect.fail(read.detail);
    expect(read.tamper_signals[0]!.rows).to.deep.equal([2]);
    expect(read.reconciliation.breaks.every((b) => b.page === 1)).to.equal(true);
    expect(read.transactions[2]!.description).to.equal('DIRECT DEBIT PAYMENT TO EE LIMITED');
  });

  it('the same statements drawn one character at a time read the same', async () => {
    for (const f of EDGE_CASES) {
      const whole = await readStatement(new Uint8Array(await drawStatement(f)));
      const glyphs = await readStatement(new Uint8Array(await drawStatement(f, { perGlyph: true })));
      if (!whole.ok || !glyphs.ok) expect.fail(`${f.name}: unreadable`);
      expect(
        glyphs.transactions.map((t) => [t.date, t.amount_minor, t.description, t.balance_minor]),
      ).to.deep.equal(
        whole.transactions.map((t) => [t.date, t.amount_minor, t.description, t.balance_minor]),
      );
      expect(glyphs.reconciliation.breaks).to.deep.equal(whole.reconciliation.breaks);
    }
  });
});
