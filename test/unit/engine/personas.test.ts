import { expect } from 'chai';
import { assess } from '../../../src/engine/index.ts';
import { fromVeqtrx, toMinor } from '../../../src/model/index.ts';
import { generatePersona, PERSONA_IDS } from '../../../tools/personas/personas.ts';

/**
 * The engine against the generator's ground truth: income within 2%, every category within 5%, risk
 * flags and detected vulnerability indicators exact, the FCA minimum as designed. Several seeds each.
 */
const SEEDS = [1, 7, 42, 1234];

describe('engine against seeded personas', () => {
  for (const id of PERSONA_IDS) {
    describe(id, () => {
      for (const seed of SEEDS) {
        it(`matches the ground truth (seed ${seed})`, () => {
          const p = generatePersona(id, seed);
          const { assessment: a, evidence: e } = assess({
            transactions: p.transactions.map((t) => fromVeqtrx(t)),
            circumstances: p.circumstances,
            declared_income_minor: toMinor(p.declared_income),
            now: new Date(p.now),
          });
          const t = p.truth;
          expect(
            Math.abs(e.income.verified_monthly - t.monthly_income) / t.monthly_income,
            'verified income error',
          ).to.be.at.most(0.02);
          const used = Math.min(p.declared_income, e.income.verified_monthly);
          expect(a.monthly_income).to.equal(used);
          const names = new Set([...Object.keys(a.categories), ...Object.keys(t.categories)]);
          for (const c of names) {
            const got = (a.categories as Record<string, number>)[c] ?? 0;
            const want = (t.categories as Record<string, number>)[c] ?? 0;
            expect(want, `category ${c} appears only in the engine's output (${got})`).to.be.greaterThan(0);
            expect(Math.abs(got - want) / want, `${c}: got ${got}, truth ${want}`).to.be.at.most(0.05);
          }
          expect(a.risk_flags).to.deep.equal(t.risk_flags);
          expect(e.vulnerability.detected.map((d) => d.code)).to.deep.equal(t.detected_vulnerabilities);
          expect(a.fca_compliant).to.equal(t.fca_compliant);
          // Declared codes come first, deduplicated; detected ones follow.
          const declared = [...new Set(p.circumstances.vulnerabilities ?? [])];
          expect(a.vulnerability_flags).to.deep.equal([...declared, ...t.detected_vulnerabilities]);
        });
      }
    });
  }

  it('writes six months for full personas and five weeks for the thin file', () => {
    expect(
      assess({
        transactions: generatePersona('salaried_single_renter', 1).transactions.map((t) => fromVeqtrx(t)),
        now: new Date('2026-11-02'),
      }).assessment.months_analyzed,
    ).to.equal(6);
    expect(
      assess({
        transactions: generatePersona('thin_file', 1).transactions.map((t) => fromVeqtrx(t)),
        now: new Date('2026-11-02'),
      }).assessment.months_analyzed,
    ).to.equal(1.2);
  });

  it('generates the same history for the same seed, and a different one for another', () => {
    expect(generatePersona('gig_worker', 5)).to.deep.equal(generatePersona('gig_worker', 5));
    expect(generatePersona('gig_worker', 5).transactions).to.not.deep.equal(
      generatePersona('gig_worker', 6).transactions,
    );
  });
});
