/** Our figures beside a provider's: which figures are compared, and where the thresholds fall. */
import { expect } from 'chai';
import { compareThirdParty } from '../../../src/engine/third-party.ts';
import type { AssessmentFigures } from '../../../src/model/assessment.ts';
import type { ThirdPartyVerdict } from '../../../src/model/third-party.ts';

const ours: AssessmentFigures = {
  monthly_income: 2500,
  monthly_expenditure: 1800,
  disposable_income: 700,
  affordable_amount: 350,
  affordability_score: 70,
  categories: {},
  fca_compliant: true,
  risk_flags: [],
  vulnerability_flags: [],
  transactions_analyzed: 400,
  confidence_score: 0.9,
  months_analyzed: 6,
};
const verdict = (mapped: ThirdPartyVerdict['mapped']): ThirdPartyVerdict => ({
  provider: 'decisioning_api',
  product: 'credit-decisioning',
  version: 'v2',
  analysis_id: 'an-1',
  raw: {},
  mapped,
});

describe('third-party comparison (rule third_party.disagreement)', () => {
  it('compares only the figures the provider states, in minor units', () => {
    const c = compareThirdParty(ours, 'GBP', verdict({ currency: 'GBP', monthly_income_minor: 250_000 }));
    expect(c.figures).to.deep.equal([
      { figure: 'monthly_income', ours: 250_000, theirs: 250_000, difference: 0, disagrees: false },
    ]);
    expect(c.disagreements).to.deep.equal([]);
  });

  it('flags an income more than 10% apart, and not one 10% apart', () => {
    // 2500 vs 2250: 250 of 2500 = 10.0% — not more than 10%.
    const edge = compareThirdParty(ours, 'GBP', verdict({ monthly_income_minor: 225_000 }));
    expect(edge.figures[0]).to.include({ difference: 10, disagrees: false });
    const c = compareThirdParty(ours, 'GBP', verdict({ monthly_income_minor: 224_000 }));
    expect(c.figures[0]).to.include({ difference: 10.4, disagrees: true });
    expect(c.disagreements).to.have.length(1);
    expect(c.disagreements[0]).to.match(/^monthly income: ours 2500\.00, decisioning_api's 2240\.00 GBP/);
  });

  it('does not flag a small amount far apart in percent but within the floor', () => {
    const small = { ...ours, affordable_amount: 30 };
    const c = compareThirdParty(small, 'GBP', verdict({ affordable_amount_minor: 1_000 }));
    expect(c.figures[0]).to.include({ figure: 'affordable_amount', disagrees: false });
    expect(c.figures[0]?.difference).to.be.greaterThan(60);
  });

  it('places each score on its own range before comparing them', () => {
    const near = compareThirdParty(ours, 'GBP', verdict({ score: { value: 650, min: 0, max: 1000 } }));
    expect(near.figures[0]).to.include({ figure: 'score', ours: 0.7, theirs: 0.65, disagrees: false });
    const far = compareThirdParty(ours, 'GBP', verdict({ score: { value: 300, min: 0, max: 1000 } }));
    expect(far.figures[0]).to.include({ difference: 0.4, disagrees: true });
  });

  it('compares no amount across currencies, and says so', () => {
    const c = compareThirdParty(ours, 'GBP', verdict({ currency: 'ZAR', monthly_income_minor: 5_000_000 }));
    expect(c.figures).to.deep.equal([]);
    expect(c.currency_mismatch).to.deep.equal({ ours: 'GBP', theirs: 'ZAR' });
  });
});
