import { expect } from 'chai';
import { PER_MONTH } from '../../../src/engine/cadence.ts';
import { assess, type EngineResult, type Evidence } from '../../../src/engine/index.ts';
import { fromVeqtrx, toMinor } from '../../../src/model/index.ts';
import { generatePersona, PERSONA_IDS } from '../../../tools/personas/personas.ts';
import { NOW, tx } from '../../helpers/engine.ts';

/**
 * The monthly series sum to the assessment's figures (docs/engine.md § Monthly series, "What the series sum
 * to"), on every seeded persona:
 *
 * 1. every month's amounts are sums of ledger rows, so over the months each stream, category and class
 *    adds up to its ledger rows exactly (compared in pence);
 * 2. a stream or category the engine averages over the window is the months' sum ÷ the averaging months,
 *    to the penny;
 * 3. a stream read from a schedule is the months' sum ÷ its payments (the slots, when an empty slot counts
 *    as nothing) × the cadence's periods a month, to the penny; a category with scheduled lines is the
 *    months' average plus each scheduled line's figure less its own average (the `schedule` rule);
 * 4. so verified monthly income is the sum of what 2 and 3 rebuild from the series, and monthly_income is
 *    that or the lower declared figure.
 */
const pence = (x: number) => Math.round(x * 100);
const SEEDS = [1, 42];
/** Income types owed in full every period (income.ts CONTRACTUAL): the mean payment made. */
const CONTRACTUAL = new Set(['employment', 'benefit', 'pension', 'interest']);

function run(id: (typeof PERSONA_IDS)[number], seed: number): EngineResult {
  const p = generatePersona(id, seed);
  return assess({
    transactions: p.transactions.map((t) => fromVeqtrx(t)),
    circumstances: p.circumstances,
    declared_income_minor: toMinor(p.declared_income),
    now: new Date(p.now),
  });
}

/** The exact divisor of monthly averages: the span in months (365.25 / 12 days), never below one. */
const averagingOf = (e: Evidence) => Math.max(1, e.period.days / 30.4375);

/** Σ over months of a map of each month. */
function total(e: Evidence, pick: (m: Evidence['series']['months'][number]) => number | undefined): number {
  return e.series.months.reduce((t, m) => t + pence(pick(m) ?? 0), 0);
}

