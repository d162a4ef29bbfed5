/** The list of sources is the one list: the spec, the providers and the database's check agree with it. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { PROVIDERS, SOURCES, SourceInputSchema } from '../../../adapters/registry.ts';
import { embedded } from '../../helpers/databases.ts';

describe('the source registry', () => {
  it('the union of source schemas is the adapters’ own schemas, in the list’s order', () => {
    expect(SourceInputSchema.options).to.deep.equal(SOURCES.map((s) => s.schema));
  });

  it('the spec’s SourceInput has one variant per listed source, discriminated by its id', () => {
    const spec = parse(readFileSync(new URL('../../../openapi/partner-v1.yaml', import.meta.url), 'utf8')) as { components: { schemas: Record<string, { discriminator?: { mapping: Record<string, string> }; oneOf?: unknown[] }> } };
    const input = spec.components.schemas.SourceInput!;
    expect(Object.keys(input.discriminator!.mapping).sort()).to.deep.equal(SOURCES.map((s) => s.id).sort());
    expect(input.oneOf).to.have.length(SOURCES.length);
  });

  it('the providers whose credentials can be stored are the fetching sources, and the database accepts exactly those', async () => {
    expect(PROVIDERS).to.deep.equal(SOURCES.filter((s) => s.kind === 'fetching').map((s) => s.id));
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
