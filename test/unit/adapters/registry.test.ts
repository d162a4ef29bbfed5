/** The list of sources is the one list: the union and the spec agree with it (the database's check: test/component/source-registry.test.ts). */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { SOURCES, SourceInputSchema } from '../../../adapters/registry.ts';

describe('the source registry', () => {
  it('the union of source schemas is the adapters’ own schemas, in the list’s order', () => {
    expect(SourceInputSchema.options).to.deep.equal(SOURCES.map((s) => s.schema));
  });

  it('the spec’s SourceInput has one variant per listed source, discriminated by its id', () => {
    const spec = parse(
      readFileSync(new URL('../../../openapi/partner-v1.yaml', import.meta.url), 'utf8'),
    ) as {
      components: {
        schemas: Record<string, { discriminator?: { mapping: Record<string, string> }; oneOf?: unknown[] }>;
      };
    };
    const input = spec.components.schemas.SourceInput!;
    expect(Object.keys(input.discriminator!.mapping).sort()).to.deep.equal(SOURCES.map((s) => s.id).sort());
    expect(input.oneOf).to.have.length(SOURCES.length);
  });
});
