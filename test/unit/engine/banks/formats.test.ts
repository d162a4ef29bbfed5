import { expect } from 'chai';
import { BANKS, DEFAULT_FORMAT, UK_FORMATS } from '../../../../src/engine/banks/index.ts';
import { buildNormaliser } from '../../../../src/engine/normalise.ts';

describe('bank formats (src/engine/banks/)', () => {
  it('are all read by the engine, over the default, since it is not told the bank', () => {
    expect(UK_FORMATS).to.deep.equal([DEFAULT_FORMAT, ...BANKS]);
    expect(new Set(BANKS.map((b) => b.bank)).size).to.equal(BANKS.length);
  });

  it('each add something of their own: no prefix the default (or another bank) already reads', () => {
    const seen = new Map<string, string>();
    for (const f of UK_FORMATS) {
      for (const p of [...(f.prefixes ?? []), ...(f.transferPrefixes ?? []), ...(f.returnedCodes ?? [])]) {
        expect(seen.get(p), `${f.bank}: ${p}`).to.equal(undefined);
        seen.set(p, f.bank);
      }
    }
  });

  it('refuse a type code that one format reads as a transfer and another does not', () => {
    const other = { bank: 'Other', described: 'nowhere', prefixes: ['SO'] };
    expect(() => buildNormaliser([DEFAULT_FORMAT, other])).to.throw(
      '"SO" is a transfer prefix in one format and not in another',
    );
  });
});
