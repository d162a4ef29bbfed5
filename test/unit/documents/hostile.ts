/**
 * Hand-built hostile PDFs (raw PDF syntax, ISO 32000-1 7.5): a text bomb (a small compressed content
 * stream that inflates to millions of text operators), a page tree that claims a huge page count, and
 * operands nested far deeper than any real document.
 */
import { deflateSync } from 'node:zlib';

function assemble(objects: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let len = parts[0]!.length;
  objects.forEach((o, i) => {
    offsets.push(len);
    const b = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
      typeof o === 'string' ? Buffer.from(o, 'latin1') : o,
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    parts.push(b);
    len += b.length;
  });
  const xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${len}\n%%EOF\n`;
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}

function stream(content: Buffer): Buffer {
  const z = deflateSync(content, { level: 9 });
  return Buffer.concat([
    Buffer.from(`<< /Length ${z.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'),
    z,
    Buffer.from('\nendstream', 'latin1'),
  ]);
}

const page = (contents: string, count = 1) => [
  '<< /Type /Catalog /Pages 2 0 R >>',
  `<< /Type /Pages /Kids [3 0 R] /Count ${count} >>`,
  `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents ${contents} >>`,
  '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
];

/** `n` text-showing operators in a stream that compresses to a few hundred kilobytes at most. */
export function textBomb(n: number): Buffer {
  const op = Buffer.from('BT /F1 8 Tf 40 400 Td (01 May 12.00 1,234.56) Tj ET\n', 'latin1');
  const content = Buffer.alloc(op.length * n);
  for (let i = 0; i < n; i++) op.copy(content, i * op.length);
  return assemble([...page('5 0 R'), stream(content)]);
}

/** A page tree that says it has `count` pages. */
export function hugePageCount(count: number): Buffer {
  return assemble([
    ...page('5 0 R', count),
    stream(Buffer.from('BT /F1 8 Tf 40 400 Td (Hello) Tj ET', 'latin1')),
  ]);
}

/** A content stream whose operand arrays nest `depth` deep. */
export function deepNesting(depth: number): Buffer {
  return assemble([
    ...page('5 0 R'),
    stream(
      Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)} pop BT /F1 8 Tf 40 400 Td (x) Tj ET`, 'latin1'),
    ),
  ]);
}
