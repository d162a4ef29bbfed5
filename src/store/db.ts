/**
 * One SQL dialect, two engines: PGlite (embedded WASM PostgreSQL, data in a directory) when no
 * DATABASE_URL is set, and a `pg` pool when it is. Callers see one small interface; transactions run a
 * callback and commit or roll back as a whole.
 */
import { PGlite, parse as pgliteParse, protocol, type messages } from '@electric-sql/pglite';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PGLITE_SHARED_BUFFERS } from '../config.ts';
import { lockDir, type DirLock, type LockHolder } from '../lib/dir-lock.ts';
import { errorCode, errorMessage, first } from '../lib/narrow.ts';

export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
}

/** What pg-boss calls to run SQL (optionally inside one of our transactions). */
export interface BossDb {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Runs several statements with no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** pg-boss's view of this database, or of an open transaction `q`. */
  boss(q?: Queryable): BossDb;
  close(): Promise<void>;
}

/**
 * A transaction's Queryable for the length of its callback: after it, statements are refused — they would
 * otherwise run outside the transaction, or on a connection (embedded: a session) someone else now uses.
 */
async function withinTx<T>(q: Queryable, fn: (q: Queryable) => Promise<T>): Promise<T> {
  let open = true;
  try {
    return await fn({
      query: <R>(sql: string, params?: readonly unknown[]) => {
        if (!open) return Promise.reject(new Error('Transaction is closed'));
        return q.query<R>(sql, params);
      },
    });
  } finally {
    open = false;
  }
}

/**
 * The one place rows from the database take the type the caller names: SQL results carry no static
 * type, and each store module states the shape of the rows its own statements select.
 */
function typedRows<T>(rows: unknown[]): T[] {
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- a SQL result has no static type; the statement's author names its row type
  return rows as T[];
}

// int8 (count(*), sums) as a JavaScript number: our counts stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

