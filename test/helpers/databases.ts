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
let pgDb: Promise<Db | undefined> | undefined;
let pgName: string | undefined;
let pgAdminUrl: string | undefined;

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

/** A fresh database on the PostgreSQL server, or undefined when no server answers (outside CI). */
export function postgres(): Promise<Db | undefined> {
  pgDb ??= (async () => {
    const admin = new pg.Client({ connectionString: serverUrl(), connectionTimeoutMillis: 3000 });
    try {
      await admin.connect();
    } catch (e) {
      if (process.env.CI === 'true') throw new Error(`CI=true but no PostgreSQL answers at ${serverUrl().replace(/:[^:@/]*@/, ':***@')}: ${(e as Error).message}`);
      console.warn(`\n  ⚠ PostgreSQL not reachable at ${serverUrl()} — the PostgreSQL runs of the component tests are SKIPPED (set TEST_DATABASE_URL, or run .ci/run)\n`);
      return undefined;
    }
    pgName = `veqtrx_test_${process.pid}_${Date.now()}`;
    await admin.query(`create database ${pgName}`);
    await admin.end();
    const u = new URL(serverUrl());
    pgAdminUrl = u.toString();
    u.pathname = `/${pgName}`;
    const db = await openDb({ databaseUrl: u.toString(), poolSize: 20 });
    await migrate(db);
    return db;
  })();
  return pgDb;
}

export function postgresUrl(): string | undefined {
  if (!pgName) return undefined;
  const u = new URL(serverUrl());
  u.pathname = `/${pgName}`;
  return u.toString();
}

export async function database(kind: DbKind): Promise<Db | undefined> {
  return kind === 'pglite' ? embedded() : postgres();
}

export async function reset(db: Db): Promise<void> {
  await db.exec(
    `truncate webhook_attempts, webhook_deliveries, idempotency_keys, assessments, usage_counters, api_keys, partners restart identity cascade;
     do $$ begin if to_regclass('pgboss.job') is not null then delete from pgboss.job; end if; end $$;`,
  );
}

/** Closes every database opened for the run and drops the PostgreSQL one. */
export async function closeAll(): Promise<void> {
  if (lite) await (await lite).close();
  if (pgDb) {
    const db = await pgDb;
    if (db) {
      await db.close();
      const admin = new pg.Client({ connectionString: pgAdminUrl });
      await admin.connect();
      await admin.query(`drop database if exists ${pgName} with (force)`);
      await admin.end();
    }
  }
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
