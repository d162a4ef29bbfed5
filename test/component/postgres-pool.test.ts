/**
 * The PostgreSQL pool when the server ends a connection it holds idle (a restart, a failover, an
 * administrator, a proxy's idle timeout): the gateway must report it and carry on, not stop.
 */
import { expect } from 'chai';
import { openDb } from '../../src/store/db.ts';
import { serverDatabase } from '../helpers/databases.ts';
import { waitFor } from '../helpers/receiver.ts';

describe('PostgreSQL pool', function () {
  this.timeout(60_000);
  it('survives an idle connection ended by the server: it reports it and the next statement gets a new connection', async function () {
    const p = await serverDatabase('veqtrx_idle', 1);
    if (!p) return this.skip();
    const lost: Error[] = [];
    const db = await openDb({ databaseUrl: p.url, poolSize: 1, onIdleError: (e) => lost.push(e) });
    try {
      const before = (await db.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      await p.db.query('select pg_terminate_backend($1)', [before]);
      await waitFor(() => lost.length > 0, { intervalMs: 20, what: 'the lost idle connection reported' });
      expect(lost).to.have.length(1);
      expect(lost[0]!.message).to.match(/terminating connection/);
      const after = (await db.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      expect(after).to.not.equal(before);
    } finally {
      await db.close();
      await p.drop();
    }
  });
});
