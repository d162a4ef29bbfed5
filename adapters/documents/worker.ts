/**
 * Reading in worker threads with a memory ceiling (V8's resourceLimits) and a deadline, so a hostile
 * PDF — deep nesting, a huge page tree, a decompression bomb — can at worst cost one worker: over the
 * heap limit the worker dies (`out_of_memory`), past the deadline it is terminated (`timeout`), and the
 * process goes on. One worker per document: nothing of one document's parse survives into the next.
 *
 * - `readInWorker(pdf, opts)`: starts a worker for the document (a start costs about a second on a
 *   loaded 2-core machine: pdf.js and the reader load in it).
 * - `DocumentWorkers`: keeps `spares` workers started and loaded ahead, so a document goes to a ready
 *   worker and only the read is on its path; each worker still reads one document and is terminated.
 */
import { Worker } from 'node:worker_threads';
import type { DocumentFailure, PayslipResult, ReadOptions, StatementResult } from './types.ts';

export interface WorkerLimits {
  /** Wall-clock time for the read, from when the worker has its document and its code loaded. Default 20 s. */
  timeoutMs?: number;
  /** The worker's old-generation heap, MB. Default 256. */
  maxOldGenerationSizeMb?: number;
  /** The worker's young generation, MB. Default 32. */
  maxYoungGenerationSizeMb?: number;
  /** Time allowed for a worker to start and load its code (not counted in `timeoutMs`). Default 60 s. */
  startTimeoutMs?: number;
  /**
   * A scan read by OCR (slow: seconds a page) gets this much more time per page, from when its OCR
   * starts, plus 15 s for OCR to load. Default: the read's `ocr.pageTimeoutMs`, else 30 s.
   */
  ocrPageTimeoutMs?: number;
}

export interface WorkerReadOptions extends ReadOptions, WorkerLimits {
  /** `statement` (default) or `payslip`. */
  kind?: 'statement' | 'payslip';
}

type Result = StatementResult | PayslipResult;
interface Job {
  kind: 'statement' | 'payslip';
  pdf: Uint8Array;
  options: ReadOptions;
}

const failure = (reason: DocumentFailure['reason'], detail: string): DocumentFailure => ({
  ok: false,
  reason,
  detail,
});

const DEFAULTS = {
  ocrPageTimeoutMs: 30_000,
  timeoutMs: 20_000,
  maxOldGenerationSizeMb: 256,
  maxYoungGenerationSizeMb: 32,
  startTimeoutMs: 60_000,
};

/** A started worker: `ready` settles when its code is loaded (or with the failure that stopped it). */
class Reader {
  readonly worker: Worker;
  readonly ready: Promise<DocumentFailure | null>;
  private result: (r: Result) => void = () => undefined;
  private timer: NodeJS.Timeout | undefined;
  private done = false;
  private job: Job | undefined;
  readonly finished: Promise<Result>;

  constructor(
    private readonly limits: Required<WorkerLimits>,
    job?: Job,
  ) {
    this.job = job;
    this.worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), {
      // The entry loads what it needs itself; the parent's loaders (tsx) would only slow pdf.js down.
      execArgv: [],
      workerData: job ? { job } : {},
      resourceLimits: {
        maxOldGenerationSizeMb: limits.maxOldGenerationSizeMb,
        maxYoungGenerationSizeMb: limits.maxYoungGenerationSizeMb,
        stackSizeMb: 4,
      },
      stdout: false,
      stderr: false,
    });
    // A spare waiting for a document must not keep the process alive.
    if (!job) this.worker.unref();
    this.finished = new Promise<Result>((resolve) => (this.result = resolve));
    let readyResolve!: (f: DocumentFailure | null) => void;
    this.ready = new Promise((r) => (readyResolve = r));
    this.timer = setTimeout(
      () => this.finish(failure('timeout', `the reader did not start within ${limits.startTimeoutMs} ms`)),
      limits.startTimeoutMs,
    );
    void this.finished.then((r) => readyResolve(r.ok ? null : r));
    this.worker.on('message', (m: { ready?: boolean; result?: Result; ocr?: number }) => {
      if (m.ready) {
        clearTimeout(this.timer);
        readyResolve(null);
        if (job) this.deadline();
      } else if (m.result) this.finish(m.result);
      else if (typeof m.ocr === 'number' && !this.done) {
        // A scan: OCR's time per page (its own per-page limit holds inside) on top of the deadline.
        const perPage = this.job?.options.ocr ? this.job.options.ocr.pageTimeoutMs : undefined;
        clearTimeout(this.timer);
        this.deadline(15_000 + Math.min(m.ocr, 50) * (perPage ?? limits.ocrPageTimeoutMs));
      }
    });
    this.worker.on('error', (e: Error & { code?: string }) => {
      if (e.code === 'ERR_WORKER_OUT_OF_MEMORY')
        this.finish(
          failure(
            'out_of_memory',
            `reading needed more than the ${limits.maxOldGenerationSizeMb} MB allowed; the document may be hostile or damaged`,
          ),
        );
      else
        this.finish(failure('worker_failed', `the reader failed: ${(e.message ?? String(e)).slice(0, 200)}`));
    });
    this.worker.on('exit', (code) =>
      this.finish(failure('worker_failed', `the reader stopped (exit code ${code}) without an answer`)),
    );
  }

  private deadline(extra = 0): void {
    const ms = this.limits.timeoutMs + extra;
    this.timer = setTimeout(
      () =>
        this.finish(
          failure('timeout', `reading took longer than ${ms} ms; the document may be hostile or damaged`),
        ),
      ms,
    );
  }

  /** Gives a ready worker its document. */
  send(job: Job): Promise<Result> {
    this.job = job;
    this.worker.ref();
    this.worker.postMessage(job);
    this.deadline();
    return this.finished;
  }

  finish(r: Result): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    void this.worker.terminate();
    this.result(r);
  }
}

