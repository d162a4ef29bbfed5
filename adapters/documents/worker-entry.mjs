// The worker thread's entry (plain JavaScript on purpose): it loads pdf.js before any TypeScript
// loader is registered, because a loader that transforms pdf.js's 2 MB bundles makes every worker's
// start take seconds. Then the reader itself: compiled JavaScript when a build exists beside this
// file, else the TypeScript sources through tsx (as `npm start` runs the gateway).
// It reads one document — given in workerData, or sent once it has said it is ready — and is then
// terminated by its parent.
import { existsSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

globalThis.pdfjsWorker = await import('pdfjs-dist/legacy/build/pdf.worker.min.mjs');
await import('pdfjs-dist/legacy/build/pdf.min.mjs');
let reader;
if (existsSync(new URL('./read.js', import.meta.url))) reader = await import('./read.js');
else {
  const { register } = await import('tsx/esm/api');
  register();
  reader = await import('./read.ts');
}
const run = async ({ kind, pdf, options }) => {
  // A scan's OCR is slow: the parent extends the deadline by its pages when it starts.
  const onOcr = (pages) => parentPort.postMessage({ ocr: pages });
  const result =
    kind === 'payslip'
      ? await reader.readPayslip(pdf, options)
      : await reader.readStatement(pdf, { ...options, onOcr });
  parentPort.postMessage({ result });
};
if (workerData?.job) {
  parentPort.postMessage({ ready: true });
  await run(workerData.job);
} else {
  // A spare: read a built-in statement first, so the first real document meets compiled code, not a cold
  // isolate (this takes a read's worth of time at start-up, off the document's path).
  await reader.readStatement(warmUpPdf(), {}).catch(() => undefined);
  parentPort.postMessage({ ready: true });
  parentPort.once('message', (job) => void run(job));
}

/**
 * A two-page statement of 100 rows in raw PDF syntax (no cross-reference table: pdf.js indexes the
 * objects): enough reading for V8 to compile the reader's hot paths before the first real document.
 */
function warmUpPdf() {
  const at = (x, y, t) => `1 0 0 1 ${x} ${y} Tm (${t}) Tj`;
  const money = (p) => `${Math.floor(p / 100)}.${String(p % 100).padStart(2, '0')}`;
  let balance = 500_000;
  const page = (n) => {
    const parts = [
      at(40, 760, 'Statement 01 May 2026 to 31 May 2026'),
      at(40, 700, 'Date'),
      at(100, 700, 'Description'),
      at(360, 700, 'Paid out'),
      at(430, 700, 'Paid in'),
      at(500, 700, 'Balance'),
    ];
    for (let i = 0; i < 50; i++) {
      const amount = 100 + ((i * 7919 + n * 31) % 9000);
      balance -= amount;
      const y = 686 - i * 12;
      parts.push(
        at(40, y, `${String(1 + (Math.floor(i / 2) % 28)).padStart(2, '0')} May`),
        at(100, y, `CARD PAYMENT TO SHOP ${i} ON ${1 + (i % 28)} MAY`),
        at(370, y, money(amount)),
        at(500, y, money(balance)),
      );
    }
    return `BT /F1 9 Tf ${parts.join(' ')} ET`;
  };
  const contents = [page(1), page(2)];
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 6 0 R >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 7 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    ...contents.map((c) => `<< /Length ${c.length} >>\nstream\n${c}\nendstream`),
  ];
  const text = `%PDF-1.4\n${objects.map((o, i) => `${i + 1} 0 obj\n${o}\nendobj\n`).join('')}trailer\n<< /Root 1 0 R /Size ${objects.length + 1} >>\n%%EOF\n`;
  return new Uint8Array(Buffer.from(text, 'latin1'));
}
