import { expect } from 'chai';
import fc from 'fast-check';
import { assess } from '../../../src/engine/index.ts';
import { hasAtMostTwoDecimals, type Transaction } from '../../../src/model/index.ts';

const MERCHANTS = [
  'TESCO STORES 3297',
  'ACME LTD SALARY',
  'DWP UC',
  'DWP PIP',
  'FOXTONS RENT',
  'BRITISH GAS',
  'BET365',
  'LENDING STREAM',
  'KLARNA',
  'LOWELL FINANCIAL',
  'LINK ATM',
  'MONEYBOX',
  'NETFLIX.COM',
  'JANE DOE',
  'UNPAID DD BRITISH GAS',
  'ASOS.COM',
  'OVERDRAFT INTEREST',
  'ZZ TRADER',
];
const HINTS = [
  undefined,
  undefined,
  undefined,
  'FOOD_AND_DRINK',
  'INCOME',
  'TRANSFER_OUT',
  'RENT_AND_UTILITIES_RENT',
  'LOAN_PAYMENTS',
];

const day = fc
  .integer({ min: 0, max: 183 })
  .map((n) => new Date(Date.UTC(2026, 4, 1) + n * 86_400_000).toISOString().slice(0, 10));
const transaction: fc.Arbitrary<Transaction> = fc
  .record({
    date: day,
    amount_minor: fc.oneof(
      fc.integer({ min: -400_000, max: 400_000 }),
      fc.constantFrom(-220_000, 80_000, 9_000),
    ),
    merchant_name: fc.constantFrom(...MERCHANTS),
    account_id: fc.constantFrom('current', 'current', 'savings'),
    category_hint: fc.constantFrom(...HINTS),
    balance_minor: fc.option(fc.integer({ min: -50_000, max: 500_000 }), { nil: undefined }),
  })
  .map((r) => {
    const t: Transaction = {
      date: r.date,
      amount_minor: r.amount_minor,
      currency: 'GBP',
      merchant_name: r.merchant_name,
      account_id: r.account_id,
      source: 'transactions',
    };
    if (r.category_hint) t.category_hint = r.category_hint;
    if (r.balance_minor !== undefined) t.balance_minor = r.balance_minor;
    return t;
  });

const input = fc.record({
  transactions: fc.array(transaction, { minLength: 0, maxLength: 250 }),
  declared: fc.option(fc.integer({ min: 0, max: 800_000 }), { nil: undefined }),
  housing: fc.constantFrom(
    undefined,
    'renter',
    'homeowner_mortgage',
    'homeowner_outright',
    'social_housing',
  ) as fc.Arbitrary<undefined | 'renter'>,
});

const NOW = new Date('2026-11-02T09:00:00Z');
const run = (transactions: Transaction[], declared?: number, housing?: 'renter') =>
  assess({
    transactions,
    now: NOW,
    ...(declared !== undefined ? { declared_income_minor: declared } : {}),
    ...(housing ? { circumstances: { housing } } : {}),
  });
const pence = (x: number) => Math.round(x * 100);

describe('engine invariants (property-based)', () => {
  it('gives the same assessment and evidence for the same transactions in any order', () => {
    fc.assert(
      fc.property(input, fc.integer(), ({ transactions, declared, housing }, seed) => {
        const shuffled = [...transactions];
        let s = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          const j = s % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        expect(run(shuffled, declared, housing)).to.deep.equal(run(transactions, declared, housing));
      }),
      { numRuns: 150 },
    );
  });

  it('keeps the identities: disposable = income − expenditure, categories sum to expenditure, affordable and score follow', () => {
    fc.assert(
      fc.property(input, ({ transactions, declared, housing }) => {
        const { assessment: a, evidence: e } = run(transactions, declared, housing);
        expect(pence(a.disposable_income)).to.equal(pence(a.monthly_income) - pence(a.monthly_expenditure));
        const sum = Object.values(a.categories).reduce((x, y) => x + pence(y), 0);
        expect(sum).to.equal(pence(a.monthly_expenditure));
        const held = e.affordable.adjustments.reduce((x, y) => x + pence(y.amount), 0);
        expect(pence(a.affordable_amount)).to.equal(Math.max(0, pence(a.disposable_income) - held));
        if (held === 0) expect(a.affordable_amount).to.equal(Math.max(0, a.disposable_income));
        const expected =
          a.monthly_income > 0
            ? Math.min(
                100,
                Math.max(0, Math.round((100 * pence(a.disposable_income)) / pence(a.monthly_income))),
              )
            : 0;
        expect(a.affordability_score).to.equal(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('stays within bounds: money to 2 decimals, non-negative where it must be, confidence in 0..1, flags sorted and unique', () => {
    fc.assert(
      fc.property(input, ({ transactions, declared, housing }) => {
        const { assessment: a, evidence: e } = run(transactions, declared, housing);
        for (const v of [
          a.monthly_income,
          a.monthly_expenditure,
          a.disposable_income,
          a.affordable_amount,
          ...Object.values(a.categories),
        ]) {
          expect(hasAtMostTwoDecimals(v), String(v)).to.equal(true);
        }
        expect(a.monthly_income).to.be.at.least(0);
        expect(a.monthly_expenditure).to.be.at.least(0);
        expect(a.affordable_amount).to.be.at.least(0);
        for (const v of Object.values(a.categories)) expect(v).to.be.greaterThan(0);
        expect(a.confidence_score).to.be.within(0, 1);
        expect(a.affordability_score).to.be.within(0, 100);
        expect(Number.isInteger(a.affordability_score)).to.equal(true);
        expect(a.months_analyzed * 10).to.equal(Math.round(a.months_analyzed * 10));
        expect(a.transactions_analyzed).to.be.at.most(transactions.length);
        expect(a.risk_flags).to.deep.equal([...new Set(a.risk_flags)].sort());
        expect(new Set(a.vulnerability_flags).size).to.equal(a.vulnerability_flags.length);
        expect(a.monthly_income).to.be.at.most(e.income.verified_monthly);
        if (declared !== undefined && declared < pence(e.income.verified_monthly))
          expect(pence(a.monthly_income)).to.equal(declared);
        else expect(a.monthly_income).to.equal(e.income.verified_monthly);
        expect(e.ledger).to.have.length(transactions.length);
      }),
      { numRuns: 300 },
    );
  });
});
