import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { assess, assessColumnar, assessMinor } from '../../../src/engine/assess.ts';
import { toWire } from '../../../src/engine/wire.ts';
import { fromColumns, toColumns } from '../../../src/lib/columnar.ts';
import { fromVeqtrx } from '../../../src/model/index.ts';
import { benchmarkHistory } from '../../../tools/personas/personas.ts';
import { baseline, NOW, run, tx } from '../../helpers/engine.ts';

describe('the wire (src/engine/wire.ts)', () => {
  it('is the one place in the engine where pence become pounds', () => {
    const dir = new URL('../../../src/engine/', import.meta.url);
    const users = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /\btoMajor\b/.test(readFileSync(new URL(f, dir), 'utf8')));
    expect(users).to.deep.equal(['wire.ts']);
  });

  it('writes the figures the engine computed in pence as pounds', () => {
    const a = assessMinor({ transactions: baseline(), now: NOW, declared_income_minor: 250_000 });
    const { assessment, evidence } = toWire(a);
    expect(Math.round(assessment.monthly_income * 100)).to.equal(a.incomeMinor);
    expect(Math.round(assessment.monthly_expenditure * 100)).to.equal(a.expenditureMinor);
    expect(Math.round(evidence.income.verified_monthly * 100)).to.equal(a.income.verifiedMinor);
    expect(evidence.income.streams.map((s) => Math.round(s.monthly_amount * 100))).to.deep.equal(
      a.income.streams.map((s) => s.monthlyMinor),
    );
    for (const [c, f] of Object.entries(a.expenditure.figures)) {
      expect(
        Math.round(
          evidence.expenditure.categories[c as keyof typeof evidence.expenditure.categories]!.monthly_amount *
            100,
        ),
        c,
      ).to.equal(f.monthlyMinor);
    }
    expect(evidence.ledger.map((l) => Math.round(l.amount * 100))).to.deep.equal(
      a.rows.map((r) => r.tx.amount_minor),
    );
  });

  it('writes a ledger row per transaction, its keys in the order the evidence has always given them', () => {
    const t = [
      ...baseline(),
      tx('2026-10-03', 250, 'MONZO SAVINGS POT', { source_ref: 'src-1' }),
      tx('2026-12-01', 12, 'TESCO'),
    ];
    const text = run(t).evidence.ledger.map((l) => JSON.stringify(l));
    // One of each shape: spending, income, savings with the provider's id, an exclusion (as stored until now).
    expect(text).to.include.members([
      '{"ref":"T01","date":"2026-05-01","amount":30,"account_id":"default","merchant_name":"TESCO STORES 3297","rule":"merchant_dictionary","treatment":"expenditure","matched_merchant":"Tesco","kind":"supermarket","category":"Food & Housekeeping","class":"essential"}',
      '{"ref":"T11","date":"2026-05-25","amount":-2200,"account_id":"default","merchant_name":"ACME LTD","rule":"unmatched","treatment":"income","stream":"employment:ACME"}',
      '{"ref":"T68","date":"2026-10-03","amount":250,"account_id":"default","merchant_name":"MONZO SAVINGS POT","rule":"merchant_dictionary","treatment":"savings","source_ref":"src-1","matched_merchant":"Savings transfer","kind":"savings","category":"Savings","class":"savings"}',
      '{"ref":"T81","date":"2026-12-01","amount":12,"account_id":"default","merchant_name":"TESCO","rule":"merchant_dictionary","treatment":"excluded","matched_merchant":"Tesco","kind":"supermarket","reason":"future_dated"}',
    ]);
  });

  for (const n of [1, 412, 2_000]) {
    it(`${n} transactions: the columnar assessment is the same assessment, its ledger the columns of the same rows`, () => {
      const input = {
        transactions: benchmarkHistory(n).map((t) => fromVeqtrx(t)),
        now: NOW,
        declared_income_minor: 250_000,
      };
      const rows = assess(input);
      const cols = assessColumnar(input);
      expect(cols.assessment).to.deep.equal(rows.assessment);
      expect(cols.evidence).to.deep.equal({ ...rows.evidence, ledger: toColumns(rows.evidence.ledger) });
      expect(JSON.stringify(fromColumns(cols.evidence.ledger))).to.equal(
        JSON.stringify(rows.evidence.ledger),
      );
      expect(Object.keys(cols.evidence)).to.deep.equal(Object.keys(rows.evidence));
    });
  }
});
