/**
 * Initialises an embedded database directory (PGlite's initdb) in a process of its own, then exits:
 * `node pglite-init.js <dataDir> <startParams as JSON>`, run by openDb (db.ts) on a first start.
 *
 * PGlite 0.5 initialises a new directory with a second PostgreSQL instance and initdb's own WebAssembly
 * module beside the one that serves; in the gateway's process their memory stayed resident until a full
 * garbage collection that an idle server never runs (RSS 1 GB idle after a first start, against about
 * 500 MB after a restart). Here it goes with the process. Exits with 1 and the reason on stderr when
 * the initialisation fails, and at once when its parent goes (the IPC channel closes).
 */
import { PGlite } from '@electric-sql/pglite';
import { errorMessage } from '../lib/narrow.ts';

const [dataDir, params] = process.argv.slice(2);
if (!dataDir || !params) {
  console.error('usage: pglite-init <dataDir> <startParams as JSON>');
  process.exit(2);
}
process.on('disconnect', () => process.exit(1));
try {
  const startParams: unknown = JSON.parse(params);
  if (!Array.isArray(startParams) || !startParams.every((p): p is string => typeof p === 'string'))
    throw new Error('startParams must be a JSON array of strings');
  const lite = await PGlite.create({ dataDir, startParams });
  await lite.close();
  process.exit(0);
} catch (e) {
  console.error(errorMessage(e));
  process.exit(1);
}
