/**
 * Documents that cannot be read each get their own reason: not a PDF, corrupt, encrypted, image-only,
 * not a statement, too many pages, too large. A PDF protected only by an owner password (no password
 * to open) is read.
 */
import { expect } from 'chai';
import { readStatement } from '../../../adapters/documents/index.ts';
import { EDGE_CASES } from '../../fixtures/documents/edge-cases.ts';
import { drawStatement, pdfOf, png } from './draw.ts';

const read = (b: Buffer | Uint8Array, o = {}) => readStatement(new Uint8Array(b), o);

describe('documents: documents that cannot be read', function () {
  this.timeout(180_000);

  it('not a PDF: a CSV, a PNG, an empty file', async () => {
    expect(await read(Buffer.from('Date,Description,Amount\n2026-05-01,TESCO,12.00\n'))).to.include({
      ok: false,
      reason: 'not_pdf',
    });
    expect(await read(png(10, 10))).to.include({ ok: false, reason: 'not_pdf' });
    expect(await read(Buffer.alloc(0))).to.include({ ok: false, reason: 'not_pdf' });
  });

  it('corrupt: a PDF header followed by noise', async () => {
    const noise = Buffer.concat([
      Buffer.from('%PDF-1.7\n'),
      Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 251)),
    ]);
    const r = await read(noise);
    expect(r).to.include({ ok: false, reason: 'corrupt' });
  });

  it('encrypted: a password is needed to open it', async () => {
    const r = await read(await drawStatement(EDGE_CASES[0]!, { password: 'letmein' }));
    expect(r).to.include({ ok: false, reason: 'encrypted' });
    if (!r.ok) expect(r.detail).to.match(/password/);
    const ownerOnly = await read(await drawStatement(EDGE_CASES[0]!, { ownerPassword: 'owner-secret' }));
    expect(ownerOnly).to.include({ ok: true });
    if (ownerOnly.ok) expect(ownerOnly.warnings.join(' ')).to.match(/owner password only/);
  });

  it('image-only: a scanned page (an image and no text layer)', async () => {
    const scan = await pdfOf((doc) => {
      doc.addPage();
      doc.image(png(600, 840), 0, 0, { width: 595 });
      doc.addPage();
      doc.image(png(600, 840), 0, 0, { width: 595 });
    });
    const r = await read(scan);
    expect(r).to.include({ ok: false, reason: 'image_only' });
  });

  it('not a statement: a letter with dates and amounts but no transaction table', async () => {
    const letter = await pdfOf((doc) => {
      doc.addPage();
      doc.font('Helvetica').fontSize(10);
      const lines = [
        'Dear Mr Example,',
        'Your overdraft limit changes on 1 June 2026.',
        'The new limit is £500.00 and the interest rate is 39.9% EAR.',
        'Balance on 28 May 2026: £120.00',
        'Yours sincerely,',
        'Customer Services',
      ];
      lines.forEach((l, i) => doc.text(l, 60, 100 + i * 16, { lineBreak: false }));
    });
    expect(await read(letter)).to.include({ ok: false, reason: 'not_a_statement' });
  });

  it('too many pages: 51 pages against the limit of 50 (and a lower limit when asked)', async () => {
    const long = await pdfOf((doc) => {
      for (let i = 0; i < 51; i++) {
        doc.addPage();
        doc.fontSize(10).text(`Page ${i + 1}`, 60, 60, { lineBreak: false });
      }
    });
    expect(await read(long)).to.include({ ok: false, reason: 'too_many_pages' });
    const three = await drawStatement(EDGE_CASES[0]!);
    expect(await read(three, { maxPages: 1 })).to.include({ ok: true });
  });

  it('too large: more bytes than allowed', async () => {
    const pdf = await drawStatement(EDGE_CASES[0]!);
    expect(await read(pdf, { maxBytes: 1000 })).to.include({ ok: false, reason: 'too_large' });
  });
});
