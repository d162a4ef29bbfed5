/**
 * `readInWorker`: a reader run in its own worker thread with a memory ceiling (V8's resourceLimits) and a
 * deadline, so a hostile PDF — deep nesting, a huge page tree, a decompression bomb — can at worst cost
 * one worker: over the heap limit the worker dies (`out_of_memory`), past the deadline it is terminated
 * (`timeout`), and the process goes on. One worker per document: nothing of one document's parse
 * survives into the next.
 */
import { Worker } from 'node:worker_threads';
import type { DocumentFailure, PayslipResult, ReadOptions, StatementResult } from './types.ts';

export interface WorkerLimits {
  /** Wall-clock time for the read, from when the worker has loaded its code. Default 20 s. */
  timeoutMs?: number;
  /** The worker's old-generation heap, MB. Default 256. */
  maxOldGenerationSizeMb?: number;
  /** The worker's young generation, MB. Default 32. */
  maxYoungGenerationSizeMb?: number;
  /** Time allowed for the worker to start and load its code (not counted in `timeoutMs`). Default 60 s. */
  startTimeoutMs?: number;
}

export interface WorkerReadOptions extends ReadOptions, WorkerLimits {
  /** `statement` (default) or `payslip`. */
  kind?: 'statement' | 'payslip';
}

const failure = (reason: DocumentFailure['reason'], detail: string): DocumentFailure => ({ ok: false, reason, detail });

export function readInWorker(pdf: Uint8Array, opts: WorkerReadOptions & { kind: 'payslip' }): Promise<PayslipResult>;
export function readInWorker(pdf: Uint8Array, opts?: WorkerReadOptions): Promise<StatementResult>;
export function readInWorker(pdf: Uint8Array, opts: WorkerReadOptions = {}): Promise<StatementResult | PayslipResult> {
  const { timeoutMs = 20_000, maxOldGenerationSizeMb = 256, maxYoungGenerationSizeMb = 32, startTimeoutMs = 60_000, kind = 'statement', ...options } = opts;
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
      // The entry loads what it needs itself; the parent's loaders (tsx) would only slow pdf.js down.
      execArgv: [],
      workerData: { kind, pdf, options },
      resourceLimits: { maxOldGenerationSizeMb, maxYoungGenerationSizeMb, stackSizeMb: 4 },
      stdout: false,
      stderr: false,
    });
    const finish = (r: StatementResult | PayslipResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    timer = setTimeout(() => finish(failure('timeout', `the worker did not start within ${startTimeoutMs} ms`)), startTimeoutMs);
    worker.on('message', (m: { ready?: boolean; result?: StatementResult | PayslipResult }) => {
      if (m.ready) {
        clearTimeout(timer);
        timer = setTimeout(() => finish(failure('timeout', `reading took longer than ${timeoutMs} ms; the document may be hostile or damaged`)), timeoutMs);
      } else if (m.result) finish(m.result);
    });
    worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY') finish(failure('out_of_memory', `reading needed more than the ${maxOldGenerationSizeMb} MB allowed; the document may be hostile or damaged`));
      else finish(failure('worker_failed', `the reader failed: ${(e.message ?? String(e)).slice(0, 200)}`));
    });
    worker.on('exit', (code) => finish(failure('worker_failed', `the reader stopped (exit code ${code}) without an answer`)));
  });
}
