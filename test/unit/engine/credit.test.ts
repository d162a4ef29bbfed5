import { expect } from 'chai';
import { assessMinor } from '../../../src/engine/assess.ts';
import {
  annuity,
  assessCredit,
  DEFAULT_STRESS,
  impliedApr,
  monthlyRate,
  repaymentOf,
  stressFromWire,
  stressToWire,
  type ProposedCredit,
  type StressParameters,
} from '../../../src/engine/credit.ts';
import { assess, type EngineResult } from '../../../src/engine/index.ts';
import { incomeVolatility } from '../../../src/engine/flags.ts';
import { formatMoney } from '../../../src/model/money.ts';
import { monthly, NOW, tx } from '../../helpers/engine.ts';

/**
 * Six months of a £2,000 salary, a £700 mortgage (variable-rate by default), £100 of gas and £300 of
 * groceries (essential costs: £400), £50 of streaming and eight coffees a month (discretionary): enough
 * transactions for the FCA minimum. Income 2,000, expenditure 1,150 + the coffees.
 */
const HISTORY = [
  ...monthly(28, '2026-05', '2026-10').map((d) => tx(d, -2000, 'ACME LTD SALARY')),
  ...monthly(1, '2026-05', '2026-10').map((d) => tx(d, 700, 'HALIFAX MORTGAGE')),
  ...monthly(5, '2026-05', '2026-10').map((d) => tx(d, 100, 'BRITISH GAS')),
  ...monthly(10, '2026-05', '2026-10').map((d) => tx(d, 300, 'TESCO STORES')),
  ...monthly(12, '2026-05', '2026-10').map((d) => tx(d, 50, 'NETFLIX')),
  ...[2, 6, 9, 13, 16, 20, 23, 26].flatMap((day) =>
    monthly(day, '2026-05', '2026-10').map((d) => tx(d, 2.5, 'COSTA COFFEE')),
  ),
];

const run = (proposed_credit: ProposedCredit, stress?: StressParameters): EngineResult =>
  assess({ transactions: HISTORY, now: NOW, proposed_credit, ...(stress ? { stress } : {}) });

const credit = (r: EngineResult) => {
  const c = r.evidence.proposed_credit;
  if (!c) throw new Error('no proposed_credit in the evidence');
  return c;
};
const scenario = (r: EngineResult, s: string) => {
  const x = credit(r).scenarios.find((y) => y.scenario === s);
  if (!x) throw new Error(`no ${s} scenario`);
  return x;
};
const pence = (x: number) => Math.round(x * 100);