const limitsOf = (o: WorkerLimits): Required<WorkerLimits> => ({
  timeoutMs: o.timeoutMs ?? DEFAULTS.timeoutMs,
  maxOldGenerationSizeMb: o.maxOldGenerationSizeMb ?? DEFAULTS.maxOldGenerationSizeMb,
  maxYoungGenerationSizeMb: o.maxYoungGenerationSizeMb ?? DEFAULTS.maxYoungGenerationSizeMb,
  startTimeoutMs: o.startTimeoutMs ?? DEFAULTS.startTimeoutMs,
  ocrPageTimeoutMs: o.ocrPageTimeoutMs ?? DEFAULTS.ocrPageTimeoutMs,
});

const split = (opts: WorkerReadOptions) => {
  const {
    timeoutMs,
    maxOldGenerationSizeMb,
    maxYoungGenerationSizeMb,
    startTimeoutMs,
    ocrPageTimeoutMs,
    kind = 'statement',
    onOcr,
    ...options
  } = opts;
  // The worker reports a scan's OCR itself; a function cannot be sent to it.
  void [timeoutMs, maxOldGenerationSizeMb, maxYoungGenerationSizeMb, startTimeoutMs, ocrPageTimeoutMs, onOcr];
  return { kind, options };
};

/** Reads one document in a new worker thread with the limits given. */
export function readInWorker(
  pdf: Uint8Array,
  opts: WorkerReadOptions & { kind: 'payslip' },
): Promise<PayslipResult>;
export function readInWorker(pdf: Uint8Array, opts?: WorkerReadOptions): Promise<StatementResult>;
export function readInWorker(pdf: Uint8Array, opts: WorkerReadOptions = {}): Promise<Result> {
  const { kind, options } = split(opts);
  return new Reader(limitsOf(opts), { kind, pdf, options }).finished;
}

/**
 * Workers started ahead of the documents: `read` hands a document to a ready worker (starting one when
 * none is spare) and starts a replacement. Same limits and answers as `readInWorker`. `close()` ends the
 * spares; reads in progress finish.
 */
export class DocumentWorkers {
  private readonly limits: Required<WorkerLimits>;
  private readonly spares: Reader[] = [];
  private closed = false;

  constructor(opts: WorkerLimits & { spares?: number } = {}) {
    this.limits = limitsOf(opts);
    for (let i = 0; i < (opts.spares ?? 1); i++) this.spares.push(new Reader(this.limits));
  }

  read(
    pdf: Uint8Array,
    opts: Omit<WorkerReadOptions, keyof WorkerLimits> & { kind: 'payslip' },
  ): Promise<PayslipResult>;
  read(pdf: Uint8Array, opts?: Omit<WorkerReadOptions, keyof WorkerLimits>): Promise<StatementResult>;
  async read(pdf: Uint8Array, opts: Omit<WorkerReadOptions, keyof WorkerLimits> = {}): Promise<Result> {
    if (this.closed) return failure('worker_failed', 'the document workers are closed');
    const { kind, options } = split(opts);
    let reader = this.spares.shift() ?? new Reader(this.limits);
    reader.worker.ref();
    // The replacement starts when this read is over: started beside it, it would take the cores the
    // read needs (a worker's start is several reads' worth of work).
    const replace = () => {
      if (!this.closed) this.spares.push(new Reader(this.limits));
    };
    // A spare that died while it waited is replaced once by a fresh worker.
    if (await reader.ready) {
      reader = new Reader(this.limits);
      const failed = await reader.ready;
      if (failed) {
        replace();
        return failed;
      }
    }
    const result = await reader.send({ kind, pdf, options });
    replace();
    return result;
  }

  /** Resolves when every spare worker has loaded its code (e.g. before the first document, at start-up). */
  async warm(): Promise<void> {
    await Promise.all(this.spares.map((r) => r.ready));
  }

  /** Terminates the spare workers. */
  async close(): Promise<void> {
    this.closed = true;
    const spares = this.spares.splice(0);
    for (const r of spares) r.finish(failure('worker_failed', 'closed'));
    await Promise.all(spares.map((r) => r.worker.terminate()));
  }
}
