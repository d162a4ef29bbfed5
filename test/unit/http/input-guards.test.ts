import { expect } from 'chai';
import { countFailure, nestingFailure, stringFailure } from '../../../src/contract/input-guards.ts';
import { dateWindow, outsideDateWindow } from '../../../src/model/dates.ts';

const bytes = (s: string) => Buffer.from(s);

describe('input guards', () => {
  it('counts nesting on the bytes, ignoring brackets inside strings', () => {
    expect(nestingFailure(bytes('[[[]]]'), 3)).to.equal(undefined);
    expect(nestingFailure(bytes('[[[[]]]]'), 3)).to.match(/more than 3 levels/);
    expect(nestingFailure(bytes('{"a":"[[[[[\\"[[["}'), 3)).to.equal(undefined);
    expect(nestingFailure(bytes('['.repeat(1_000_000)))).to.match(/32/);
  });

  it('finds the first ill-formed or control-character string, naming its path (keys too)', () => {
    expect(stringFailure({ a: ['ok', 'fine £ 😀'] })).to.equal(undefined);
    expect(stringFailure({ a: [{ b: 'x' }, { b: 'y\u0000' }] })).to.deep.include({ path: 'a[1].b' });
    expect(stringFailure({ c: '\ud800' })!.message).to.match(/surrogate/);
    expect(stringFailure({ c: 'a\udc00' })!.path).to.equal('c');
    expect(stringFailure({ c: '\t' })!.message).to.match(/U\+0009/);
    expect(stringFailure({ c: '\u007f' })).to.not.equal(undefined);
    expect(stringFailure({ ['k\ud800']: 1 })!.path).to.equal('k\ud800');
    expect(stringFailure('\u0001')!.path).to.equal('(body)');
  });

  it('walks a deep value without recursion', function () {
    this.timeout(120_000); // the subject is the stack, not speed: 200,000 levels take seconds on a loaded machine
    let v: unknown = 'x\u0000';
    for (let i = 0; i < 200_000; i++) v = [v];
    expect(stringFailure(v)!.message).to.match(/control/);
  });

  it('counts rows from the arrays before any row is looked at', () => {
    const limits = { transactions: 10, accounts: 3, list: 20 };
    expect(countFailure({ transactions: Array(11).fill(null) }, limits)!.path).to.equal('transactions');
    expect(countFailure({ transactions: Array(10).fill(null) }, limits)).to.equal(undefined);
    expect(
      countFailure(
        { source: { accounts: [{ transactions: Array(6) }, { transactions: Array(5) }] } },
        limits,
      )!.message,
    ).to.match(/11 transactions/);
    expect(countFailure({ source: { accounts: Array(4).fill({}) } }, limits)!.path).to.equal(
      'source.accounts',
    );
    expect(countFailure({ source: { added: Array(21) } }, limits)!.path).to.equal('source.added');
    expect(countFailure([1, 2], limits)).to.equal(undefined);
  });
});

describe('the accepted date window', () => {
  it('runs from the same day 24 months before to the day after (UTC)', () => {
    expect(dateWindow(new Date('2026-11-05T12:00:00Z'))).to.deep.equal({
      first: '2024-11-05',
      last: '2026-11-06',
      today: '2026-11-05',
    });
    expect(dateWindow(new Date('2028-02-29T23:59:59Z')).first).to.equal('2026-02-28');
    expect(dateWindow(new Date('2026-12-31T00:00:00Z')).last).to.equal('2027-01-01');
  });

  it('says why a date is outside, and nothing for one inside', () => {
    const w = dateWindow(new Date('2026-11-05T12:00:00Z'));
    expect(outsideDateWindow('2024-11-05', w)).to.equal(undefined);
    expect(outsideDateWindow('2026-11-06', w)).to.equal(undefined);
    expect(outsideDateWindow('2024-11-04', w)).to.match(
      /outside the accepted window 2024-11-05 to 2026-11-06/,
    );
    expect(outsideDateWindow('0000-01-01', w)).to.be.a('string');
    expect(outsideDateWindow('9999-12-31', w)).to.be.a('string');
  });
});
