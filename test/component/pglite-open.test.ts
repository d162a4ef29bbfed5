/**
 * Opening the embedded database (store/db.ts): a new data directory is initialised in a child process
 * (store/pglite-init.ts) and then opened as an existing one; `shared_buffers` is the configured size.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGLITE_SHARED_BUFFERS } from '../../src/config.ts';
import { openDb } from '../../src/store/db.ts';

describe('embedded database: opening a data directory', function () {
  this.timeout(180_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pglite-open-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('initialises a new directory, keeps what was written, and opens it again with the configured shared_buffers', async () => {
    const first = await openDb({ dataDir: dir });
    try {
      expect(existsSync(join(dir, 'PG_VERSION'))).to.equal(true);
      expect(
        (await first.query<{ shared_buffers: string }>('show shared_buffers')).rows[0]!.shared_buffers,
      ).to.equal(PGLITE_SHARED_BUFFERS);
      await first.exec('create table kept (v text)');
      await first.query('insert into kept (v) values ($1)', ['still here']);
    } finally {
      await first.close();
    }
    const again = await openDb({ dataDir: dir, sharedBuffers: '8MB' });
    try {
      expect(
        (await again.query<{ shared_buffers: string }>('show shared_buffers')).rows[0]!.shared_buffers,
      ).to.equal('8MB');
      expect((await again.query<{ v: string }>('select v from kept')).rows).to.deep.equal([
        { v: 'still here' },
      ]);
    } finally {
      await again.close();
    }
  });
});
