import { expect } from 'chai';
import type { CadenceFit } from '../../../src/engine/cadence.ts';
import {
  averaged,
  perMonth,
  perPayment,
  scheduleEnded,
  takenAsMonthly,
  viaPounds,
} from '../../../src/engine/monthly.ts';
import type { Period } from '../../../src/engine/period.ts';
import { formatMoney } from '../../../src/model/money.ts';

const period = (days: number, averagingMonths = 6): Period => ({
  first: 0,
  last: days - 1,
  days,
  monthsExact: averagingMonths,
  monthsAnalyzed: averagingMonths,
  averagingMonths,
  completeMonths: [],
});
const fit = (slots: number, missed: number): CadenceFit => ({
  cadence: 'monthly',
  slots,
  missed,
  max_drift: 0,
});

describe('what a series of payments is worth a month (monthly.ts, shared by income and expenditure)', () => {
  it('ends a schedule whose last payment is more than 1.5 periods and the drift tolerance old', () => {
    // Monthly: 1.5 × 30.4375 + 2 = 47.66 days.
    expect(scheduleEnded('monthly', 47)).to.equal(false);
    expect(scheduleEnded('monthly', 48)).to.equal(true);
    // Weekly: 1.5 × 7 + 1 = 11.5 days.
    expect(scheduleEnded('weekly', 11)).to.equal(false);
    expect(scheduleEnded('weekly', 12)).to.equal(true);
  });

  it('counts a schedule owed in full at the mean payment made, any other at the total over every slot', () => {
    expect(perPayment(5000, fit(6, 1), true)).to.equal(1000);
    expect(perPayment(5000, fit(6, 1), false)).to.equal(5000 / 6);
    expect(perMonth(1000, 'monthly')).to.equal(1000);
    expect(perMonth(1000, 'weekly')).to.equal((1000 * 52) / 12);
  });

  it('takes a single payment as monthly only in a history too short for a second one', () => {
    expect(takenAsMonthly(1, period(30))).to.equal('one payment in a 30-day history, taken as monthly');
    expect(takenAsMonthly(1, period(45))).to.equal(undefined);
    expect(takenAsMonthly(2, period(30))).to.equal(undefined);
  });

  it('averages unscheduled payments over the months of the history', () => {
    expect(averaged(30_000, period(183, 6), (m) => formatMoney(m, 'GBP'))).to.deep.equal({
      monthly: 5000,
      basis: 'total £300.00 over 6.00 months',
    });
  });

  it('keeps the half-penny rounding a monthly figure always had (through pounds), and every other figure as it is', () => {
    expect(Math.round(viaPounds(1836.5))).to.equal(1836); // £18.36, as it always was (directly: 1837)
    expect(Math.round(viaPounds(1835.5))).to.equal(1836);
    expect(Math.round(viaPounds(1836.4))).to.equal(1836);
    expect(Math.round(viaPounds(1836.6))).to.equal(1837);
  });
});