class PostgresDb implements Db {
  readonly kind = 'postgres' as const;
  constructor(private readonly pool: pg.Pool) {}

  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    const r = await this.pool.query(sql, params ? [...params] : undefined);
    return { rows: typedRows<T>(r.rows), rowCount: r.rowCount ?? 0 };
  }

  async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const q: Queryable = {
        query: async <R>(sql: string, params?: readonly unknown[]) => {
          const r = await client.query(sql, params ? [...params] : undefined);
          return { rows: typedRows<R>(r.rows), rowCount: r.rowCount ?? 0 };
        },
      };
      const out = await withinTx(q, fn);
      await client.query('COMMIT');
      return out;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async exec(sql: string): Promise<void> {
    await this.pool.query(sql);
  }

  boss(q?: Queryable): BossDb {
    const target = q ?? this;
    return { executeSql: (text, values) => target.query(text, values) };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

type PgliteTx = Parameters<Parameters<PGlite['transaction']>[0]>[0];

/** A statement PGlite has parsed and planned once under a name, and what binding and reading it need. */
interface PreparedStatement {
  name: string;
  paramTypes: number[];
  /** The statement's row description (undefined when it returns no rows). */
  rowDescription: messages.RowDescriptionMessage | undefined;
}

/** How many named statements the embedded database keeps; the least recently used beyond this are closed. */
export const PGLITE_STATEMENT_CACHE = 200;

class PgliteDb implements Db {
  readonly kind = 'pglite' as const;
  /** Named statements by SQL text, least recently used first. */
  private readonly statements = new Map<string, PreparedStatement>();
  private statementSeq = 0;
  /** Statements dropped from the cache, still to be closed in the database. */
  private readonly toClose: string[] = [];

  constructor(
    private readonly lite: PGlite,
    private readonly statementCache = PGLITE_STATEMENT_CACHE,
    private readonly lock?: DirLock,
  ) {}

  private static wrap<T>(r: { rows: unknown[]; affectedRows?: number }): QueryResult<T> {
    return { rows: typedRows<T>(r.rows), rowCount: r.affectedRows ?? r.rows.length };
  }

  /**
   * A statement with parameters, run as a named prepared statement: parsed, analysed and planned the
   * first time its text is seen, then only bound and executed, in one call into the database. PGlite's
   * own `query` parses and describes every statement again and makes six calls into the WASM module for
   * it; storing an assessment took 2.5 ms of the event loop that way and 1.2 ms this way (pgbench-style
   * micro-benchmark, this project's VM). The caller holds PGlite's query lock (and its transaction lock
   * outside a transaction), as PGlite's `query` does; `outsideTx` makes PGlite sync the file system after.
   */
  private async runPrepared<T>(
    sql: string,
    params: readonly unknown[],
    outsideTx: boolean,
  ): Promise<QueryResult<T>> {
    try {
      return await this.execPrepared<T>(sql, params, outsideTx);
    } catch (e) {
      if (!PgliteDb.staleStatement(e)) throw e;
      // The statement no longer fits the schema (a migration changed a table it reads): prepare it again.
      // Outside a transaction that is safe to do at once; inside one the error has aborted the
      // transaction, so it goes back to the caller and the next use prepares afresh.
      this.forget(sql);
      if (!outsideTx) throw e;
      return this.execPrepared<T>(sql, params, outsideTx);
    }
  }

  /** Drops a statement from the cache; the database closes it with the next statement it prepares. */
  private forget(sql: string): void {
    const st = this.statements.get(sql);
    if (!st) return;
    this.statements.delete(sql);
    this.toClose.push(st.name);
  }

  /** PostgreSQL's answers for a named statement that must be prepared again. */
  private static staleStatement(e: unknown): boolean {
    const code = errorCode(e);
    return (
      code === '26000' ||
      (code === '0A000' && e instanceof Error && /cached plan must not change result type/.test(e.message))
    );
  }

  private async execPrepared<T>(
    sql: string,
    params: readonly unknown[],
    outsideTx: boolean,
  ): Promise<QueryResult<T>> {
    const { serialize } = protocol;
    let st = this.statements.get(sql);
    if (st) {
      this.statements.delete(sql); // re-inserted below: the map's order is the order of use
    } else {
      const name = `gw_${++this.statementSeq}`;
      const oldest = this.statements.keys().next();
      if (this.statements.size >= this.statementCache && !oldest.done) this.forget(oldest.value);
      // Closing a statement that no longer exists is not an error.
      const prelude = this.toClose.splice(0).map((old) => serialize.close({ type: 'S', name: old }));
      const described = await this.lite.execProtocolStream(
        Buffer.concat([
          ...prelude,
          serialize.parse({ name, text: sql }),
          serialize.describe({ type: 'S', name }),
          serialize.sync(),
        ]),
        { syncToFs: false },
      );
      st = {
        name,
        paramTypes: pgliteParse.parseDescribeStatementResults(described),
        rowDescription: described.find(
          (m): m is messages.RowDescriptionMessage => m.name === 'rowDescription',
        ),
      };
    }
    this.statements.set(sql, st);
    const { serializers, parsers } = this.lite;
    const values = params.map((v, i) => {
      if (v === null || v === undefined) return null;
      const type = st.paramTypes[i];
      const serializer = type === undefined ? undefined : serializers[type];
      return serializer ? serializer(v) : String(v); // eslint-disable-line @typescript-eslint/no-base-to-string -- as PGlite's own query does: a type without a serializer is sent as its text form
    });
    const out = await this.lite.execProtocolStream(
      Buffer.concat([
        serialize.bind({ statement: st.name, values }),
        serialize.execute({}),
        serialize.sync(),
      ]),
      { syncToFs: outsideTx },
    );
    return PgliteDb.wrap<T>(
      first(
        pgliteParse.parseResults(st.rowDescription ? [st.rowDescription, ...out] : out, parsers),
        'result',
      ),
    );
  }

  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    if (!params || params.length === 0) return PgliteDb.wrap<T>(await this.lite.query(sql));
    if (this.lite.closed) throw new Error('PGlite is closed');
    // What PGlite's own `query` holds: no other caller's transaction (this.txTurn), nor another statement
    // (`runExclusive`, PGlite's public query lock, which its execProtocol* methods leave to the caller).
    return this.txTurn(() => this.lite.runExclusive(() => this.runPrepared<T>(sql, params, true)));
  }

  /** The end of the queue of transactions and statements outside any (see txTurn). */
  private txQueue: Promise<unknown> = Promise.resolve();

  /**
   * Runs `fn` when every transaction, and every prepared statement outside one, queued before it is over:
   * a statement from another caller must not land inside an open transaction, between its statements.
   * PGlite's own transaction lock does this for its `query`, `exec` and `transaction`, but is private;
   * this queue holds each `tx` for its whole length, and PGlite's lock still orders the rest against it.
   */
  private txTurn<T>(fn: () => Promise<T>): Promise<T> {
    const turn = this.txQueue.then(fn);
    this.txQueue = turn.catch(() => undefined);
    return turn;
  }

  async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    return this.txTurn(() =>
      this.lite.transaction(async (tx: PgliteTx) =>
        withinTx(
          {
            query: async <R>(sql: string, params?: readonly unknown[]) =>
              params && params.length > 0
                ? this.lite.runExclusive(() => this.runPrepared<R>(sql, params, false))
                : PgliteDb.wrap<R>(await tx.query(sql)),
          },
          fn,
        ),
      ),
    );
  }

  async exec(sql: string): Promise<void> {
    await this.lite.exec(sql);
  }

  /**
   * pg-boss sends multi-statement SQL without parameters (its migrations) and parameterised single
   * statements; PGlite runs the first kind only through `exec` (a prepared statement cannot hold
   * several commands), so the adapter routes by whether there are parameters.
   */
  boss(q?: Queryable): BossDb {
    return {
      executeSql: async (text, values) => {
        if (values && values.length > 0) return (q ?? this).query(text, values);
        if (q) return q.query(text);
        const results = await this.lite.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      },
    };
  }

  async close(): Promise<void> {
    try {
      await this.lite.close();
    } finally {
      this.lock?.release();
    }
  }
}

