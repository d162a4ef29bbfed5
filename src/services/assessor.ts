/**
 * Where the engine runs: a pool of worker threads (piscina) by default, so that assessments use the
 * machine's other cores and the event loop stays free for HTTP and the database; or inline
 * (ASSESS_THREADS=0). Both give identical results: the engine is pure.
 */
import { Piscina } from 'piscina';
import runJob from '../workers/assess.ts';
import type { DecodedRequest, DecodeFailure, FetchNeeded, RequestMeta } from '../http/assess-request.ts';
import type { AssessmentFigures } from '../model/assessment.ts';

/**
 * What a worker is given: the `/assess` body as received (decoded in the worker), or a request that a
 * fetching source has already turned into transactions. `now` is epoch milliseconds.
 */
export type AssessJob = { kind: 'body'; body: Uint8Array; now: number } | { kind: 'decoded'; request: DecodedRequest; now: number };

export type AssessJobResult =
  | { kind: 'assessed'; meta: RequestMeta; source: string; assessment: AssessmentFigures; evidenceGz: Uint8Array }
  | FetchNeeded
  | DecodeFailure
  | { kind: 'failed'; status: 500; code: 'engine_failure'; detail: string };

export interface Assessor {
  run(job: AssessJob): Promise<AssessJobResult>;
  close(): Promise<void>;
}

/** The same function the worker threads run, called on the event loop. */
export class InlineAssessor implements Assessor {
  async run(job: AssessJob): Promise<AssessJobResult> {
    return runJob(job);
  }
  async close(): Promise<void> {}
}

export class PooledAssessor implements Assessor {
  private readonly pool: Piscina;
  constructor(threads: number) {
    // Workers inherit the process's execArgv, so they load TypeScript the same way the process does.
    // stricterFIFO: by default piscina puts a task it could not hand out straight away at the back of the
    // queue, so under steady load some requests waited behind hundreds of later ones (p99 0.6–0.9 s for
    // a 5 ms job); first come, first served keeps the wait to the queue ahead of it.
    // Two tasks per thread: a worker finds its next task already posted when it finishes one, instead of
    // going to sleep and being woken for it. On this project's VM a wake-up cost the event loop 0.2–0.5 ms
    // per task (Atomics.notify on a sleeping thread); six interleaved pairs of bench:http runs gave
    // 154 -> 170 assessments/s and 11.2 -> 10.5 ms of CPU each. The price: a task can wait behind one
    // other task on its thread (at worst one 10,000-transaction assessment) rather than for the first
    // thread to come free.
    this.pool = new Piscina({
      filename: new URL('../workers/assess.ts', import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 60_000,
      stricterFIFO: true,
      concurrentTasksPerWorker: 2,
    });
  }
  run(job: AssessJob): Promise<AssessJobResult> {
    return this.pool.run(job);
  }
  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

export function createAssessor(threads: number): Assessor {
  return threads > 0 ? new PooledAssessor(threads) : new InlineAssessor();
}
