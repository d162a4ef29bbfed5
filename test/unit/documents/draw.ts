/**
 * A plain text plotter for the hand-made fixtures: puts each string where the fixture says, nothing
 * more (no layout knowledge, unlike tools/statements). Also the odd documents: an image-only page, a
 * letter, a document with too many pages, and an incremental update appended to a finished PDF.
 */
import { deflateSync } from 'node:zlib';
import PDFDocument from 'pdfkit';
import type { Cell, DrawnStatement } from '../../fixtures/documents/edge-cases.ts';

export function pdfOf(
  build: (doc: PDFKit.PDFDocument) => void,
  options: PDFKit.PDFDocumentOptions = {},
): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 0, autoFirstPage: false, ...options });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  build(doc);
  doc.end();
  return done;
}

let glyphs = false;

/** Puts a string at x; with `glyphs`, one text object per character, as some statement systems draw text. */
function put(doc: PDFKit.PDFDocument, [x, text, align]: Cell, y: number): void {
  const x0 = align === 'r' ? x - doc.widthOfString(text) : x;
  if (!glyphs) {
    doc.text(text, x0, y, { lineBreak: false });
    return;
  }
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== ' ')
      doc.text(text[i]!, x0 + doc.widthOfString(text.slice(0, i)), y, { lineBreak: false });
  }
}

export async function drawStatement(
  f: DrawnStatement,
  extra: { producer?: string; password?: string; ownerPassword?: string; perGlyph?: boolean } = {},
): Promise<Buffer> {
  const font = f.font ?? 'Helvetica';
  const bold = font === 'Courier' ? 'Courier-Bold' : font === 'Times-Roman' ? 'Times-Bold' : 'Helvetica-Bold';
  const size = f.size ?? 8.5;
  const producer = extra.producer ?? f.producer ?? 'Statement Services';
  glyphs = !!extra.perGlyph;
  try {
    return await pdfOf(
      (doc) => {
        doc.addPage();
        doc.font(font).fontSize(size);
        let y = 40;
        for (const line of f.top) {
          if (typeof line === 'string') put(doc, [40, line], y);
          else for (const c of line) put(doc, c, y);
          y += size * 1.6;
        }
        y += size;
        doc.font(bold);
        f.header.forEach((h, i) => put(doc, [f.columns[i]![0], h, f.columns[i]![1]], y));
        doc.font(font);
        y += size * 1.6;
        for (const row of f.rows) {
          row.forEach((t, i) => {
            if (t) put(doc, [f.columns[i]![0], t, f.columns[i]![1]], y);
          });
          y += size * 1.45;
        }
        doc.fontSize(6);
        (f.bottom ?? []).forEach((b, i) => put(doc, [40, b], 790 + i * 9));
      },
      {
        info: { Producer: producer, Creator: producer },
        ...(extra.password
          ? { userPassword: extra.password, ownerPassword: `${extra.password}!`, pdfVersion: '1.7' as const }
          : {}),
        ...(extra.ownerPassword
          ? {
              ownerPassword: extra.ownerPassword,
              permissions: { printing: 'highResolution' as const },
              pdfVersion: '1.7' as const,
            }
          : {}),
      },
    );
  } finally {
    glyphs = false;
  }
}

/** A greyscale PNG of w×h pixels with a few dark bands: what a scanner gives, as far as a PDF can tell. */
export function png(w: number, h: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b: Buffer) => {
    let c = 0xffffffff;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const c = Buffer.alloc(4);
    c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const raw = Buffer.alloc((w + 1) * h, 0xff);
  for (let y = 0; y < h; y++) {
    raw[y * (w + 1)] = 0;
    if (y % 24 < 6) for (let x = 40; x < w - 40; x++) raw[y * (w + 1) + 1 + x] = (x * 7 + y) % 50;
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Appends an incremental update to a finished PDF (ISO 32000-1, 7.5.6): a new Info dictionary, a
 * cross-reference section for it and a trailer pointing back at the previous one. What an editor's
 * "save" does to a file it changed.
 */
export function appendIncrementalUpdate(pdf: Buffer, producer: string): Buffer {
  const text = pdf.toString('latin1');
  const prev = Number(/startxref\s+(\d+)\s+%%EOF\s*$/.exec(text)![1]);
  const size = Number(/\/Size (\d+)/.exec(text)![1]);
  const root = /\/Root (\d+ \d+ R)/.exec(text)![1];
  const obj = size;
  const body = `${obj} 0 obj\n<< /Producer (${producer}) /ModDate (D:20260601120000Z) >>\nendobj\n`;
  const objOffset = pdf.length + 1;
  const xrefOffset = objOffset + Buffer.byteLength(body, 'latin1');
  const xref = `xref\n${obj} 1\n${String(objOffset).padStart(10, '0')} 00000 n \ntrailer\n<< /Size ${obj + 1} /Root ${root} /Info ${obj} 0 R /Prev ${prev} >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.concat([pdf, Buffer.from(`\n${body}${xref}`, 'latin1')]);
}

/** Lines of cells at given baselines (hand-made documents other than statements). */
export function drawLines(
  lines: [y: number, cells: Cell[]][],
  opts: { font?: string; size?: number; producer?: string } = {},
): Promise<Buffer> {
  return pdfOf(
    (doc) => {
      doc.addPage();
      doc.font(opts.font ?? 'Helvetica').fontSize(opts.size ?? 9);
      for (const [y, cells] of lines) for (const c of cells) put(doc, c, y);
    },
    { info: { Producer: opts.producer ?? 'Payroll', Creator: opts.producer ?? 'Payroll' } },
  );
}
