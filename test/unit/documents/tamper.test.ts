/**
 * Signs of tampering a reader can see cheaply, each on a statement that is otherwise sound: an editor's
 * metadata, a modification long after creation, an incremental update, an amount in another font, a
 * figure drawn over another. None stops the read; each lowers the confidence.
 */
import { expect } from 'chai';
import { readStatement } from '../../../adapters/documents/index.ts';
import type { StatementRead } from '../../../adapters/documents/types.ts';
import { personaStatements } from '../../../tools/statements/personas.ts';
import { renderStatement } from '../../../tools/statements/render.ts';
import { appendIncrementalUpdate } from './draw.ts';

async function readOk(pdf: Buffer): Promise<StatementRead> {
  const r = await readStatement(new Uint8Array(pdf));
  if (!r.ok) expect.fail(`${r.reason}: ${r.detail}`);
  return r;
}

const ROWS = [
  { date: '2026-06-01', description: 'SO FOXTONS RENT FLAT 2', amount_minor: 85_000 },
  { date: '2026-06-02', description: 'CARD PAYMENT TO TESCO STORES 3297 ON 02 JUN', amount_minor: 4_512 },
  { date: '2026-06-03', description: 'CARD PAYMENT TO GREGGS PLC ON 03 JUN', amount_minor: 385 },
  { date: '2026-06-05', description: 'DD EE LIMITED', amount_minor: 3_500 },
  { date: '2026-06-10', description: 'CARD PAYMENT TO SHELL ESSO ON 10 JUN', amount_minor: 5_000 },
  { date: '2026-06-25', description: 'BGC ACME LOGISTICS LTD SALARY', amount_minor: -235_000 },
];
const spec = {
  layout: 'santander' as const,
  holder: 'MR T EXAMPLE',
  sortCode: '09-01-28',
  accountNumber: '12345678',
  period: { start: '2026-06-01', end: '2026-06-30' },
  opening_minor: 120_000,
  rows: ROWS,
};

describe('documents: tamper signals', function () {
  this.timeout(180_000);

  it('a clean statement has none and full confidence', async () => {
    const r = await readOk((await renderStatement(spec)).pdf);
    expect(r.tamper_signals).to.deep.equal([]);
    expect(r.confidence).to.equal(0.97);
  });

  it('an editor named in the producer (the statement still reads and reconciles)', async () => {
    const r = await readOk(
      (await renderStatement({ ...spec, producer: 'Adobe Acrobat Pro DC 23.1.20093' })).pdf,
    );
    expect(r.tamper_signals.map((t) => t.code)).to.deep.equal(['editor_metadata']);
    expect(r.reconciliation.ok).to.equal(true);
    expect(r.confidence).to.be.below(0.97);
  });

  it('modified a day after it was created', async () => {
    const r = await readOk(
      (
        await renderStatement({
          ...spec,
          created: new Date('2026-07-01T18:00:00Z'),
          modified: new Date('2026-07-02T20:15:00Z'),
        })
      ).pdf,
    );
    expect(r.tamper_signals.map((t) => t.code)).to.deep.equal(['modified_after_creation']);
  });

  it('an incremental update appended by an editor', async () => {
    const edited = appendIncrementalUpdate((await renderStatement(spec)).pdf, 'PDF-XChange Editor 9.5');
    const r = await readOk(edited);
    expect(r.tamper_signals.map((t) => t.code).sort()).to.deep.equal([
      'editor_metadata',
      'incremental_update',
    ]);
    expect(r.metadata.producer).to.equal('PDF-XChange Editor 9.5');
  });

  it('one amount in a different font from the rest of the column: the row is named', async () => {
    const r = await readOk((await renderStatement({ ...spec, faults: { fontRow: 3 } })).pdf);
    const sig = r.tamper_signals.find((t) => t.code === 'font_change_in_column');
    expect(sig?.rows).to.deep.equal([3]);
    expect(r.transactions[3]!.amount_minor).to.equal(3_500);
  });

  it('a balance covered over and retyped: text drawn over text', async () => {
    const r = await readOk(
      (await renderStatement({ ...spec, faults: { overprint: { row: 4, text: '2,035.03' } } })).pdf,
    );
    expect(r.tamper_signals.map((t) => t.code)).to.include('overlapping_text');
  });

  it('a persona month with one balance made up: impossible running balance, named by row', async () => {
    const [s] = await personaStatements({
      bank: 'tsb',
      persona: 'gig_worker',
      months: ['2026-07'],
      faults: { balance: { row: 7, by: 10_000 } },
    });
    const r = await readOk(s!.pdf);
    expect(r.reconciliation.ok).to.equal(false);
    expect(r.reconciliation.breaks.map((b) => b.row)).to.deep.equal([7, 8]);
    expect(r.tamper_signals.find((t) => t.code === 'impossible_running_balance')?.rows).to.deep.equal([7]);
    expect(r.confidence).to.be.below(0.5);
  });
});