/**
 * bytea parameters go to PGlite as they are, in binary format, as `pg` sends a Buffer. PGlite's own
 * serializer writes them as hex text one byte at a time: inserting the 13 KB of a typical assessment's
 * evidence took 1.6–1.8 ms that way and 0.35 ms this way (2,000 inserts each, on this machine).
 */
const BYTEA = 17;
const BINARY_BYTEA = {
  [BYTEA]: (v: unknown) => {
    if (!(v instanceof Uint8Array)) throw new TypeError('a bytea parameter must be a Uint8Array');
    // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- PGlite's Serializer type says string, but its bind sends an ArrayBuffer view as binary (pglite's serialize.bind)
    return v as unknown as string;
  },
};

/**
 * bytea results come from PGlite as hex text; its own parser turns them into bytes one `parseInt` at a
 * time, which held the event loop 30–50 ms for the 270 KB evidence of a 10,000-transaction assessment.
 * Buffer's hex decoding is native. (`bytea_output` is hex, PostgreSQL's default; the gateway never
 * changes it.)
 */
const BYTEA_PARSER = {
  [BYTEA]: (v: string) => {
    if (!v.startsWith('\\x'))
      throw new TypeError('a bytea result is expected in hex format (bytea_output = hex)');
    return Buffer.from(v.slice(2), 'hex');
  },
};

export interface OpenOptions {
  databaseUrl?: string | undefined;
  /** PGlite data directory; `memory://` (or undefined) keeps it in memory. */
  dataDir?: string | undefined;
  /** Embedded: PostgreSQL's `shared_buffers` (default PGLITE_SHARED_BUFFERS, src/config.ts). */
  sharedBuffers?: string | undefined;
  /** A PGlite dump to start from (tests use it to skip the first-init cost). */
  loadDataDir?: Blob | File | undefined;
  poolSize?: number;
  /** How many named statements the embedded database keeps (default PGLITE_STATEMENT_CACHE). */
  statementCache?: number;
  /**
   * PostgreSQL: a pooled connection failed while idle (the server restarted, or an administrator or a
   * proxy ended it). The pool has already dropped it and opens another when one is needed; this only
   * reports it. Without a listener node-postgres would raise it as an uncaught exception and stop the
   * process, so one is always installed.
   */
  onIdleError?: (e: Error) => void;
  /**
   * PostgreSQL: how long to keep trying to reach the server at start (exponential backoff) before giving
   * up with a DatabaseUnavailableError. 0 tries once.
   */
  connectWaitMs?: number;
  /** PostgreSQL: hears of each failed attempt to reach the server at start and the wait before the next. */
  onConnectRetry?: (e: Error, attempt: number, delayMs: number) => void;
  /** Embedded: hears of a DATA_DIR lock taken over from a process that is gone (see lib/dir-lock.ts). */
  onStaleLock?: (holder: LockHolder | undefined, reason: string) => void;
}

/** PostgreSQL could not be reached at start within the wait, or refused us for a reason waiting will not cure. */
export class DatabaseUnavailableError extends Error {}

