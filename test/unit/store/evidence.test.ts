/**
 * The evidence as stored (src/store/evidence.ts): the ledger in columnar form (src/lib/columnar.ts),
 * Brotli-compressed. What the evidence route answers must be the same JSON, byte for byte, as when the
 * ledger was stored as rows — for any rows the codec accepts (a property test), for real assessments, and
 * for records stored before in either earlier form (gzip, the ledger as rows or in columns).
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { brotliCompressSync, brotliDecompressSync, constants, gzipSync } from 'node:zlib';
import { fromColumns, isColumns, RecordLayout, toColumns, type Scalar } from '../../../src/lib/columnar.ts';
import { evidenceJson, packEvidence, unpackEvidence } from '../../../src/store/evidence.ts';
import { assess, assessColumnar } from '../../../src/engine/index.ts';
import { fromVeqtrx } from '../../../src/model/index.ts';
import { benchmarkHistory } from '../../../tools/personas/personas.ts';
import { NOW } from '../../helpers/engine.ts';

/** What JSON makes of the rows after a trip through the columnar form and JSON (as stored and read). */
const roundTrip = (rows: unknown[]) => {
  const c = toColumns(rows);
  return c === undefined ? undefined : JSON.stringify(fromColumns(JSON.parse(JSON.stringify(c))));
};

const scalar = fc.oneof(
  fc.string(),
  fc.constantFrom('T001', 'T002', 'expenditure', '', '\ud800', 'a"b\\c', '£1,234.50', '\u2028'),
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1e21, 5e-324),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
);
// (`__proto__` is refused, below.)
const key = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      'ref',
      'date',
      'amount',
      'rule',
      'kind',
      '1',
      '10',
      '0',
      'constructor',
      'toString',
      'hasOwnProperty',
      '',
    ),
    weight: 4,
  },
  fc.string().filter((k) => k !== '__proto__'),
);
const row = fc.dictionary(key, scalar, { maxKeys: 8 });

