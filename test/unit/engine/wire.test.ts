import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { assessMinor } from '../../../src/engine/assess.ts';
import { toWire } from '../../../src/engine/wire.ts';
import { baseline, NOW } from '../../helpers/engine.ts';

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
});
