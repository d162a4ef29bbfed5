/**
 * The embedded database runs every statement with parameters as a named prepared statement, kept in a
 * bounded cache (store/db.ts). These tests hold that path to what PGlite's own `query` gives: the same
 * values back for every type the gateway stores, errors with their SQLSTATE, transactions that stay
 * whole under concurrent callers, and statements that outlive a rollback or a schema change.
 */
import { expect } from 'chai';
import { openDb, type Db, type Queryable } from '../../src/store/db.ts';
import { freshDatabase } from '../helpers/databases.ts';

describe('embedded database: prepared statements', function () {
  this.timeout(60_000);
  let db: Db;
  before(async () => {
    db = await openDb({ dataDir: 'memory://', statementCache: 3 });
    await db.exec(
      `create table t (id integer primary key, name text, ok boolean, amount float8, doc jsonb, data bytea, at timestamptz)`,
    );
  });
  after(() => db.close());

  const prepared = async () =>
    (
      await db.query<{ name: string }>(
        'select name from pg_prepared_statements where $1::int = 1 order by name',
        [1],
      )
    ).rows.map((r) => r.name);

  it('gives back every type the gateway stores, and NULL for null or undefined', async () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256);
    const at = new Date('2026-11-21T10:11:12.345Z');
    for (let i = 1; i <= 5; i++) {
      await db.query(
        'insert into t (id, name, ok, amount, doc, data, at) values ($1, $2, $3, $4, $5, $6, $7)',
        [i, `n${i}`, i % 2 === 0, i + 0.25, JSON.stringify({ i, s: 'é£' }), bytes, at],
      );
    }
    await db.query(
      'insert into t (id, name, ok, amount, doc, data, at) values ($1, $2, $3, $4, $5, $6, $7)',
      [6, null, undefined, null, null, null, null],
    );
    const { rows } = await db.query<Record<string, unknown>>(
      'select * from t where id >= $1 order by id',
      [4],
    );
    expect(rows).to.have.length(3);
    expect(rows[0]).to.deep.include({ id: 4, name: 'n4', ok: true, amount: 4.25, doc: { i: 4, s: 'é£' } });
    expect(Buffer.from(rows[0]!.data as Uint8Array).equals(Buffer.from(bytes))).to.equal(true);
    expect((rows[0]!.at as Date).toISOString()).to.equal(at.toISOString());
    expect(rows[2]).to.deep.equal({
      id: 6,
      name: null,
      ok: null,
      amount: null,
      doc: null,
      data: null,
      at: null,
    });
  });

  it('reports the rows an update touched, as PGlite does', async () => {
    const r = await db.query('update t set ok = $1 where id <= $2', [false, 3]);
    expect(r.rowCount).to.equal(3);
  });

  it('keeps at most the configured number of statements, closing the least recently used', async () => {
    for (let round = 0; round < 3; round++) {
      for (let k = 0; k < 6; k++) {
        const { rows } = await db.query<{ v: number }>(`select $1::int + ${k} as v`, [round]);
        expect(rows[0]!.v).to.equal(round + k);
      }
    }
    // The listing itself is one of the three.
    expect((await prepared()).length).to.be.at.most(3);
  });

  it('throws the database error with its SQLSTATE and goes on working', async () => {
    let err: { code?: string } | undefined;
    try {
      await db.query('insert into t (id, name) values ($1, $2)', [1, 'again']);
    } catch (e) {
      err = e as { code?: string };
    }
    expect(err?.code).to.equal('23505');
    expect(
      (await db.query<{ name: string }>('select name from t where id = $1', [1])).rows[0]!.name,
    ).to.equal('n1');
  });

  it('keeps a transaction whole while other callers run statements in between', async () => {
    let release!: () => void;
    const paused = new Promise<void>((r) => (release = r));
    let begun!: () => void;
    const inTx = new Promise<void>((r) => (begun = r));
    const tx = db
      .tx(async (q) => {
        await q.query('insert into t (id, name) values ($1, $2)', [100, 'in tx']);
        begun();
        await paused;
        await q.query('insert into t (id, name) values ($1, $2)', [101, 'in tx']);
        throw new Error('roll back');
      })
      .catch((e: Error) => e.message);
    // Callers outside, arriving while the transaction is open, wait for it rather than join it.
    await inTx;
    const outside = Promise.all(
      [200, 201, 202].map((id) => db.query('insert into t (id, name) values ($1, $2)', [id, 'outside'])),
    );
    await new Promise((r) => setTimeout(r, 50));
    release();
    expect(await tx).to.equal('roll back');
    await outside;
    const { rows } = await db.query<{ id: number }>('select id from t where id >= $1 order by id', [100]);
    expect(rows.map((r) => r.id)).to.deep.equal([200, 201, 202]);
  });

  it('uses a statement first prepared in a transaction that was rolled back', async () => {
    const sql = 'select count(*)::int as n from t where name = $1';
    await db
      .tx(async (q) => {
        expect((await q.query<{ n: number }>(sql, ['outside'])).rows[0]!.n).to.equal(3);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect((await db.query<{ n: number }>(sql, ['outside'])).rows[0]!.n).to.equal(3);
  });

  it('prepares a statement again when the table it reads has changed', async () => {
    const sql = 'select * from t where id = $1';
    expect(Object.keys((await db.query(sql, [1])).rows[0]!)).to.not.include('note');
    await db.exec(`alter table t add column note text default 'added'`);
    const { rows } = await db.query<{ note: string }>(sql, [1]);
    expect(rows[0]!.note).to.equal('added');
  });
});

for (const kind of ['pglite', 'postgres'] as const) {
  describe(`transactions [${kind}]`, function () {
    this.timeout(60_000);
    let db: Db;
    let drop = async () => {};
    before(async function () {
      const p = await freshDatabase(kind, 'veqtrx_tx');
      if (!p) return this.skip();
      ({ db, drop } = p);
      await db.exec('create table t (id integer primary key)');
    });
    after(() => drop());

    it('refuses a statement on a transaction whose callback is over, so it cannot land outside it', async () => {
      let leaked: Queryable | undefined;
      await db.tx(async (q) => {
        await q.query('insert into t (id) values ($1)', [1]);
        leaked = q;
      });
      let err: Error | undefined;
      try {
        await leaked!.query('insert into t (id) values ($1)', [2]);
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message).to.equal('Transaction is closed');
      expect(
        (await db.query<{ id: number }>('select id from t where id > $1 order by id', [0])).rows.map(
          (r) => r.id,
        ),
      ).to.deep.equal([1]);
    });
  });
}