/** Error codes of a server that is not there yet (or not ready): worth another try. */
const TRANSIENT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P03',
  '53300',
]);

function transient(e: unknown): boolean {
  const code = errorCode(e);
  if (code) return TRANSIENT.has(code);
  // node-postgres's own connection timeout, and a connection ended during the start-up handshake.
  return /timeout|terminated|Connection ended/i.test(errorMessage(e));
}

/** Where a connection string points, without its password. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/**
 * Waits for the PostgreSQL server at `url`: one connection at a time with a bounded connect timeout,
 * retried with exponential backoff (250 ms doubling, at most 5 s apart) until `waitMs` has passed. A
 * refusal that waiting will not cure (wrong password, no such database) ends it at once.
 */
async function waitForPostgres(
  url: string,
  waitMs: number,
  onRetry?: OpenOptions['onConnectRetry'],
): Promise<void> {
  const until = Date.now() + waitMs;
  for (let attempt = 1, delay = 250; ; attempt++, delay = Math.min(delay * 2, 5_000)) {
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: Math.max(1_000, Math.min(10_000, until - Date.now())),
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (e) {
      const err = e instanceof Error ? e : new Error(errorMessage(e));
      const code = errorCode(e);
      const why = `${code ? `${code}: ` : ''}${err.message}`.replace(/\s+/g, ' ');
      if (!transient(e))
        throw new DatabaseUnavailableError(
          `PostgreSQL at ${describeUrl(url)} refused the connection: ${why}`,
        );
      const left = until - Date.now();
      if (left <= 0)
        throw new DatabaseUnavailableError(
          `PostgreSQL at ${describeUrl(url)} not reachable after ${attempt} attempt${attempt > 1 ? 's' : ''} in ${Math.round((waitMs - left) / 1000)} s: ${why}`,
        );
      const wait = Math.min(delay, left);
      onRetry?.(err, attempt, wait);
      await new Promise((r) => setTimeout(r, wait));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/**
 * Initialises a new embedded database directory in a child process (pglite-init.ts; see there why), so
 * that the gateway's process then opens it as it opens an existing one. Inherits the process's
 * execArgv, so the child loads TypeScript as the process does (the sources under tsx, dist/ compiled).
 */
async function initDataDir(dataDir: string, startParams: string[]): Promise<void> {
  const self = import.meta.url;
  const script = fileURLToPath(new URL(`./pglite-init${self.slice(self.lastIndexOf('.'))}`, self));
  const child = spawn(process.execPath, [...process.execArgv, script, dataDir, JSON.stringify(startParams)], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  // The child must not outlive this process (a stop while starting exits at once).
  const killChild = () => child.kill('SIGKILL');
  process.once('exit', killChild);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  try {
    const status = await new Promise<number | string>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    });
    if (status !== 0)
      throw new Error(
        `initialising the embedded database in ${dataDir} failed (${status}): ${stderr.trim().split('\n').at(-1) ?? ''}`,
      );
  } finally {
    process.off('exit', killChild);
  }
}

export async function openDb(opts: OpenOptions): Promise<Db> {
  if (opts.databaseUrl) {
    await waitForPostgres(opts.databaseUrl, opts.connectWaitMs ?? 0, opts.onConnectRetry);
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      application_name: 'veqtrx-gateway',
    });
    pool.on('error', (e) => opts.onIdleError?.(e));
    await pool.query('select 1');
    return new PostgresDb(pool);
  }
  const onDisk = opts.dataDir && opts.dataDir !== 'memory://' ? opts.dataDir : undefined;
  // Before PGlite touches the directory: a second process on it would lose writes silently.
  const lock = onDisk ? lockDir(onDisk, opts.onStaleLock) : undefined;
  try {
    const startParams = [
      ...PGlite.defaultStartParams,
      '-c',
      `shared_buffers=${opts.sharedBuffers ?? PGLITE_SHARED_BUFFERS}`,
    ];
    if (onDisk && !opts.loadDataDir && !existsSync(join(onDisk, 'PG_VERSION')))
      await initDataDir(onDisk, startParams);
    const lite = await PGlite.create({
      ...(onDisk ? { dataDir: onDisk } : {}),
      ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
      serializers: BINARY_BYTEA,
      parsers: BYTEA_PARSER,
      startParams,
    });
    return new PgliteDb(lite, opts.statementCache, lock);
  } catch (e) {
    lock?.release();
    throw e;
  }
}
