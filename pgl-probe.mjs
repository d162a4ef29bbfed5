import { PGlite } from '@electric-sql/pglite';
const t0 = Date.now();
const db = await PGlite.create(); // in-memory
console.log('init ms', Date.now() - t0);
await db.exec('create table t (id int primary key, j jsonb, ts timestamptz default now(), b bigint); insert into t values (1, \'{"a":1}\', now(), 5);');
const r = await db.query('select * from t where id = $1', [1]);
console.log(r.rows, typeof r.rows[0].b, r.rows[0].ts instanceof Date, r.affectedRows);
const u = await db.query('update t set b = b + 1 where id = $1 and b < $2 returning b', [1, 100]);
console.log(u.rows, u.affectedRows);
await db.transaction(async (tx) => { await tx.query('insert into t(id) values (2)'); });
console.log((await db.query('select pg_advisory_xact_lock(1)')).rows);
const t1 = Date.now(); const dump = await db.dumpDataDir('none'); console.log('dump', dump.size, Date.now()-t1);
const t2 = Date.now(); const db2 = await PGlite.create({ loadDataDir: dump }); console.log('load ms', Date.now() - t2, (await db2.query('select count(*)::int n from t')).rows);
console.log('rss MB', Math.round(process.memoryUsage().rss/1e6));
