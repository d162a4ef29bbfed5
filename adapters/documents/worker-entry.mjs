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
  const result = kind === 'payslip' ? await reader.readPayslip(pdf, options) : await reader.readStatement(pdf, options);
  parentPort.postMessage({ result });
};
parentPort.postMessage({ ready: true });
if (workerData?.job) await run(workerData.job);
else parentPort.once('message', (job) => void run(job));
