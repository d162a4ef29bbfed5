/**
 * DOCUMENTS_OCR=reconciled: a statement read by OCR is kept only when its printed balances check every
 * figure read (src/services/documents.ts, ocrChecked). The reads here are real readings of a generated
 * text statement, marked as OCR's where the case needs it.
 */
import { expect } from 'chai';
import { readStatement } from '../../../adapters/documents/index.ts';
import type { StatementRead } from '../../../adapters/documents/types.ts';
import { ocrChecked } from '../../../src/services/documents.ts';
import { eightRowStatement } from '../../helpers/scans.ts';

describe('documents: a statement read by OCR must reconcile (ocrChecked)', () => {
  let text: StatementRead;
  before(async () => {
    const r = await readStatement(new Uint8Array((await eightRowStatement()).pdf));
    if (!r.ok) throw new Error(`the generated statement did not read: ${r.detail}`);
    text = r;
  });

  it('leaves a text-layer statement alone, reconciled or not', () => {
    expect(text.reconciliation.ok).to.equal(true);
    expect(ocrChecked(text)).to.equal(text);
    const broken: StatementRead = {
      ...text,
      reconciliation: { ...text.reconciliation, ok: false },
    };
    expect(ocrChecked(broken)).to.equal(broken);
  });

  it('keeps an OCR read whose printed balances all agree with the rows', () => {
    expect(text.reconciliation.balances_checked).to.be.above(0);
    const ocr: StatementRead = { ...text, ocr: true };
    expect(ocrChecked(ocr)).to.equal(ocr);
  });

  it('refuses an OCR read whose balances disagree, naming the page, as image_only', () => {
    const ocr: StatementRead = {
      ...text,
      ocr: true,
      reconciliation: {
        ...text.reconciliation,
        ok: false,
        breaks: [{ row: 2, kind: 'running_balance', expected: 115_851, printed: 111_851, page: 1 }],
      },
    };
    const r = ocrChecked(ocr);
    expect(r).to.include({ ok: false, reason: 'image_only' });
    if (r.ok) return;
    expect(r.detail).to.match(/read by OCR, but 1 printed balance\(s\) or total\(s\) disagree .* page 1/);
    expect(r.detail).to.match(/bank's own PDF/);
  });

  it('refuses an OCR read with no printed balance to check it against', () => {
    const ocr: StatementRead = {
      ...text,
      ocr: true,
      reconciliation: { ...text.reconciliation, balances_checked: 0 },
    };
    const r = ocrChecked(ocr);
    expect(r).to.include({ ok: false, reason: 'image_only' });
    if (!r.ok) expect(r.detail).to.match(/prints no running balance/);
  });
});
