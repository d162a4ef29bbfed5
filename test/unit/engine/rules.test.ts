import { expect } from 'chai';
import { EngineInputError, THRESHOLDS } from '../../../src/engine/index.ts';
import { baseline, monthly, run, tx } from '../../helpers/engine.ts';

const codes = (r: ReturnType<typeof run>) => r.assessment.risk_flags;
const ledger = (r: ReturnType<typeof run>, merchant: string) =>
  r.evidence.ledger.filter((l) => l.merchant_name === merchant);

describe('engine rules', () => {
  describe('the baseline file', () => {
    it('is a clean, compliant six-month file with no flags and affordable == disposable', () => {
      const r = run(baseline(), { circumstances: { housing: 'renter', household_adults: 1 } });
      expect(r.assessment.monthly_income).to.equal(2200);
      expect(r.assessment.risk_flags).to.deep.equal([]);
      expect(r.assessment.fca_compliant).to.equal(true);
      expect(r.assessment.affordable_amount).to.equal(r.assessment.disposable_income);
      expect(r.evidence.affordable.adjustments).to.deep.equal([]);
    });
  });

  describe('figures', () => {
    it('reproduces the Veqtrx sample identities: 2200 income, 1820 spend → 380 disposable, score 17', () => {
      const t = [
        ...monthly(25, '2026-05', '2026-10').map((d) => tx(d, -2200, 'ACME LTD SALARY')),
        ...monthly(1, '2026-05', '2026-10').map((d) => tx(d, 1820, 'FOXTONS RENT')),
      ];
      const a = run(t).assessment;
      expect(a).to.include({
        monthly_income: 2200,
        monthly_expenditure: 1820,
        disposable_income: 380,
        affordable_amount: 380,
        affordability_score: 17,
      });
      expect(a.categories).to.deep.equal({ 'Home & Contents': 1820 });
    });

    it('never gives a negative affordable amount, and clamps the score at 0', () => {
      const t = [
        ...monthly(25, '2026-05', '2026-10').map((d) => tx(d, -1000, 'ACME LTD SALARY')),
        ...monthly(1, '2026-05', '2026-10').map((d) => tx(d, 1500, 'FOXTONS RENT')),
      ];
      const a = run(t).assessment;
      expect(a.disposable_income).to.equal(-500);
      expect(a.affordable_amount).to.equal(0);
      expect(a.affordability_score).to.equal(0);
      expect(a.risk_flags).to.include('negative_disposable_income');
    });

    it('spreads over the data span: months_analyzed to one decimal, day-to-day spend as total / months', () => {
      const t = [tx('2026-07-01', 10, 'TESCO STORES'), tx('2026-09-30', 293.19, 'TESCO STORES')];
      const r = run(t);
      expect(r.evidence.period.days).to.equal(92);
      expect(r.assessment.months_analyzed).to.equal(3);
      expect(r.assessment.categories['Food & Housekeeping']).to.equal(
        Math.round(30319 / (92 / 30.4375)) / 100,
      );
    });

    it('does not scale up a history shorter than a month', () => {
      const r = run([tx('2026-10-01', 100, 'TESCO STORES'), tx('2026-10-10', 100, 'TESCO STORES')]);
      expect(r.evidence.period.averaging_months).to.equal(1);
      expect(r.assessment.categories['Food & Housekeeping']).to.equal(200);
    });

    it('averages a recurring bill by its cadence, so a window with 7 pay days is not 7/6 of the rent', () => {
      const t = [
        ...monthly(1, '2026-04', '2026-10').map((d) => tx(d, 700, 'OPENRENT')),
        tx('2026-10-15', 5, 'TESCO STORES'),
      ];
      const r = run(t);
      expect(r.assessment.categories['Home & Contents']).to.equal(700);
      expect(r.evidence.expenditure.categories['Home & Contents']?.lines[0]?.cadence).to.equal('monthly');
    });
  });

  describe('income', () => {
    it('finds salary by payer and cadence, with weekly pay as 52/12 of the weekly amount', () => {
      const t: ReturnType<typeof tx>[] = [];
      for (let d = new Date('2026-05-01'); d <= new Date('2026-10-30'); d.setUTCDate(d.getUTCDate() + 7))
        t.push(tx(d.toISOString().slice(0, 10), -450, 'SPEEDY WAREHOUSE LTD'));
      const r = run(t);
      const s = r.evidence.income.streams[0]!;
      expect(s).to.include({ type: 'employment', cadence: 'weekly', status: 'active' });
      expect(r.assessment.monthly_income).to.equal(1950);
    });

    it('recognises benefits by type and pensions by payer', () => {
      const t = [
        ...monthly(12, '2026-05', '2026-10').map((d) => tx(d, -690, 'DWP UC')),
        ...monthly(3, '2026-05', '2026-10').map((d) => tx(d, -320, 'DWP CARERS ALLOWANCE')),
        ...monthly(20, '2026-05', '2026-10').map((d) => tx(d, -410, 'NHS PENSIONS')),
      ];
      const r = run(t);
      const types = r.evidence.income.streams.map((s) => [s.type, s.benefit ?? '']);
      expect(types).to.deep.include.members([
        ['benefit', 'universal_credit'],
        ['benefit', 'carers_allowance'],
        ['pension', ''],
      ]);
      expect(r.evidence.income.verified_monthly).to.equal(1420);
      expect(r.assessment.vulnerability_flags).to.include('life_events_caring_responsibilities');
    });

    it('excludes own-account transfers: opposite amounts on two accounts within three days', () => {
      const t = [
        ...baseline(),
        tx('2026-06-10', 500, 'TRANSFER OUT'),
        tx('2026-06-12', -500, 'TRANSFER IN', { account_id: 'savings' }),
      ];
      const r = run(t);
      expect(ledger(r, 'TRANSFER OUT')[0]).to.include({
        treatment: 'excluded',
        reason: 'own_account_transfer',
      });
      expect(ledger(r, 'TRANSFER IN')[0]).to.include({
        treatment: 'excluded',
        reason: 'own_account_transfer',
      });
      expect(r.evidence.expenditure.own_account_transfers.pairs).to.equal(1);
      expect(r.assessment.monthly_income).to.equal(2200);
    });

    it('does not pair legs on the same account, or more than three days apart', () => {
      const t = [
        ...baseline(),
        tx('2026-06-10', 500, 'TRANSFER OUT'),
        tx('2026-06-14', -500, 'TRANSFER IN', { account_id: 'savings' }),
        tx('2026-07-10', 300, 'MOVE'),
        tx('2026-07-10', -300, 'MOVE BACK'),
      ];
      const r = run(t);
      expect(r.evidence.expenditure.own_account_transfers.pairs).to.equal(0);
    });

    it('treats a credit from a merchant the customer paid as a refund netted against that category', () => {
      const t = [...baseline(), tx('2026-06-01', 60, 'ASOS.COM'), tx('2026-06-09', -60, 'ASOS.COM')];
      const r = run(t);
      expect(ledger(r, 'ASOS.COM').find((l) => l.amount < 0)).to.include({
        treatment: 'refund',
        stream: 'Personal Costs',
      });
      expect(r.assessment.categories['Personal Costs']).to.equal(undefined);
      expect(r.assessment.monthly_income).to.equal(2200);
    });

    it('excludes a refund from a merchant not paid in the window, without netting it', () => {
      const r = run([...baseline(), tx('2026-06-09', -60, 'CURRYS', { description: 'CURRYS REFUND' })]);
      expect(ledger(r, 'CURRYS')[0]).to.include({ treatment: 'excluded', reason: 'refund_unmatched' });
    });

    it('excludes loan disbursements, gambling winnings and one-off transfers in', () => {
      const r = run([
        ...baseline(),
        tx('2026-06-02', -2000, 'ZOPA BANK'),
        tx('2026-06-03', -150, 'BET365'),
        tx('2026-06-04', -300, 'JANE DOE'),
      ]);
      expect(ledger(r, 'ZOPA BANK')[0]?.reason).to.equal('loan_disbursement');
      expect(ledger(r, 'BET365')[0]?.reason).to.equal('gambling_winnings');
      expect(ledger(r, 'JANE DOE')[0]?.reason).to.equal('one_off_transfer_in');
      expect(r.assessment.monthly_income).to.equal(2200);
    });

    it('counts an unknown payer only when it pays like clockwork', () => {
      const regular = monthly(5, '2026-05', '2026-10').map((d) => tx(d, -250, 'A PARTNER'));
      const irregular = ['2026-05-02', '2026-05-19', '2026-07-30', '2026-08-03'].map((d, i) =>
        tx(d, -100 - i * 80, 'B FRIEND'),
      );
      const r = run([...baseline(), ...regular, ...irregular]);
      expect(r.evidence.income.streams.find((s) => s.payer === 'A PARTNER')).to.include({
        type: 'other_regular',
        monthly_amount: 250,
      });
      expect(ledger(r, 'B FRIEND').every((l) => l.reason === 'irregular_transfer_in')).to.equal(true);
    });

    it('stops counting an income stream that ended, and notes the income loss', () => {
      const t = [
        ...baseline().filter((x) => x.merchant_name !== 'ACME LTD'),
        ...monthly(25, '2026-05', '2026-07').map((d) => tx(d, -2200, 'ACME LTD SALARY')),
      ];
      const r = run(t);
      expect(r.evidence.income.streams[0]).to.include({ status: 'ended', monthly_amount: 0 });
      expect(r.assessment.monthly_income).to.equal(0);
      expect(r.assessment.vulnerability_flags).to.include('life_events_income_loss');
      expect(r.assessment.fca_compliant).to.equal(false);
    });
  });

  describe('declared income', () => {
    it('uses the declared figure when it is lower than verified', () => {
      const r = run(baseline(), { declared: 2000 });
      expect(r.assessment.monthly_income).to.equal(2000);
      expect(r.evidence.income.basis).to.equal('declared_lower');
    });
    it('uses verified income and raises income_discrepancy when declared is more than 20% higher', () => {
      const r = run(baseline(), { declared: 2641 });
      expect(r.assessment.monthly_income).to.equal(2200);
      expect(codes(r)).to.include('income_discrepancy');
    });
    it('raises nothing when declared is within 20% above', () => {
      expect(codes(run(baseline(), { declared: 2640 }))).to.not.include('income_discrepancy');
    });
    it('never lets a declaration alone establish income', () => {
      const r = run(
        baseline().filter((t) => t.merchant_name !== 'ACME LTD'),
        { declared: 2200 },
      );
      expect(r.assessment.monthly_income).to.equal(0);
      expect(codes(r)).to.include.members(['income_discrepancy', 'no_verified_income']);
      expect(
        r.evidence.fca.checks.find((c) => c.check === 'income_verified_from_transactions')?.passed,
      ).to.equal(false);
    });
  });

  describe('expenditure', () => {
    it('keeps savings out of expenditure and shows them in the evidence', () => {
      const r = run([...baseline(), ...monthly(26, '2026-05', '2026-10').map((d) => tx(d, 300, 'MONEYBOX'))]);
      expect(r.assessment.categories).to.not.have.property('Savings');
      expect(r.evidence.expenditure.savings.monthly_amount).to.be.greaterThan(0);
      expect(r.assessment.monthly_expenditure).to.equal(run(baseline()).assessment.monthly_expenditure);
    });

    it('uses category_hint over merchant intelligence', () => {
      const r = run([...baseline(), tx('2026-06-05', 40, 'MYSTERY SHOP', { category_hint: 'MEDICAL' })]);
      expect(ledger(r, 'MYSTERY SHOP')[0]).to.include({ rule: 'category_hint', category: 'Care & Health' });
    });

    it('categorises an unknown payee as Other', () => {
      const r = run([...baseline(), tx('2026-06-05', 40, 'ZZ UNKNOWN TRADER')]);
      expect(ledger(r, 'ZZ UNKNOWN TRADER')[0]).to.include({ rule: 'unmatched', category: 'Other' });
    });

    it('splits committed, essential and discretionary spend exactly into the total', () => {
      const r = run([
        ...baseline(),
        ...monthly(8, '2026-05', '2026-10').map((d) => tx(d, 11, 'NETFLIX.COM')),
      ]);
      const x = r.evidence.expenditure;
      expect(
        Math.round((x.committed_monthly + x.essential_monthly + x.discretionary_monthly) * 100),
      ).to.equal(Math.round(x.monthly_total * 100));
      expect(x.committed_monthly).to.equal(890);
      expect(x.discretionary_monthly).to.equal(11);
    });

    it('lifts flexible categories to the spending guideline for the household, and records it', () => {
      const guidelines = {
        source: 'test figures',
        households: [
          { adults: 1, children: 0, categories: { 'Food & Housekeeping': 40_000, 'Personal Costs': 5_000 } },
        ],
      };
      const r = run(baseline(), { guidelines, circumstances: { household_adults: 1 } });
      expect(r.assessment.categories['Food & Housekeeping']).to.equal(400);
      expect(r.assessment.categories['Personal Costs']).to.equal(50);
      expect(r.evidence.expenditure.categories['Food & Housekeeping']?.guideline).to.include({
        guideline_monthly: 400,
        applied: true,
      });
      expect(r.evidence.expenditure.guidelines_source).to.equal('test figures');
    });

    it('keeps a returned direct debit as a commitment and does not count its reversal as income', () => {
      const r = run([...baseline(), tx('2026-07-11', -90, 'UNPAID DD OCTOPUS ENERGY')]);
      expect(ledger(r, 'UNPAID DD OCTOPUS ENERGY')[0]?.reason).to.equal('returned_payment_reversal');
      expect(r.assessment.categories.Utilities).to.equal(90);
      expect(codes(r)).to.include('returned_payments');
    });
  });

  describe('risk flags and their thresholds', () => {
    const withGambling = (monthlyStake: number) => [
      ...baseline(),
      ...monthly(14, '2026-05', '2026-10').map((d) => tx(d, monthlyStake, 'BET365')),
    ];
    it(`raises gambling at ${THRESHOLDS.gamblingShare * 100}% of income and gambling_high at ${THRESHOLDS.gamblingHighShare * 100}%`, () => {
      expect(codes(run(withGambling(43)))).to.not.include('gambling');
      expect(codes(run(withGambling(44))))
        .to.include('gambling')
        .and.not.include('gambling_high');
      expect(codes(run(withGambling(220)))).to.include.members(['gambling', 'gambling_high']);
      expect(run(withGambling(220)).assessment.vulnerability_flags).to.include('resilience_gambling_harm');
    });

    it('raises overdraft_usage on a negative balance and unarranged_overdraft on its charge', () => {
      expect(codes(run([...baseline(), tx('2026-06-20', 5, 'TESCO STORES', { balance: -12.5 })]))).to.include(
        'overdraft_usage',
      );
      expect(codes(run([...baseline(), tx('2026-06-20', 5, 'UNARRANGED OVERDRAFT FEE')]))).to.include.members(
        ['overdraft_usage', 'unarranged_overdraft'],
      );
    });

    it('raises payday_loans, high_cost_credit and debt_collection on any such payment', () => {
      expect(codes(run([...baseline(), tx('2026-06-20', 80, 'LENDING STREAM')]))).to.include('payday_loans');
      expect(codes(run([...baseline(), tx('2026-06-20', 80, 'PROVIDENT PERSONAL CREDIT')]))).to.include(
        'high_cost_credit',
      );
      const r = run([...baseline(), tx('2026-06-20', 50, 'LOWELL FINANCIAL')]);
      expect(codes(r)).to.include('debt_collection');
      expect(r.assessment.vulnerability_flags).to.include('resilience_debt_collection');
    });

    it(`raises bnpl_usage with repayments in ${THRESHOLDS.bnplMinMonths} or more months`, () => {
      expect(codes(run([...baseline(), tx('2026-06-20', 30, 'KLARNA')]))).to.not.include('bnpl_usage');
      expect(
        codes(run([...baseline(), tx('2026-06-20', 30, 'KLARNA'), tx('2026-07-20', 30, 'KLARNA')])),
      ).to.include('bnpl_usage');
    });

    it('raises high_cash_usage when cash is a quarter of spending', () => {
      expect(
        codes(run([...baseline(), ...monthly(3, '2026-05', '2026-10').map((d) => tx(d, 450, 'LINK ATM'))])),
      ).to.include('high_cash_usage');
      expect(
        codes(run([...baseline(), ...monthly(3, '2026-05', '2026-10').map((d) => tx(d, 40, 'LINK ATM'))])),
      ).to.not.include('high_cash_usage');
    });

    it('raises income_volatility for swinging earned income and holds back a documented buffer', () => {
      const t = baseline().filter((x) => x.merchant_name !== 'ACME LTD');
      const amounts = [900, 3400, 1200, 3100, 800, 3700];
      monthly(25, '2026-05', '2026-10').forEach((d, i) => t.push(tx(d, -amounts[i]!, 'ACME LTD SALARY')));
      const r = run(t);
      expect(codes(r)).to.include('income_volatility');
      const buffer = r.evidence.affordable.adjustments[0]!;
      expect(buffer.reason).to.equal('income_volatility');
      expect(r.assessment.affordable_amount).to.equal(
        Math.round((r.assessment.disposable_income - buffer.amount) * 100) / 100,
      );
    });

    it('raises insufficient_history under 3 months and too_few_transactions on a sparse file', () => {
      const r = run([tx('2026-09-01', -1000, 'ACME LTD SALARY'), tx('2026-10-01', 100, 'TESCO STORES')]);
      expect(codes(r)).to.include.members(['insufficient_history', 'too_few_transactions']);
      expect(r.assessment.fca_compliant).to.equal(false);
    });

    it('raises stale_data when the latest transaction is old relative to the clock', () => {
      expect(codes(run(baseline(), { now: new Date('2027-01-15T12:00:00Z') }))).to.include('stale_data');
      expect(codes(run(baseline()))).to.not.include('stale_data');
    });
  });

  describe('vulnerability', () => {
    it('passes declared codes through trimmed and deduplicated, then the detected ones', () => {
      const t = [...baseline(), ...monthly(6, '2026-05', '2026-10').map((d) => tx(d, -430, 'DWP PIP'))];
      const r = run(t, {
        circumstances: { vulnerabilities: ['low_literacy', ' low_literacy ', 'bereavement'] },
      });
      expect(r.assessment.vulnerability_flags).to.deep.equal([
        'low_literacy',
        'bereavement',
        'health_disability_benefits',
      ]);
      expect(r.evidence.vulnerability.by_driver.health).to.deep.equal(['health_disability_benefits']);
    });
  });

  describe('FCA minimum', () => {
    it('fails when a renter shows no rent, and says why', () => {
      const r = run(
        baseline().filter((t) => t.merchant_name !== 'FOXTONS'),
        { circumstances: { housing: 'renter' } },
      );
      expect(r.assessment.fca_compliant).to.equal(false);
      expect(r.evidence.fca.checks.find((c) => !c.passed)?.check).to.equal('housing_cost_evidenced');
      expect(
        run(
          baseline().filter((t) => t.merchant_name !== 'FOXTONS'),
          { circumstances: { housing: 'homeowner_outright' } },
        ).assessment.fca_compliant,
      ).to.equal(true);
    });
  });

  describe('input handling', () => {
    it('excludes future-dated transactions and duplicates by provider id, but analyses the rest', () => {
      const t = [
        ...baseline(),
        tx('2026-11-20', 99, 'TESCO STORES'),
        tx('2026-06-01', 10, 'ARGOS', { source_ref: 'p-1' }),
        tx('2026-06-01', 10, 'ARGOS', { source_ref: 'p-1' }),
      ];
      const r = run(t);
      expect(r.evidence.ledger.filter((l) => l.reason === 'future_dated')).to.have.length(1);
      expect(r.evidence.ledger.filter((l) => l.reason === 'duplicate')).to.have.length(1);
      expect(r.assessment.transactions_analyzed).to.equal(t.length - 2);
    });

    it('refuses mixed currencies and impossible dates with a typed error', () => {
      expect(() => run([tx('2026-06-01', 1, 'A'), tx('2026-06-02', 1, 'B', { currency: 'EUR' })])).to.throw(
        EngineInputError,
        /more than one currency/,
      );
      expect(() => run([tx('2026-02-30', 1, 'A')])).to.throw(EngineInputError, /not a real/);
    });

    it('gives an empty, non-compliant assessment for no transactions', () => {
      const a = run([]).assessment;
      expect(a).to.include({
        monthly_income: 0,
        monthly_expenditure: 0,
        months_analyzed: 0,
        fca_compliant: false,
        confidence_score: 0,
        transactions_analyzed: 0,
      });
    });

    it('records every transaction received in the ledger with what was decided', () => {
      const t = baseline();
      const r = run(t);
      expect(r.evidence.ledger).to.have.length(t.length);
      expect(r.evidence.ledger.every((l) => l.treatment !== undefined)).to.equal(true);
      const categorised = r.evidence.ledger.filter((l) => l.treatment === 'expenditure');
      const byCat = Object.values(r.evidence.expenditure.categories).flatMap((c) =>
        c.lines.flatMap((l) => l.refs),
      );
      expect(new Set(byCat)).to.deep.equal(new Set(categorised.map((l) => l.ref)));
    });
  });
});
