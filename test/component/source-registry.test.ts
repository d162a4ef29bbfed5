/** The providers a partner can store credentials for are the registry's fetching sources and analysis providers, and the database's check agrees. */
import { expect } from 'chai';
import { PROVIDERS, SOURCES } from '../../adapters/registry.ts';
import { embedded } from '../helpers/databases.ts';

describe('the source registry and the database', function () {
  // The embedded database may be opened (and migrated) here first: minutes on a busy machine.
  this.timeout(180_000);

  it('the providers whose credentials can be stored are the fetching sources, and the database accepts exactly those', async () => {
    expect(PROVIDERS).to.deep.equal([
      ...SOURCES.filter((s) => s.kind === 'fetching').map((s) => s.id),
      // The analysis providers with credentials of their own (ValidiFI INSIGHTS uses ValidiFI's).
      ...SOURCES.filter((s) => s.kind === 'analysis' && s.id !== 'validifi_insights').map((s) => s.id),
    ]);
    const db = await embedded();
    const { rows } = await db.query<{ def: string }>(
      `select pg_get_constraintdef(c.oid) as def from pg_constraint c join pg_class t on t.oid = c.conrelid
        where t.relname = 'provider_credentials' and c.contype = 'c' and pg_get_constraintdef(c.oid) like '%provider%'`,
    );
    expect(rows, 'the check on provider_credentials.provider').to.have.length(1);
    const allowed = [...rows[0]!.def.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]).sort();
    expect(allowed).to.deep.equal([...PROVIDERS].sort());
  });
});
