/**
 * The raw-transactions fast path (quickTransaction) must never disagree with TransactionSchema: when it
 * accepts a transaction, the schema accepts it too and outputs exactly the same value (keys included).
 * Whatever it refuses goes to the schema, so a refusal is never wrong, only slower; the generators are
 * biased to the edges (bounds, decimals, whitespace, nulls, wrong types) where the two could part.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import {
  quickTransaction,
  TransactionSchema,
  TransactionsSchema,
} from '../../../adapters/transactions/index.ts';

const money = (limit: number) =>
  fc.oneof(
    {
      arbitrary: fc.integer({ min: -limit * 100 - 2, max: limit * 100 + 2 }).map((p) => p / 100),
      weight: 12,
    },
    fc.constantFrom(
      limit,
      -limit,
      limit + 0.01,
      -limit - 0.01,
      0,
      -0,
      1.005,
      0.1 + 0.2,
      12.345,
      1e-7,
      Number.MAX_SAFE_INTEGER,
    ),
    fc.double({ noNaN: false }),
    fc.constantFrom('12.00', null, true, [], {}),
  );
const date = fc.oneof(
  {
    arbitrary: fc
      .date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    weight: 8,
  },
  fc
    .date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom(
    '2026-02-29',
    '2024-02-29',
    '2026-02-30',
    '2026-13-01',
    '2026-00-10',
    '2026-1-02',
    ' 2026-01-02',
    '2026-01-02T00:00:00Z',
    '12/01/2026',
    '',
  ),
  fc.constantFrom(20260102, null),
);
const text = (max: number) =>
  fc.oneof(
    { arbitrary: fc.string({ minLength: 1, maxLength: 8 }), weight: 8 },
    fc.constantFrom(
      '',
      ' ',
      '\t\n',
      ' X ',
      '\u00a0Y\u2003',
      'x'.repeat(max),
      ' ' + 'x'.repeat(max) + ' ',
      'x'.repeat(max + 1),
      'TESCO STORES 3297',
    ),
    fc.constantFrom(null, 7, false),
  );
const optionalField = <T>(a: fc.Arbitrary<T>) =>
  fc.option(fc.oneof(a, fc.constant(null), fc.constant(undefined)), { nil: undefined, freq: 3 });

const raw = fc
  .record(
    {
      date,
      amount: money(10_000_000),
      merchant_name: text(500),
      description: optionalField(text(1000)),
      category_hint: optionalField(text(100)),
      account_id: optionalField(text(100)),
      balance: optionalField(money(100_000_000)),
      currency: optionalField(
        fc.oneof(
          fc.constantFrom(
            'GBP',
            'gbp',
            'Eur',
            'USD',
            'GBX',
            'XXX',
            'ZZZ',
            'EURO',
            'GB',
            ' GBP',
            'GBP ',
            '£',
            '',
          ),
          fc.string({ minLength: 3, maxLength: 3 }),
          fc.constantFrom(826, true),
        ),
      ),
      extra: fc.option(fc.string(), { nil: undefined }),
    },
    { requiredKeys: [] },
  )
  .map(
    (r) =>
      Object.fromEntries(
        Object.entries(r).filter(([k, v]) => v !== undefined || k === 'description'),
      ) as Record<string, unknown>,
  );

describe('raw transactions: the fast path and TransactionSchema', () => {
  it('agree: whatever the fast path accepts, the schema accepts with the same output', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.oneof({ arbitrary: raw, weight: 9 }, fc.anything()), (t) => {
        const quick = quickTransaction(t);
        if (quick === undefined) {
          refused++;
          return;
        }
        accepted++;
        const schema = TransactionSchema.safeParse(t);
        expect(schema.success, JSON.stringify(t)).to.equal(true);
        expect(quick).to.deep.equal(schema.data);
        expect(Object.keys(quick).sort()).to.deep.equal(Object.keys(schema.data!).sort());
      }),
      { numRuns: 20_000 },
    );
    // Not vacuous: both branches are exercised many times.
    expect(accepted).to.be.greaterThan(1_000);
    expect(refused).to.be.greaterThan(1_000);
  });

  it('accepts the ordinary transaction and keeps null as an explicit absence, as the schema does', () => {
    const t = {
      date: '2026-05-01',
      amount: -1150.5,
      merchant_name: '  GREGGS PLC PAYROLL ',
      description: null,
      account_id: ' current ',
      balance: 12.3,
      extra: 1,
    };
    expect(quickTransaction(t)).to.deep.equal(TransactionSchema.parse(t));
    expect(quickTransaction(t)).to.deep.equal({
      date: '2026-05-01',
      amount: -1150.5,
      merchant_name: 'GREGGS PLC PAYROLL',
      description: undefined,
      account_id: 'current',
      balance: 12.3,
    });
  });

  it('reports through the schema: a list mixing good and bad transactions names each bad field by index', () => {
    const r = TransactionsSchema.safeParse([
      { date: '2026-05-01', amount: 1, merchant_name: 'A' },
      { date: '2026-02-30', amount: 1, merchant_name: 'B' },
      { date: '2026-05-01', amount: 1.005, merchant_name: ' ' },
    ]);
    expect(r.success).to.equal(false);
    expect(r.error!.issues.map((i) => [i.path.join('.'), i.message])).to.deep.equal([
      ['1.date', 'is not a real calendar date'],
      ['2.amount', 'must have at most 2 decimal places'],
      ['2.merchant_name', 'must not be empty'],
    ]);
  });

  it('gives the same list as item-by-item schema parsing for a valid history', () => {
    const history = Array.from({ length: 300 }, (_, i) => ({
      date: `2026-05-${String((i % 28) + 1).padStart(2, '0')}`,
      amount: (i % 7) * 3.25 - 10,
      merchant_name: ` M${i} `,
      ...(i % 3 ? { account_id: 'acc' } : { account_id: null }),
    }));
    expect(TransactionsSchema.parse(history)).to.deep.equal(history.map((t) => TransactionSchema.parse(t)));
  });
});