describe('the evidence as stored', () => {
  describe('columnar rows', () => {
    it('give back the same JSON, byte for byte, for any rows of scalars (key order, integer-like keys, -0, NaN, lone surrogates)', () => {
      let packed = 0;
      fc.assert(
        fc.property(fc.array(row, { maxLength: 60 }), (rows) => {
          const back = roundTrip(rows);
          expect(back, 'rows of scalars are always packed').to.not.equal(undefined);
          packed++;
          expect(back).to.equal(JSON.stringify(rows));
        }),
        { numRuns: 400 },
      );
      expect(packed).to.equal(400);
    });

    it('repeat a few rows many times: dictionaries stay exact', () => {
      fc.assert(
        fc.property(
          fc.array(row, { minLength: 1, maxLength: 5 }),
          fc.array(fc.nat(4), { minLength: 100, maxLength: 400 }),
          (some, picks) => {
            const rows = picks.map((i) => ({ ...some[i % some.length] }));
            expect(roundTrip(rows)).to.equal(JSON.stringify(rows));
          },
        ),
        { numRuns: 100 },
      );
    });

    it('store a counter (`T0001`, `T0002`, …) as a sequence, and anything that breaks it as values', () => {
      const seq = Array.from({ length: 1200 }, (_, i) => ({ ref: `T${String(i + 1).padStart(4, '0')}` }));
      const c = toColumns(seq)!;
      expect(c.columns[0]).to.deep.equal({ s: { prefix: 'T', width: 4, start: 1 } });
      expect(roundTrip(seq)).to.equal(JSON.stringify(seq));
      const broken = seq.map((r, i) => (i === 700 ? { ref: 'T0700' } : r));
      expect(toColumns(broken)!.columns[0]).to.not.have.property('s');
      expect(roundTrip(broken)).to.equal(JSON.stringify(broken));
      const wide = [{ ref: 'T9' }, { ref: 'T10' }, { ref: 'T11' }];
      expect(roundTrip(wide)).to.equal(JSON.stringify(wide));
    });

    it('of a record layout are what toColumns makes of its records, without the records being built', () => {
      // Items are arrays of values; field f reads item[f] (undefined: the record has no such key).
      const keys = fc.uniqueArray(
        fc.oneof(
          fc.constantFrom('ref', 'amount', 'constructor', 'toString', '', 'a b', '\ud800'),
          fc.string().filter((k) => k !== '__proto__' && !/^(0|[1-9]\d*)$/.test(k)),
        ),
        { minLength: 1, maxLength: 8 },
      );
      fc.assert(
        fc.property(
          keys,
          fc.array(fc.array(scalar, { minLength: 8, maxLength: 8 }), { maxLength: 80 }),
          (ks, items) => {
            const fields: Record<string, (item: Array<Scalar | undefined>) => Scalar | undefined> = {};
            ks.forEach((k, f) => (fields[k] = (item) => item[f]));
            const layout = new RecordLayout<Array<Scalar | undefined>, Record<string, Scalar | undefined>>(
              fields,
            );
            const records = items.map((i) => layout.record(i));
            expect(records.map((r) => Object.keys(r))).to.deep.equal(
              items.map((i) => ks.filter((_, f) => i[f] !== undefined)),
            );
            expect(layout.columns(items)).to.deep.equal(toColumns(records));
          },
        ),
        { numRuns: 300 },
      );
    });

    it('of a record layout refuse keys that would not keep their place: an array index, __proto__', () => {
      const read = () => 1;
      expect(() => new RecordLayout({ a: read, 1: read })).to.throw(RangeError, '"1"');
      expect(() => new RecordLayout(JSON.parse('{"__proto__": 1}') as Record<string, () => 1>)).to.throw(
        RangeError,
      );
      expect(() => new RecordLayout({ a: read, '01': read, '-1': read })).to.not.throw();
    });

    it('refuse what they could not bring back exactly: nested values, non-plain rows, a __proto__ key', () => {
      expect(toColumns([{ a: 1 }, { a: { b: 2 } }])).to.equal(undefined);
      expect(toColumns([{ a: [1] }])).to.equal(undefined);
      expect(toColumns([{ a: 1 }, [1, 2]])).to.equal(undefined);
      expect(toColumns([{ a: 1 }, null])).to.equal(undefined);
      expect(toColumns([{ a: 1 }, new Date(0)])).to.equal(undefined);
      expect(toColumns([JSON.parse('{"__proto__": 1}')])).to.equal(undefined);
      expect(toColumns([{ a: 1n }])).to.equal(undefined);
      expect(toColumns([{ a: () => 1 }])).to.equal(undefined);
      expect(toColumns([])).to.deep.include({ rows: 0 });
    });
  });

  describe('a real assessment', () => {
    for (const n of [1, 412, 2_000]) {
      it(`${n} transactions: the evidence route's JSON is the same bytes whichever form the record was stored in; the ledger is stored in columns, smaller`, () => {
        const transactions = benchmarkHistory(n).map((t) => fromVeqtrx(t));
        const { evidence } = assess({ transactions, now: NOW, declared_income_minor: 250_000 });
        const record = {
          ...evidence,
          source: { type: 'transactions', metadata: {}, warnings: [] },
          warnings: [],
        };
        const json = JSON.stringify(record);
        const rowsGzip = gzipSync(Buffer.from(json)); // stored so at first: the ledger as rows, gzip
        // Then the ledger in columns, gzip (what packEvidence wrote until the Brotli form).
        const columnsGzip = gzipSync(
          Buffer.from(JSON.stringify({ ...record, ledger: toColumns(record.ledger) })),
          { level: 1 },
        );
        const now = packEvidence(record);
        // What the route answered: res.json of the parsed record.
        const answered = JSON.stringify(JSON.parse(json));
        expect(evidenceJson(now).toString('utf8')).to.equal(answered);
        for (const [form, before] of [
          ['the ledger as rows, gzip', rowsGzip],
          ['the ledger in columns, gzip', columnsGzip],
        ] as const)
          expect(
            evidenceJson(before).toString('utf8'),
            `a record stored before (${form}) reads as it did`,
          ).to.equal(answered);
        expect(unpackEvidence(now)).to.deep.equal(JSON.parse(answered));
        expect(unpackEvidence(columnsGzip)).to.deep.equal(JSON.parse(answered));
        // The form written now: its mark, then Brotli; inside, the ledger in columns.
        expect(now.subarray(0, 4).toString('latin1')).to.equal('VQX2');
        const stored = JSON.parse(brotliDecompressSync(now.subarray(4)).toString('utf8')) as {
          ledger: unknown;
        };
        expect(isColumns(stored.ledger), 'the ledger is stored in columns').to.equal(true);
        expect((stored.ledger as { rows: number }).rows).to.equal(evidence.ledger.length);
        if (n >= 412) expect(now.length).to.be.lessThan(columnsGzip.length).and.lessThan(rowsGzip.length);
        // What the workers store: the engine's ledger made in columns straight away, the same bytes.
        const columnar = assessColumnar({ transactions, now: NOW, declared_income_minor: 250_000 }).evidence;
        expect(packEvidence({ ...columnar, source: record.source, warnings: [] }).equals(now)).to.equal(true);
      });
    }

    it("packs each record to its own JSON's bytes, Brotli at quality 1, whatever was packed before it on the thread (any text, any size)", () => {
      const expected = (record: object) => {
        const json = Buffer.from(JSON.stringify(record));
        return Buffer.concat([
          Buffer.from('VQX2', 'latin1'),
          brotliCompressSync(json, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: 1,
              [constants.BROTLI_PARAM_LGWIN]: 16,
              [constants.BROTLI_PARAM_SIZE_HINT]: json.length,
            },
          }),
        ]);
      };
      const big = { note: 'x'.repeat(300_000), ledger: { format: 'not rows' } };
      const records = [
        big,
        { a: 1 },
        { text: 'Café £12 – ’quoted’ 😀 and a lone \ud800 surrogate', ledger: { n: 1 } },
        { note: '€'.repeat(100_000) }, // three bytes each: past what the last record needed
        { a: 1 },
        big,
      ];
      for (const record of records) expect(packEvidence(record).equals(expected(record))).to.equal(true);
      const first = packEvidence({ a: 1 });
      packEvidence(big);
      expect(first.equals(expected({ a: 1 })), 'an earlier record is not overwritten').to.equal(true);
    });

    it('a record stored in a Node Buffer shared with others (a slice) reads by its own bytes only', () => {
      const packed = packEvidence({ a: 1, ledger: [{ ref: 'T1' }] });
      const pool = Buffer.concat([Buffer.from('xxxx'), packed, Buffer.from('yy')]);
      expect(unpackEvidence(pool.subarray(4, 4 + packed.length))).to.deep.equal({
        a: 1,
        ledger: [{ ref: 'T1' }],
      });
    });
  });
});
