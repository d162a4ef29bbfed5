/**
 * Durable work on the same database, with pg-boss 10 (PGlite through the adapter in store/db.ts).
 * Jobs are enqueued inside the caller's transaction (`enqueue(q, …)`), so a job exists if and only if
 * the rows it is about were committed.
 */
import { errorMessage } from '../lib/narrow.ts';
import PgBoss from 'pg-boss';
import type { Db, Queryable } from '../store/db.ts';
import type { Logger } from '../lib/logger.ts';

const SCHEMA = 'pgboss';

export const QUEUES = {
  webhook: 'webhook-deliver',
  documents: 'document-assess',
  analysis: 'analysis-poll',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobOptions {
  startAfterSeconds?: number;
  /** pg-boss's own retries: only for a worker that died mid-job (our handlers schedule their own). */
  retryLimit?: number;
  expireInSeconds?: number;
}

export class Jobs {
  private constructor(
    private readonly boss: PgBoss,
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  static async start(db: Db, log: Logger): Promise<Jobs> {
    const boss = new PgBoss({
      db: db.boss(),
      schema: SCHEMA,
      // Housekeeping is cheap, but on the embedded database every query waits its turn.
      maintenanceIntervalSeconds: 120,
    });
    boss.on('error', (e: Error) => log.error({ err: { message: e.message } }, 'job queue error'));
    await boss.start();
    for (const name of Object.values(QUEUES)) {
      if (!(await boss.getQueue(name))) await boss.createQueue(name);
    }
    return new Jobs(boss, db, log);
  }

  /** Enqueues inside the transaction `q` (or on its own when `q` is the database itself). */
  async enqueue(q: Queryable, queue: QueueName, data: object, o: JobOptions = {}): Promise<string | null> {
    return this.boss.send(queue, data, {
      db: this.db.boss(q),
      retryLimit: o.retryLimit ?? 3,
      retryDelay: 5,
      expireInSeconds: o.expireInSeconds ?? 60,
      ...(o.startAfterSeconds ? { startAfter: o.startAfterSeconds } : {}),
    });
  }

  /**
   * Whether a job of `queue` whose data has `field` = `value` is waiting, running or due for a retry —
   * read in the caller's transaction `q` (pg-boss keeps jobs in the same database).
   */
  async hasLiveJob(q: Queryable, queue: QueueName, field: string, value: string): Promise<boolean> {
    const { rows } = await q.query<{ live: boolean }>(
      `select exists(select 1 from ${SCHEMA}.job where name = $1 and data->>$2 = $3 and state in ('created', 'retry', 'active')) as live`,
      [queue, field, value],
    );
    return rows[0]?.live === true;
  }

  /** Starts a worker on `queue`; resolves to its id (for `notify`). */
  async work<T extends object>(
    queue: QueueName,
    handler: (data: T, jobId: string) => Promise<void>,
    pollingIntervalSeconds = 0.5,
  ): Promise<string> {
    return this.boss.work<T>(queue, { pollingIntervalSeconds, batchSize: 1 }, async (jobs) => {
      for (const job of jobs) {
        try {
          await handler(job.data, job.id);
        } catch (e) {
          this.log.error(
            { queue, job: job.id, err: { message: errorMessage(e) } },
            'job failed; pg-boss will retry it',
          );
          throw e;
        }
      }
    });
  }

  /** Wakes a worker of this process at once, rather than at its next poll (a job was just enqueued). */
  notify(workerId: string): void {
    this.boss.notifyWorker(workerId);
  }

  /**
   * Ends, as failed, the jobs of `queue` still marked active: for the embedded database at start-up, where
   * no other process can be running them (one process per data directory), so that what a killed process
   * left in hand runs again now rather than when pg-boss's expiry notices it.
   */
  async failActive(queue: QueueName): Promise<number> {
    return (
      await this.db.query(
        `update ${SCHEMA}.job set state = 'failed', completed_on = now() where name = $1 and state = 'active'`,
        [queue],
      )
    ).rowCount;
  }

  /**
   * Ends, as failed, the active jobs of `queue` whose data has `field` = `value` (a job whose process is
   * known to have died: its own retry would wait for pg-boss's expiry).
   */
  async failActiveOf(queue: QueueName, field: string, value: string): Promise<number> {
    return (
      await this.db.query(
        `update ${SCHEMA}.job set state = 'failed', completed_on = now() where name = $1 and state = 'active' and data->>$2 = $3`,
        [queue, field, value],
      )
    ).rowCount;
  }

  /** Whether a job of `queue` whose data has `field` = `value` is waiting (created or due for a retry). */
  async hasWaitingJob(q: Queryable, queue: QueueName, field: string, value: string): Promise<boolean> {
    const { rows } = await q.query<{ waiting: boolean }>(
      `select exists(select 1 from ${SCHEMA}.job where name = $1 and data->>$2 = $3 and state in ('created', 'retry')) as waiting`,
      [queue, field, value],
    );
    return rows[0]?.waiting === true;
  }

  /** Stops taking jobs and waits (up to `timeoutMs`) for the ones in hand. */
  async stop(timeoutMs: number): Promise<void> {
    await this.boss.stop({
      graceful: true,
      timeout: timeoutMs,
      close: false,
      wait: true,
    });
  }
}
