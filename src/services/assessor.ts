/**
 * Where the engine runs: a pool of worker threads (piscina) by default, so that assessments use the
 * machine's other cores and the event loop stays free for HTTP and the database; or inline
 * (ASSESS_THREADS=0). Both give identical results: the engine is pure. With the pool, a small job that
 * finds no other job in the pool runs on the event loop all the same (see PooledAssessor).
 */
import { Piscina } from 'piscina';
import type { AssessJob, AssessJobResult } from '../workers/assess.ts';
import { ownBuffer } from '../lib/owned-bytes.ts';

export type { AssessJob, AssessJobResult };

export interface RunOptions {
  /**
   * Move the job's bytes (the body, the stored evidence) to the worker rather than copy them (a 4 MB
   * body cost the event loop a 4 MB copy): the caller must not read them after `run`. Bytes that share
   * their memory with others (small Buffers from Node's pool) are copied all the same.
   */
  moveBytes?: boolean;
  /**
   * The caller has no other job in hand (e.g. the only assessment in flight): a small job may then run on
   * the event loop (PoolOptions.inlineWhenIdle).
   */
  alone?: boolean;
}

export interface Assessor {
  run(job: AssessJob, opts?: RunOptions): Promise<AssessJobResult>;
  close(): Promise<void>;
}

/**
 * The same function the worker threads run, called on the event loop. Loaded on first use: with worker
 * threads the engine and its dictionaries are theirs, and the main thread does not hold a copy (about
 * 30 MB of RSS).
 */
export class InlineAssessor implements Assessor {
  private runJob: Promise<(job: AssessJob) => Promise<AssessJobResult> | AssessJobResult> | undefined;

  async run(job: AssessJob): Promise<AssessJobResult> {
    this.runJob ??= import('../workers/assess.ts').then((m) => m.runJob);
    return (await this.runJob)(job);
  }
  async close(): Promise<void> {}
}

/**
 * A job is large when its body is over this many bytes (about 1,500 transactions, 10 ms of work) or,
 * for transactions a source fetched, when it has more than LARGE_JOB_TRANSACTIONS.
 */
export const LARGE_JOB_BYTES = 256 * 1024;
export const LARGE_JOB_TRANSACTIONS = 1_500;

/** The bytes of a body given whole or in chunks. */
export const bodyLength = (body: Uint8Array | readonly Uint8Array[]): number =>
  body instanceof Uint8Array ? body.byteLength : body.reduce((n, c) => n + c.byteLength, 0);

export function isLargeJob(job: AssessJob): boolean {
  if (job.kind === 'body' || job.kind === 'documents-body') return bodyLength(job.body) > LARGE_JOB_BYTES;
  if (job.kind === 'decoded') return job.request.transactions.length > LARGE_JOB_TRANSACTIONS;
  return job.stored.byteLength > LARGE_JOB_EVIDENCE_BYTES; // the evidence, or a part of it
}

/** Stored evidence over this many bytes (about 2,000 transactions) is a large job too. */
export const LARGE_JOB_EVIDENCE_BYTES = 32 * 1024;

/**
 * A job is small when it is at most half a large one by each measure: a body of at most 128 KB (about
 * 750 transactions), at most 750 fetched transactions, stored evidence of at most 16 KB.
 */
export function isSmallJob(job: AssessJob): boolean {
  if (job.kind === 'body' || job.kind === 'documents-body')
    return bodyLength(job.body) <= LARGE_JOB_BYTES / 2;
  if (job.kind === 'decoded') return job.request.transactions.length <= LARGE_JOB_TRANSACTIONS / 2;
  return job.stored.byteLength <= LARGE_JOB_EVIDENCE_BYTES / 2;
}

