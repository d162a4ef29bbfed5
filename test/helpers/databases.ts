/**
 * The databases the component tests run on: the embedded one (PGlite, one instance for the whole run)
 * and a real PostgreSQL (a throw-away database created on the server at TEST_DATABASE_URL, or on
 * 127.0.0.1:5432 when one answers). Without a server the PostgreSQL runs are skipped with a visible
 * message — except under CI=true, where a missing server is a failure.
 */
import pg from 'pg';
import { openDb, type Db } from '../../src/store/db.ts';
import { migrate } from '../../src/store/migrate.ts';

export type DbKind = 'pglite' | 'postgres';

let lite: Promise<Db> | undefined;
let pgDb: Promise<ServerDatabase | undefined> | undefined;
let pgUrl: string | undefined;

export function embedded(): Promise<Db> {
  lite ??= (async () => {
    const db = await openDb({ dataDir: 'memory://' });
    await migrate(db);
    return db;
  })();
  return lite;
}

export function serverUrl(): string {
  return process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export interface ServerDatabase {
  db: Db;
  url: string;
  /** Closes the pool and drops the database. */
  drop: () => Promise<void>;
}

/**
 * A new, empty database on the PostgreSQL server (named `<prefix>_<pid>_<time>`), or undefined when no
 * server answers — outside CI, with a visible warning; under CI=true a missing server is a failure.
 */
export async function serverDatabase(prefix: string, poolSize: number): Promise<ServerDatabase | undefined> {
  const admin = new pg.Client({ connectionString: serverUrl(), connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (e) {
    if (process.env.CI === 'true')
      throw new Error(
        `CI=true but no PostgreSQL answers at ${serverUrl().replace(/:[^:@/]*@/, ':***@')}: ${(e as Error).message}`,
      );
    console.warn(
      `\n  ⚠ PostgreSQL not reachable at ${serverUrl()} — the PostgreSQL runs of the component tests are SKIPPED (set TEST_DATABASE_URL, or run .ci/run)\n`,
    );
    return undefined;
  }
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(serverUrl());
  u.pathname = `/${name}`;
  const db = await openDb({ databaseUrl: u.toString(), poolSize });
  return {
    db,
    url: u.toString(),
    drop: async () => {
      await db.close();
      const dropper = new pg.Client({ connectionString: serverUrl() });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/**
 * A new, empty database of the given kind for one suite: an in-memory embedded one, or a throw-away
 * database on the server (undefined when no server answers, as serverDatabase).
 */
export async function freshDatabase(
  kind: DbKind,
  prefix: string,
): Promise<{ db: Db; drop: () => Promise<void> } | undefined> {
  if (kind === 'pglite') {
    const db = await openDb({ dataDir: 'memory://' });
    return { db, drop: () => db.close() };
  }
  return serverDatabase(prefix, 2);
}

/** The suite's database on the PostgreSQL server (migrated), or undefined when no server answers (outside CI). */
export function postgres(): Promise<Db | undefined> {
  pgDb ??= (async () => {
    const s = await serverDatabase('veqtrx_test', 20);
    if (s) {
      await migrate(s.db);
      pgUrl = s.url;
    }
    return s;
  })();
  return pgDb.then((s) => s?.db);
}

export function postgresUrl(): string | undefined {
  return pgUrl;
}

export async function database(kind: DbKind): Promise<Db | undefined> {
  return kind === 'pglite' ? embedded() : postgres();
}

/**
 * Empties the gateway's tables. The truncate takes its locks table by table while a gateway of the suite
 * may still be settling a webhook from the previous test; PostgreSQL then ends one side with a deadlock
 * error (40P01), which is retried — the other side has finished by then.
 */
export async function reset(db: Db): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.exec(
        `truncate document_job_files, webhook_attempts, webhook_deliveries, idempotency_keys, assessments, usage_counters, api_keys, partners restart identity cascade;
         do $$ begin if to_regclass('pgboss.job') is not null then delete from pgboss.job; end if; end $$;`,
      );
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== '40P01' || attempt >= 5) throw e;
    }
  }
}

/** Closes every database opened for the run and drops the PostgreSQL one. */
export async function closeAll(): Promise<void> {
  if (lite) await (await lite).close();
  if (pgDb) await (await pgDb)?.drop();
}

/** Defines `suite` once per database kind; the PostgreSQL one is skipped (visibly) without a server. */
export function onEachDatabase(title: string, suite: (kind: DbKind, getDb: () => Db) => void): void {
  for (const kind of ['pglite', 'postgres'] as const) {
    describe(`${title} [${kind}]`, function () {
      let db: Db | undefined;
      before(async function () {
        this.timeout(60_000);
        db = await database(kind);
        if (!db) this.skip();
      });
      suite(kind, () => db!);
    });
  }
}