describe('monthly series (series.ts)', () => {
  for (const id of PERSONA_IDS) {
    for (const seed of SEEDS) {
      it(`${id} (seed ${seed}): the series sum to the ledger and to the assessment's figures`, () => {
        const { assessment: a, evidence: e } = run(id, seed);
        const s = e.series;
        const avg = averagingOf(e);
        expect(s.months.length, 'months').to.be.greaterThan(0);
        expect(s.months[0]?.month).to.equal(e.period.first_date?.slice(0, 7));
        expect(s.months.at(-1)?.month).to.equal(e.period.last_date?.slice(0, 7));
        expect(
          s.months.reduce((t, m) => t + m.days, 0),
          'days',
        ).to.equal(e.period.days);

        // 1. Each month adds up, and the months add up to the ledger.
        for (const m of s.months) {
          const streams = Object.values(m.income.streams).reduce<number>((t, v) => t + pence(v ?? 0), 0);
          expect(pence(m.income.total), `${m.month} income`).to.equal(streams);
          const cats = Object.values(m.spending.categories).reduce<number>((t, v) => t + pence(v ?? 0), 0);
          expect(pence(m.spending.total), `${m.month} spending`).to.equal(cats);
          expect(
            pence(m.spending.committed) + pence(m.spending.essential) + pence(m.spending.discretionary),
            `${m.month} classes`,
          ).to.equal(cats);
        }
        const ledger = e.ledger;
        for (const st of e.income.streams) {
          const rows = ledger.filter((r) => r.stream === st.id && r.treatment !== 'refund');
          const sum = rows.reduce((t, r) => t + pence(-r.amount), 0);
          const field = st.status === 'active' ? 'income' : 'ended_income';
          const series = total(e, (m) => (st.status === 'active' ? m.income.streams : m.ended_income)[st.id]);
          expect(series, `${st.id} (${field})`).to.equal(sum);
        }
        const categories = new Set(ledger.map((r) => r.category).filter((c) => c && c !== 'Savings'));
        for (const c of categories) {
          const spent = ledger
            .filter((r) => r.treatment === 'expenditure' && r.category === c)
            .reduce((t, r) => t + pence(r.amount), 0);
          const refunded = ledger
            .filter((r) => r.treatment === 'refund' && r.stream === c)
            .reduce((t, r) => t + pence(-r.amount), 0);
          const won =
            c === 'Gambling' && e.expenditure.categories.Gambling
              ? ledger
                  .filter((r) => r.reason === 'gambling_winnings')
                  .reduce((t, r) => t + pence(-r.amount), 0)
              : 0;
          expect(
            total(e, (m) => m.spending.categories[c as keyof typeof m.spending.categories]),
            `${c}`,
          ).to.equal(spent - refunded - won);
        }
        const saved = ledger
          .filter((r) => r.treatment === 'savings')
          .reduce((t, r) => t + pence(r.amount), 0);
        expect(
          total(e, (m) => m.savings),
          'savings',
        ).to.equal(saved);

        // 2 and 3. Each stream's figure from the series, by the rule that made it.
        let rebuilt = 0;
        for (const st of e.income.streams.filter((x) => x.status === 'active')) {
          const sum = total(e, (m) => m.income.streams[st.id]);
          let figure: number;
          if (st.cadence === 'irregular') figure = sum / avg;
          else if (st.cadence === 'assumed_monthly') figure = sum;
          else {
            const slots = st.payments + (CONTRACTUAL.has(st.type) ? 0 : st.missed_payments);
            figure = (sum / slots) * PER_MONTH[st.cadence];
          }
          expect(Math.round(figure), `${st.id} (${st.cadence})`).to.equal(pence(st.monthly_amount));
          rebuilt += Math.round(figure);
        }
        // 4. Verified income is what the series rebuild; monthly_income that or the lower declared figure.
        expect(rebuilt, 'verified monthly income').to.equal(pence(e.income.verified_monthly));
        expect(pence(a.monthly_income)).to.equal(
          e.income.basis === 'declared_lower' ? pence(e.income.declared_monthly ?? 0) : rebuilt,
        );

        // Categories: the months' average, plus the schedule's part of each scheduled line, floored at
        // zero; a category lifted to its guideline is the guideline.
        for (const [c, ev] of Object.entries(e.expenditure.categories)) {
          if (!ev || ev.guideline?.applied) continue;
          const sum = total(e, (m) => m.spending.categories[c as keyof typeof m.spending.categories]);
          let schedule = 0;
          for (const l of ev.lines.filter((x) => x.cadence !== 'irregular')) {
            const lineTotal = ledger
              .filter((r) => l.refs.includes(r.ref))
              .reduce((t, r) => t + pence(r.amount), 0);
            schedule += pence(l.monthly_amount) - lineTotal / avg;
          }
          const scheduled = ev.lines.filter((x) => x.cadence !== 'irregular').length;
          const figure = Math.max(0, sum / avg + schedule);
          // Each scheduled line's figure is rounded to the penny: at most half a penny each, and one for the total.
          expect(Math.abs(figure - pence(ev.monthly_amount)), `${c}`).to.be.at.most(0.5 * scheduled + 0.5);
        }

        // The reconciliation states the averages and the rules that account for a difference.
        const [inc, exp] = s.reconciliation;
        expect(inc?.figure).to.equal('monthly_income');
        expect(pence(inc?.observed_average ?? NaN)).to.equal(
          Math.round(total(e, (m) => m.income.total) / avg),
        );
        expect(inc?.assessment).to.equal(e.income.verified_monthly);
        if (inc && inc.difference !== 0) expect(inc.rules).to.not.deep.equal([]);
        if (inc && inc.rules.length === 0) expect(inc.difference).to.equal(0);
        expect(exp?.figure).to.equal('monthly_expenditure');
        expect(pence(exp?.observed_average ?? NaN)).to.equal(
          Math.round(total(e, (m) => m.spending.total) / avg),
        );
        expect(exp?.assessment).to.equal(a.monthly_expenditure);
        if (exp && exp.rules.length === 0) expect(Math.abs(exp.difference)).to.be.at.most(0.01);
      });
    }
  }

  it('has a rule for every trend, and slopes only over three or more complete months', () => {
    for (const id of PERSONA_IDS) {
      const s = run(id, 1).evidence.series;
      expect(s.trends.map((t) => t.id)).to.deep.equal([
        'income_slope',
        'spending_slope',
        'gambling_share',
        'cash_share',
      ]);
      for (const t of s.trends) {
        expect(t.rule, t.id).to.match(/^series\.[a-z_]+$/);
        const whole = s.months.filter((m) => m.complete).map((m) => m.month);
        for (const m of t.months) expect(whole, `${id} ${t.id}`).to.include(m);
        if (t.months.length < 3) expect(t.value, `${id} ${t.id}`).to.equal(null);
        else expect(t.value, `${id} ${t.id}`).to.be.a('number');
      }
    }
  });

  /** Six calendar months of a salary, with spending that rises, gambling and cash. */
  function history(opts: { rise: number; balances?: boolean }) {
    const out = [];
    let balance = 500_00;
    for (let i = 0; i < 6; i++) {
      const month = `2026-${String(5 + i).padStart(2, '0')}`;
      const rows: Array<[string, number, string]> = [
        [`${month}-01`, -2000 - 100 * i, 'ACME LTD SALARY'],
        [`${month}-02`, 800, 'RENT J SMITH'],
        [`${month}-10`, 100 + opts.rise * i, 'TESCO STORES'],
        [`${month}-12`, 50 * (i + 1), 'BET365'],
        [`${month}-15`, 40 * (6 - i), 'CASH WITHDRAWAL HSBC'],
      ];
      for (const [date, amount, name] of rows) {
        balance -= Math.round(amount * 100);
        out.push(tx(date, amount, name, opts.balances ? { balance: balance / 100 } : {}));
      }
    }
    return out;
  }

  it('reads a rising income, rising spending, a rising gambling share and a falling cash share', () => {
    const s = assess({ transactions: history({ rise: 30 }), now: NOW }).evidence.series;
    expect(s.months.map((m) => m.month)).to.deep.equal([
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
      '2026-10',
    ]);
    const trend = (id: string) => s.trends.find((t) => t.id === id);
    // The history ends on 15 October: the trends read May to September. Income 2000, 2100, … 2400: 100 a
    // month, 100 / 2200 of the mean.
    expect(trend('income_slope')?.months).to.deep.equal([
      '2026-05',
      '2026-06',
      '2026-07',
      '2026-08',
      '2026-09',
    ]);
    expect(trend('income_slope')?.value).to.equal(100);
    expect(trend('income_slope')?.relative).to.equal(Math.round((100 / 2200) * 10_000) / 10_000);
    // Spending: rent 800 + groceries 100 + 30i + stakes 50(i+1) + cash 40(6-i): +30 +50 -40 = 40 a month.
    expect(trend('spending_slope')?.value).to.equal(40);
    expect(trend('gambling_share')?.value).to.be.greaterThan(0);
    expect(trend('cash_share')?.value).to.be.lessThan(0);
    const may = s.months[0];
    expect(may?.gambling_share).to.equal(Math.round((50 / 2000) * 10_000) / 10_000);
    expect(may?.cash_share).to.equal(Math.round((240 / (800 + 100 + 50 + 240)) * 10_000) / 10_000);
    expect(may?.end_balance, 'no balances sent').to.equal(null);
    expect(may?.overdraft_days).to.equal(null);
  });

  it('gives each month its end balance, and counts the days that end overdrawn, a balance holding until the next', () => {
    const t = [
      tx('2026-05-01', -1000, 'ACME LTD SALARY', { balance: 900 }),
      tx('2026-05-20', 1000, 'RENT J SMITH', { balance: -100 }),
      // Two rows on one day, sent in the reverse of their booking order: the day ends at 50.
      tx('2026-05-25', -200, 'ACME LTD SALARY', { balance: 50 }),
      tx('2026-05-25', 50, 'TESCO STORES', { balance: -150 }),
      tx('2026-06-10', 100, 'TESCO STORES', { balance: -50 }),
      tx('2026-06-20', -500, 'ACME LTD SALARY', { balance: 450 }),
    ];
    const s = assess({ transactions: t, now: NOW }).evidence.series;
    const [may, june] = s.months;
    // May: overdrawn from the 20th to the 24th (5 days); the 25th ends at 50.
    expect(may?.overdraft_days).to.equal(5);
    expect(may?.end_balance).to.equal(50);
    expect(may?.end_balances).to.deep.equal([{ account_id: 'default', balance: 50, date: '2026-05-25' }]);
    // June (the history ends on the 20th): the 10th to the 19th overdrawn (10 days).
    expect(june?.overdraft_days).to.equal(10);
    expect(june?.days).to.equal(20);
    expect(june?.complete).to.equal(false);
    expect(june?.end_balances).to.deep.equal([{ account_id: 'default', balance: 450, date: '2026-06-20' }]);
  });

  it('is empty for no transactions', () => {
    const s = assess({ transactions: [], now: NOW }).evidence.series;
    expect(s.months).to.deep.equal([]);
    expect(s.trends.every((x) => x.value === null)).to.equal(true);
  });
});