/** The memory of the bytes a job hands over, when they can be moved (RunOptions.moveBytes). */
function transferList(job: AssessJob): ArrayBuffer[] {
  const bytes =
    job.kind === 'body' || job.kind === 'documents-body'
      ? job.body
      : job.kind === 'evidence' || job.kind === 'evidence-part'
        ? job.stored
        : [];
  const list = bytes instanceof Uint8Array ? [bytes] : bytes;
  const out: ArrayBuffer[] = [];
  for (const b of list) {
    const own = ownBuffer(b);
    if (own && !out.includes(own)) out.push(own);
  }
  return out;
}

/**
 * Which thread takes the next task (null: none now; it waits in the queue). A thread busy with one task
 * is handed a second, so that it finds its next task when it finishes instead of going to sleep and being
 * woken for it: on this project's VM a wake-up cost the event loop 0.2–0.5 ms per task (Atomics.notify
 * on a sleeping thread), and six interleaved pairs of bench:http runs gave 154 -> 170 assessments/s,
 * 11.2 -> 10.5 ms of CPU each. While a large job is queued or running, tasks go only to a free thread,
 * so that no small assessment waits behind a large one: p99 of 412-transaction requests beside a
 * stream of 10,000-transaction ones (bench:http's mixed run, three interleaved pairs) was 103–160 ms
 * this way, 216–274 ms when they could queue behind one.
 */
export function pickThread<W extends { currentUsage: number }>(
  threads: readonly W[],
  largeInHand: boolean,
): W | null {
  const limit = largeInHand ? 1 : 2;
  let best: W | null = null;
  for (const t of threads) {
    if (t.currentUsage < limit && (best === null || t.currentUsage < best.currentUsage)) best = t;
  }
  return best;
}

export interface PoolOptions {
  /**
   * Run a small job (isSmallJob) on the event loop when its caller has nothing else in hand
   * (RunOptions.alone) and the pool has no job queued or running: the thread that would wait for the
   * worker does the work itself, and the two hand-overs between threads are saved (waking a sleeping
   * worker, then the event loop for its answer). Under load there are other jobs in hand, so the work
   * goes to the other cores as before.
   */
  inlineWhenIdle?: boolean;
}

export class PooledAssessor implements Assessor {
  private readonly pool: Piscina;
  /** Large jobs queued or running. */
  private large = 0;
  /** Jobs given to the pool, queued or running. */
  private inPool = 0;
  private readonly inline: InlineAssessor | undefined;

  constructor(threads: number, opts: PoolOptions = {}) {
    this.inline = opts.inlineWhenIdle ? new InlineAssessor() : undefined;
    // The worker's entry beside this module and in its form: assess.ts when the process runs the sources
    // (tsx; workers inherit the process's execArgv, so they load TypeScript the same way), assess.js when
    // it runs the build (dist/).
    // stricterFIFO: by default piscina puts a task it could not hand out straight away at the back of the
    // queue, so under steady load some requests waited behind hundreds of later ones (p99 0.6–0.9 s for
    // a 5 ms job); first come, first served keeps the wait to the queue ahead of it.
    this.pool = new Piscina({
      filename: new URL(
        `../workers/assess${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`,
        import.meta.url,
      ).href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      stricterFIFO: true,
      concurrentTasksPerWorker: 2,
      loadBalancer: (_task, workers) => pickThread(workers, this.large > 0),
    });
  }

  /** Large jobs queued or running now. */
  get largeJobsInHand(): number {
    return this.large;
  }

  run(job: AssessJob, opts: RunOptions = {}): Promise<AssessJobResult> {
    if (this.inline && opts.alone && this.inPool === 0 && isSmallJob(job)) return this.inline.run(job);
    const options = opts.moveBytes ? { transferList: transferList(job) } : {};
    const large = isLargeJob(job);
    if (large) this.large++;
    this.inPool++;
    return this.pool.run(job, options).finally(() => {
      this.inPool--;
      if (large) this.large--;
    });
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

export function createAssessor(threads: number, opts: PoolOptions = {}): Assessor {
  return threads > 0 ? new PooledAssessor(threads, opts) : new InlineAssessor();
}
