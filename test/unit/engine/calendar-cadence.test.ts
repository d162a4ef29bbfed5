import { expect } from 'chai';
import { detectCadence } from '../../../src/engine/cadence.ts';
import { bankHolidays, dayNumber, isoDate, isWorkingDay } from '../../../src/engine/calendar.ts';

const days = (xs: string[]) => xs.map(dayNumber);
const holidays = (y: number) => [...bankHolidays(y)].sort((a, b) => a - b).map(isoDate);

describe('calendar', () => {
  it('computes the England and Wales bank holidays, with substitute days', () => {
    expect(holidays(2026)).to.deep.equal(['2026-01-01', '2026-04-03', '2026-04-06', '2026-05-04', '2026-05-25', '2026-08-31', '2026-12-25', '2026-12-28']);
    expect(holidays(2027)).to.deep.equal(['2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31', '2027-08-30', '2027-12-27', '2027-12-28']);
    expect(holidays(2022)).to.include('2022-01-03');
  });

  it('rejects dates that do not exist', () => {
    expect(dayNumber('2026-02-29')).to.be.NaN;
    expect(dayNumber('2024-02-29')).to.not.be.NaN;
    expect(dayNumber('2026-13-01')).to.be.NaN;
    expect(dayNumber('26-01-01')).to.be.NaN;
  });

  it('knows weekends and holidays are not working days', () => {
    expect(isWorkingDay(dayNumber('2026-04-03'))).to.equal(false);
    expect(isWorkingDay(dayNumber('2026-11-21'))).to.equal(false);
    expect(isWorkingDay(dayNumber('2026-11-20'))).to.equal(true);
  });
});

describe('cadence', () => {
  it('finds monthly pay on the 25th moved back over weekends', () => {
    expect(detectCadence(days(['2026-01-23', '2026-02-25', '2026-03-25', '2026-04-24', '2026-05-25', '2026-06-25']))?.cadence).to.equal('monthly');
  });
  it('finds pay on the last working day of the month', () => {
    expect(detectCadence(days(['2026-01-30', '2026-02-27', '2026-03-31', '2026-04-30', '2026-05-29', '2026-06-30']))?.cadence).to.equal('monthly');
  });
  it('finds pay moved before Easter (due Easter Monday, paid Maundy Thursday)', () => {
    expect(detectCadence(days(['2026-02-06', '2026-03-06', '2026-04-02', '2026-05-06']))?.cadence).to.equal('monthly');
  });
  it('tells four-weekly from monthly', () => {
    expect(detectCadence(days(['2026-01-05', '2026-02-02', '2026-03-02', '2026-03-30', '2026-04-27', '2026-05-26', '2026-06-22']))?.cadence).to.equal('four_weekly');
  });
  it('finds weekly and fortnightly', () => {
    expect(detectCadence(days(['2026-01-02', '2026-01-09', '2026-01-16', '2026-01-23', '2026-01-30']))?.cadence).to.equal('weekly');
    expect(detectCadence(days(['2026-01-02', '2026-01-16', '2026-01-30', '2026-02-13', '2026-02-27']))?.cadence).to.equal('fortnightly');
  });
  it('tolerates one missed payment and reports it', () => {
    const fit = detectCadence(days(['2026-01-02', '2026-01-09', '2026-01-23', '2026-01-30', '2026-02-06', '2026-02-13']));
    expect(fit).to.include({ cadence: 'weekly', missed: 1, slots: 7 });
  });
  it('finds no schedule in irregular payments or a single one', () => {
    expect(detectCadence(days(['2026-01-02', '2026-01-11', '2026-01-30', '2026-02-03', '2026-02-27']))).to.equal(undefined);
    expect(detectCadence(days(['2026-01-02']))).to.equal(undefined);
  });
});
