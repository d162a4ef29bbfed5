/**
 * The error codes are one closed list (src/lib/errors.ts, ERROR_CODES): the README's table says the same,
 * row for row, and each OpenAPI document's `code` enum lists exactly the codes its API can send. (The
 * enums are also bound at compile time, through the generated types, in src/http/middleware.ts.)
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { parse } from 'yaml';
import { ERROR_CODES } from '../../../src/lib/errors.ts';

const root = new URL('../../../', import.meta.url);
const read = (f: string) => readFileSync(new URL(f, root), 'utf8');

function readmeRows(): string[][] {
  const readme = read('README.md');
  const start = readme.indexOf('### Error codes');
  expect(start, 'README has an "Error codes" section').to.be.greaterThan(-1);
  const section = readme.slice(start, readme.indexOf('\n### ', start + 1));
  return section
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) =>
      l
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
}

describe('error codes', () => {
  it('are the README table, row for row: code, status, API, retry, meaning', () => {
    const expected = Object.entries(ERROR_CODES).map(([code, c]) => [
      `\`${code}\``,
      String(c.status),
      c.apis.length === 2 ? 'both' : c.apis[0],
      c.retry ? 'yes' : 'no',
      c.meaning,
    ]);
    expect(readmeRows()).to.deep.equal(expected);
  });

  /** The part of an OpenAPI document read here. */
  type ErrorCodesDoc = { components: { schemas: { Error: { properties: { code: { enum: string[] } } } } } };
  for (const [api, file, pointer] of [
    [
      'partner',
      'openapi/partner-v1.yaml',
      (d: ErrorCodesDoc) => d.components.schemas.Error.properties.code.enum,
    ],
    ['admin', 'openapi/admin-v1.yaml', (d: ErrorCodesDoc) => d.components.schemas.Error.properties.code.enum],
  ] as const) {
    it(`are the ${api} API's Error.code enum: the codes that API can send`, () => {
      const listed = pointer(parse(read(file)));
      const sent = Object.entries(ERROR_CODES)
        .filter(([, c]) => (c.apis as readonly string[]).includes(api))
        .map(([code]) => code);
      expect([...listed].sort()).to.deep.equal([...sent].sort());
    });
  }
});
