import { expect } from 'chai';
import { detectCadence } from '../../../src/engine/cadence.ts';
import { bankHolidays, dayNumber, isoDate, isWorkingDay } from '../../../src/engine/calendar.ts';

const days = (xs: string[]) => xs.map(dayNumber);
const holidays = (y: number) => [...bankHolidays(y)].sort((a, b) => a - b).map(isoDate);

describe('calendar', () => {
  it('computes the England and Wales bank holidays, with substitute days', () => {
    expect(holidays(2026)).to.deep.equal([
      '2026-01-01',
      '2026-04-03',
      '2026-04-06',
      '2026-05-04',
      '2026-05-25',
      '2026-08-31',
      '2026-12-25',
      '2026-12-28',
    ]);
    expect(holidays(2027)).to.deep.equal([
      '2027-01-01',
      '2027-03-26',
      '2027-03-29',
      '2027-05-03',
      '2027-05-31',
      '2027-08-30',
      '2027-12-27',
      '2027-12-28',
    ]);
    expect(holidays(2022)).to.include('2022-01-03');
  });

  it('rejects dates that do not exist', () => {
    expect(Number.isNaN(dayNumber('2026-02-29'))).to.equal(true);
    expect(Number.isNaN(dayNumber('2024-02-29'))).to.equal(false);
    expect(Number.isNaN(dayNumber('2026-13-01'))).to.equal(true);
    expect(Number.isNaN(dayNumber('26-01-01'))).to.equal(true);
  });

  it('knows weekends and holidays are not working days', () => {
    expect(isWorkingDay(dayNumber('2026-04-03'))).to.equal(false);
    expect(isWorkingDay(dayNumber('2026-11-21'))).to.equal(false);
    expect(isWorkingDay(dayNumber('2026-11-20'))).to.equal(true);
  });
});

describe('cadence', () => {
  it('finds monthly pay on the 25th moved back over weekends', () => {
    expect(
      detectCadence(
        days(['2026-01-23', '2026-02-25', '2026-03-25', '2026-04-24', '2026-05-25', '2026-06-25']),
      )?.cadence,
    ).to.equal('monthly');
  });
  it('finds pay on the last working day of the month', () => {
    expect(
      detectCadence(
        days(['2026-01-30', '2026-02-27', '2026-03-31', '2026-04-30', '2026-05-29', '2026-06-30']),
      )?.cadence,
    ).to.equal('monthly');
  });
  it('finds pay moved before Easter (due Easter Monday, paid Maundy Thursday)', () => {
    expect(detectCadence(days(['2026-02-06', '2026-03-06', '2026-04-02', '2026-05-06']))?.cadence).to.equal(
      'monthly',
    );
  });
  it('tells four-weekly from monthly', () => {
    expect(
      detectCadence(
        days([
          '2026-01-05',
          '2026-02-02',
          '2026-03-02',
          '2026-03-30',
          '2026-04-27',
          '2026-05-26',
          '2026-06-22',
        ]),
      )?.cadence,
    ).to.equal('four_weekly');
  });
  it('finds weekly and fortnightly', () => {
    expect(
      detectCadence(days(['2026-01-02', '2026-01-09', '2026-01-16', '2026-01-23', '2026-01-30']))?.cadence,
    ).to.equal('weekly');
    expect(
      detectCadence(days(['2026-01-02', '2026-01-16', '2026-01-30', '2026-02-13', '2026-02-27']))?.cadence,
    ).to.equal('fortnightly');
  });
  it('tolerates one missed payment and reports it', () => {
    const fit = detectCadence(
      days(['2026-01-02', '2026-01-09', '2026-01-23', '2026-01-30', '2026-02-06', '2026-02-13']),
    );
    expect(fit).to.include({ cadence: 'weekly', missed: 1, slots: 7 });
  });
  it('finds semi-monthly pay on the 15th and the last working day, moved before weekends', () => {
    const fit = detectCadence(
      days([
        '2026-05-15',
        '2026-05-29',
        '2026-06-15',
        '2026-06-30',
        '2026-07-15',
        '2026-07-31',
        '2026-08-14',
        '2026-08-28',
        '2026-09-15',
        '2026-09-30',
        '2026-10-15',
        '2026-10-30',
      ]),
    );
    expect(fit).to.include({ cadence: 'semi_monthly', missed: 0, slots: 12 });
  });
  it('finds semi-monthly pay on the 1st and the 16th, and tells it from fortnightly', () => {
    expect(
      detectCadence(
        days([
          '2026-06-01',
          '2026-06-16',
          '2026-07-01',
          '2026-07-16',
          '2026-07-31',
          '2026-08-14',
          '2026-09-01',
          '2026-09-16',
        ]),
      )?.cadence,
    ).to.equal('semi_monthly');
    expect(
      detectCadence(
        days([
          '2026-06-05',
          '2026-06-19',
          '2026-07-03',
          '2026-07-17',
          '2026-07-31',
          '2026-08-14',
          '2026-08-28',
          '2026-09-11',
        ]),
      )?.cadence,
    ).to.equal('fortnightly');
  });
  it('finds pay on the last Friday of the month', () => {
    expect(
      detectCadence(
        days(['2026-05-29', '2026-06-26', '2026-07-31', '2026-08-28', '2026-09-25', '2026-10-30']),
      )?.cadence,
    ).to.equal('monthly');
  });
  it('finds quarterly payments, from two payments when that is all a window holds', () => {
    expect(detectCadence(days(['2026-03-31', '2026-06-30', '2026-09-30']))?.cadence).to.equal('quarterly');
    expect(detectCadence(days(['2026-06-30', '2026-09-30']), { minPayments: 3 })?.cadence).to.equal(
      'quarterly',
    );
  });
  it('does not extrapolate two payments into a schedule when three are required', () => {
    expect(detectCadence(days(['2026-05-06', '2026-05-17']), { minPayments: 3 })).to.equal(undefined);
    expect(detectCadence(days(['2026-05-25', '2026-06-25']), { minPayments: 3 })).to.equal(undefined);
  });
  it('finds no schedule in irregular payments or a single one', () => {
    expect(
      detectCadence(days(['2026-01-02', '2026-01-11', '2026-01-30', '2026-02-03', '2026-02-27'])),
    ).to.equal(undefined);
    expect(detectCadence(days(['2026-01-02']))).to.equal(undefined);
  });
});