describe('proposed credit (credit.ts)', () => {
  describe('the repayment', () => {
    it('amortises £10,000 over 60 months at 6.9% APR to £196.56 a month', () => {
      // UK APR is an annual effective rate (CONC App 1: each payment discounted by (1 + APR)^t, t in years),
      // so a month's rate is r = 1.069^(1/12) − 1 = 0.0055757898…
      // (1 + r)^60 = 1.069^5 = 1.39600999; 1 − 1 / 1.39600999 = 0.28367275;
      // 10,000 × 0.0055757898 / 0.28367275 = 196.5571… → £196.56 (and 60 × 196.56 = £11,793.60 payable),
      // the figure a UK loan calculator gives for a £10,000, 5-year loan at 6.9% APR representative.
      expect(monthlyRate(0.069)).to.be.closeTo(0.0055757898, 1e-10);
      expect(repaymentOf(1_000_000, 60, 0.069)).to.equal(19_656);
      const c = credit(run({ amountMinor: 1_000_000, termMonths: 60, apr: 0.069 }));
      expect(c).to.include({
        monthly_repayment: 196.56,
        total_payable: 11_793.6,
        apr: 6.9,
        apr_basis: 'stated',
        repayment_basis: 'amortised',
        rule: 'credit.repayment',
      });
    });

    it('amortises other known cases, and 0% as the amount over the term', () => {
      // £5,000 over 36 months at 9.9% APR: r = 1.099^(1/12) − 1 = 0.0078977469; (1 + r)^36 = 1.099^3 =
      // 1.32737; 5,000 × 0.0078977469 / (1 − 1 / 1.32737) = 39.4887 / 0.246630 = 160.1117 → £160.11.
      expect(repaymentOf(500_000, 36, 0.099)).to.equal(16_011);
      expect(repaymentOf(120_000, 12, 0)).to.equal(10_000);
      // The annuity factor is the inverse of the present value of 1 a month: 25 years at 5% is 0.0057814 a pound.
      expect(annuity(1, 300, monthlyRate(0.05))).to.be.closeTo(0.0057814, 1e-7);
    });

    it('takes a stated repayment as it is, and states the APR it implies', () => {
      expect(impliedApr(1_000_000, 60, 19_656)).to.be.closeTo(0.069, 0.00005);
      expect(impliedApr(120_000, 12, 10_000)).to.equal(0);
      const c = credit(run({ amountMinor: 1_000_000, termMonths: 60, repaymentMinor: 19_656 }));
      expect(c.monthly_repayment).to.equal(196.56);
      expect(c.repayment_basis).to.equal('stated');
      expect(c.apr_basis).to.equal('implied');
      expect(c.apr).to.be.closeTo(6.9, 0.005);
    });
  });

  describe('the stress table', () => {
    const base = run({ amountMinor: 1_000_000, termMonths: 60, apr: 0.069 });
    const b = scenario(base, 'base');

    it('has the assessment as its base: disposable income less the repayment', () => {
      expect(b.monthly_income).to.equal(base.assessment.monthly_income);
      expect(b.monthly_expenditure).to.equal(base.assessment.monthly_expenditure);
      expect(pence(b.disposable_after_repayment)).to.equal(pence(base.assessment.disposable_income) - 19_656);
      expect(credit(base).disposable_after_repayment).to.equal(b.disposable_after_repayment);
    });

    it('cuts income by 10% in the income stress, and only income', () => {
      const s = scenario(base, 'income');
      expect(pence(s.monthly_income)).to.equal(pence(b.monthly_income * 0.9));
      expect(s.monthly_expenditure).to.equal(b.monthly_expenditure);
      expect(s.rule).to.equal('credit.stress.income');
    });

    it('cuts income by the measured volatility instead, when that is worse', () => {
      const a = assessMinor({ transactions: HISTORY, now: NOW });
      const c = assessCredit({
        proposal: { amountMinor: 100_000, termMonths: 12, apr: 0.1 },
        parameters: undefined,
        incomeMinor: a.incomeMinor,
        verifiedMinor: a.income.verifiedMinor,
        expenditureMinor: a.expenditureMinor,
        exp: a.expenditure,
        volatility: 0.3,
        fcaCompliant: true,
        money: (m) => formatMoney(m, 'GBP'),
      });
      expect(incomeVolatility(a.income.streams)).to.equal(0);
      const s = c.scenarios.find((x) => x.scenario === 'income');
      expect(s?.incomeMinor).to.equal(a.incomeMinor - Math.round(a.incomeMinor * 0.3));
      expect(s?.detail).to.match(/volatility \(30%\) is worse/);
    });

    it('raises the variable-rate commitments (the mortgage) by the +3 points factor in the rate stress, and only them', () => {
      const s = scenario(base, 'rate');
      // The £700 mortgage taken at 5% over 25 years: its payment at 8% is annuity(8%) / annuity(5%) =
      // 0.0075342 / 0.0057814 = 1.30318 of it: +£212.22.
      const factor = annuity(1, 300, monthlyRate(0.08)) / annuity(1, 300, monthlyRate(0.05));
      expect(credit(base).stress.variable_rate_factor).to.equal(Math.round(factor * 10_000) / 10_000);
      expect(credit(base).stress.variable_rate_commitments).to.equal(700);
      expect(pence(s.monthly_expenditure) - pence(b.monthly_expenditure)).to.equal(
        Math.round(70_000 * (factor - 1)),
      );
      expect(s.monthly_income).to.equal(b.monthly_income);
    });

    it('raises essential costs (gas and groceries, not the mortgage or the discretionary spend) by 10%', () => {
      const s = scenario(base, 'essential_costs');
      expect(credit(base).stress.essential_costs).to.equal(400);
      expect(pence(s.monthly_expenditure) - pence(b.monthly_expenditure)).to.equal(4_000);
      expect(s.monthly_income).to.equal(b.monthly_income);
    });

    it('applies all three at once in the combined scenario', () => {
      const s = scenario(base, 'combined');
      const inc = scenario(base, 'income'),
        rate = scenario(base, 'rate'),
        ess = scenario(base, 'essential_costs');
      expect(s.monthly_income).to.equal(inc.monthly_income);
      expect(pence(s.monthly_expenditure)).to.equal(
        pence(rate.monthly_expenditure) + pence(ess.monthly_expenditure) - pence(b.monthly_expenditure),
      );
    });

    it("follows a partner's parameters: no variable-rate kinds, a 20% rise in essential costs, a 15% fall in income", () => {
      const p = stressFromWire({
        variable_rate_kinds: [],
        essential_costs_rise_pct: 20,
        income_fall_pct: 15,
      });
      const r = run({ amountMinor: 1_000_000, termMonths: 60, apr: 0.069 }, p);
      expect(credit(r).stress.source).to.equal('partner');
      expect(credit(r).stress.parameters).to.deep.equal({
        ...stressToWire(DEFAULT_STRESS),
        variable_rate_kinds: [],
        essential_costs_rise_pct: 20,
        income_fall_pct: 15,
      });
      const rb = scenario(r, 'base');
      expect(scenario(r, 'rate').monthly_expenditure).to.equal(rb.monthly_expenditure);
      // Without a variable-rate kind the mortgage is an essential cost of living: (700 + 400) × 20%.
      expect(
        pence(scenario(r, 'essential_costs').monthly_expenditure) - pence(rb.monthly_expenditure),
      ).to.equal(22_000);
      expect(pence(scenario(r, 'income').monthly_income)).to.equal(pence(rb.monthly_income * 0.85));
    });

    it('reads percentages without a binary tail, both ways', () => {
      expect(stressFromWire({ assumed_variable_rate_pct: 6.9 }).assumedVariableRate).to.equal(0.069);
      expect(stressToWire(stressFromWire({ income_fall_pct: 12.5 })).income_fall_pct).to.equal(12.5);
    });
  });

  describe('the verdict', () => {
    const disposable = pence(
      run({ amountMinor: 100_000, termMonths: 12, apr: 0 }).assessment.disposable_income,
    );
    const stated = (repaymentMinor: number, stress?: StressParameters) =>
      credit(run({ amountMinor: 100_000, termMonths: 60, repaymentMinor }, stress));

    it('is affordable, with no reasons, when every scenario leaves money over and the FCA minimum is met', () => {
      const c = stated(10_000);
      expect(
        run({ amountMinor: 100_000, termMonths: 60, repaymentMinor: 10_000 }).assessment.fca_compliant,
      ).to.equal(true);
      expect(c.verdict).to.equal('affordable');
      expect(c.reasons).to.deep.equal([]);
      expect(c.scenarios.every((s) => s.passes)).to.equal(true);
    });

    it('is affordable at exactly nothing left in the base case, but not a penny beyond', () => {
      const at = stated(disposable);
      expect(at.scenarios[0]?.disposable_after_repayment).to.equal(0);
      expect(at.scenarios[0]?.passes).to.equal(true);
      expect(at.verdict).to.equal('affordable_with_warnings'); // every stress leaves less than nothing
      expect(at.reasons).to.deep.equal([
        'credit.stress.income',
        'credit.stress.rate',
        'credit.stress.essential_costs',
        'credit.stress.combined',
      ]);
      const over = stated(disposable + 1);
      expect(over.verdict).to.equal('not_affordable');
      expect(over.reasons).to.deep.equal(['credit.base']);
    });

    it('warns with the one stress that fails, at its boundary', () => {
      // Essential costs +10% is £40: a repayment of disposable − £40 leaves nothing under it (passes), a penny more fails it.
      const b = run({ amountMinor: 100_000, termMonths: 60, repaymentMinor: disposable - 4_000 });
      const ess = scenario(b, 'essential_costs');
      expect(ess.disposable_after_repayment).to.equal(0);
      expect(ess.passes).to.equal(true);
      const c = stated(disposable - 3_999);
      expect(c.scenarios.find((s) => s.scenario === 'essential_costs')?.passes).to.equal(false);
      expect(c.verdict).to.equal('affordable_with_warnings');
      expect(c.reasons).to.include('credit.stress.essential_costs');
    });

    it("holds back the partner's minimum buffer in every scenario", () => {
      const p = stressFromWire({ minimum_buffer: 100 });
      expect(stated(disposable - 10_000, p).verdict).to.not.equal('not_affordable');
      const c = stated(disposable - 9_999, p);
      expect(c.verdict).to.equal('not_affordable');
      expect(c.reasons).to.deep.equal(['credit.base']);
    });

    it('is not affordable without verified income, and warns when the FCA minimum is not met', () => {
      const none = assess({
        transactions: HISTORY.filter((t) => t.amount_minor > 0),
        now: NOW,
        proposed_credit: { amountMinor: 100_000, termMonths: 12, apr: 0.1 },
      }).evidence.proposed_credit;
      expect(none?.verdict).to.equal('not_affordable');
      expect(none?.reasons).to.include('credit.no_verified_income');
      const thin = assess({
        transactions: HISTORY.slice(0, 30),
        now: NOW,
        proposed_credit: { amountMinor: 10_000, termMonths: 12, apr: 0.1 },
      });
      expect(thin.assessment.fca_compliant).to.equal(false);
      expect(thin.evidence.proposed_credit?.verdict).to.equal('affordable_with_warnings');
      expect(thin.evidence.proposed_credit?.reasons).to.deep.equal(['credit.fca_minimum_not_met']);
    });

    it('is absent when no credit is proposed', () => {
      expect(assess({ transactions: HISTORY, now: NOW }).evidence).to.not.have.property('proposed_credit');
    });
  });
});
