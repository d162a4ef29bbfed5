/**
 * Ordered SQL migrations (src/store/migrations/NNN_name.sql), applied once each, in order, at start.
 * Each runs in its own transaction under an advisory lock, so replicas starting together apply each
 * migration exactly once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from './db.ts';

const DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const LOCK = 7_342_001; // an arbitrary, fixed advisory-lock key for migrations

export function migrationFiles(): Array<{ version: string; sql: string }> {
  return readdirSync(DIR)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: f.replace(/\.sql$/, ''), sql: readFileSync(DIR + f, 'utf8') }));
}

/** Applies the migrations not yet applied, in order — all of them, or those up to and including `upTo`. */
export async function migrate(db: Db, upTo?: string): Promise<string[]> {
  await db.exec(
    'create table if not exists schema_migrations (version text primary key, applied_at timestamptz not null default now())',
  );
  const applied: string[] = [];
  for (const m of migrationFiles().filter((f) => upTo === undefined || f.version <= upTo)) {
    const done = await db.tx(async (q) => {
      await q.query('select pg_advisory_xact_lock($1)', [LOCK]);
      const { rows } = await q.query('select 1 from schema_migrations where version = $1', [m.version]);
      if (rows.length) return false;
      for (const statement of splitStatements(m.sql)) await q.query(statement);
      await q.query('insert into schema_migrations (version) values ($1)', [m.version]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}

/** Splits a migration into statements on `;` at line ends (our migrations hold no procedural bodies). */
export function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*(?:\r?\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}
