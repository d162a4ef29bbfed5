import { expect } from 'chai';
import { dayNumber, isoDate, previousWorkingDay } from '../../../src/engine/calendar.ts';
import { monthly, run, tx } from '../../helpers/engine.ts';

type T = ReturnType<typeof tx>;
const ledger = (r: ReturnType<typeof run>, merchant: string) =>
  r.evidence.ledger.filter((l) => l.merchant_name === merchant);

/** The last working day of each month from..to (YYYY-MM). */
function lastWorkingDays(from: string, to: string): string[] {
  return monthly(1, from, to).map((d) => {
    const [y, m] = d.split('-').map(Number) as [number, number];
    const end = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    return isoDate(previousWorkingDay(dayNumber(end)));
  });
}

/** Everyday spending across May–October, so that a history is a full file. */
function everyday(): T[] {
  const out: T[] = [];
  for (let i = 0; i < 60; i++)
    out.push(
      tx(
        `2026-${String(5 + (i % 6)).padStart(2, '0')}-${String(1 + ((i * 3) % 28)).padStart(2, '0')}`,
        20 + (i % 9),
        'LIDL GB',
      ),
    );
  out.push(tx('2026-05-01', 3, 'LIDL GB'), tx('2026-10-31', 4, 'LIDL GB'));
  return out;
}

describe('engine income', () => {
  it("reads regular wage-size credits from a merchant as wages, and keeps that merchant's shopping and refunds", () => {
    const t = [
      ...everyday(),
      ...lastWorkingDays('2026-05', '2026-10').map((d) => tx(d, -2150, 'TESCO STORES LTD')),
      ...['2026-05-09', '2026-06-13', '2026-07-11', '2026-08-08', '2026-09-12', '2026-10-10'].map((d) =>
        tx(d, 64.2, 'TESCO STORES 2231'),
      ),
      tx('2026-08-15', -12.5, 'TESCO STORES 2231'),
    ];
    const r = run(t);
    expect(r.assessment.monthly_income).to.equal(2150);
    expect(r.evidence.income.streams).to.have.length(1);
    expect(r.evidence.income.streams[0]).to.include({
      type: 'employment',
      cadence: 'monthly',
      status: 'active',
    });
    expect(r.assessment.risk_flags).to.not.include('no_verified_income');
    // The shopping is still groceries; the small credit is a refund netted against them.
    expect(r.assessment.categories['Food & Housekeeping']).to.be.greaterThan(100);
    expect(r.evidence.ledger.find((l) => l.amount === -12.5)).to.include({
      treatment: 'refund',
      stream: 'Food & Housekeeping',
    });
  });

  it('reads a foreign employer whose name holds a streaming brand as an employer', () => {
    const t = [
      ...everyday(),
      ...monthly(25, '2026-05', '2026-10').map((d) =>
        tx(isoDate(previousWorkingDay(dayNumber(d))), -3100, 'NETFLIX INTERNATIONAL B.V.'),
      ),
      ...monthly(3, '2026-05', '2026-10').map((d) => tx(d, 10.99, 'NETFLIX.COM')),
    ];
    const r = run(t);
    expect(r.assessment.monthly_income).to.equal(3100);
    expect(r.assessment.categories['Communications & Leisure']).to.equal(10.99);
  });

  it('keeps small regular credits from a merchant as refunds, not pay', () => {
    const t = [
      ...everyday(),
      ...monthly(25, '2026-05', '2026-10').map((d) => tx(d, -2000, 'ACME LTD SALARY')),
      ...monthly(3, '2026-05', '2026-10').map((d) => tx(d, -4.5, 'LIDL GB')),
    ];
    const r = run(t);
    expect(r.assessment.monthly_income).to.equal(2000);
    expect(
      ledger(r, 'LIDL GB')
        .filter((l) => l.amount < 0)
        .every((l) => l.treatment === 'refund'),
    ).to.equal(true);
  });

  it('groups pay whose reference changes every month into one stream', () => {
    const t = [
      ...everyday(),
      ...monthly(25, '2026-05', '2026-10').map((d, i) =>
        tx(
          isoDate(previousWorkingDay(dayNumber(d))),
          -1875,
          `ACME LOGISTICS LTD P0${i + 1} REF ${88213 + i * 917}`,
        ),
      ),
    ];
    const r = run(t);
    expect(r.evidence.income.streams).to.have.length(1);
    expect(r.evidence.income.streams[0]).to.include({ payments: 6, cadence: 'monthly' });
    expect(r.assessment.monthly_income).to.equal(1875);
  });

  it('finds semi-monthly pay (the 15th and the last working day) as 2 payments a month', () => {
    const days = [
      ...monthly(15, '2026-05', '2026-10').map((d) => isoDate(previousWorkingDay(dayNumber(d)))),
      ...lastWorkingDays('2026-05', '2026-10'),
    ];
    const r = run([...everyday(), ...days.map((d) => tx(d, -1100, 'NORTHWICK TRUST LTD'))]);
    expect(r.evidence.income.streams[0]).to.include({ cadence: 'semi_monthly', status: 'active' });
    expect(r.assessment.monthly_income).to.equal(2200);
  });

  it('counts child maintenance received as non-earned income', () => {
    const t = [
      ...everyday(),
      ...monthly(25, '2026-05', '2026-10').map((d) => tx(d, -1500, 'ACME LTD SALARY')),
      ...monthly(1, '2026-05', '2026-10').map((d) =>
        tx(d, -280, 'J SMITH', { description: 'SO J SMITH CHILD MAINT' }),
      ),
    ];
    const r = run(t);
    const m = r.evidence.income.streams.find((s) => s.type === 'maintenance');
    expect(m).to.include({ cadence: 'monthly', monthly_amount: 280 });
    expect(r.assessment.monthly_income).to.equal(1780);
  });

  it('averages irregular earnings from a company over the window and raises income_volatility', () => {
    const drawings = [
      ['2026-05-06', 1200],
      ['2026-05-28', 800],
      ['2026-07-14', 2500],
      ['2026-08-30', 600],
      ['2026-10-05', 1900],
    ] as const;
    const r = run([...everyday(), ...drawings.map(([d, a]) => tx(d, -a, 'BRIGHTWAVE CONSULTING LTD'))]);
    const s = r.evidence.income.streams[0]!;
    expect(s).to.include({ cadence: 'irregular', status: 'active', type: 'self_employment' });
    const months = r.evidence.period.averaging_months;
    expect(r.assessment.monthly_income).to.be.closeTo(7000 / months, 0.05);
    expect(r.assessment.risk_flags).to.include('income_volatility');
  });

  it('does not extrapolate two payments 11 days apart into fortnightly pay', () => {
    const r = run([
      ...everyday(),
      tx('2026-09-07', -600, 'ACME LTD SALARY'),
      tx('2026-09-18', -600, 'ACME LTD SALARY'),
    ]);
    const s = r.evidence.income.streams[0]!;
    expect(s).to.include({ cadence: 'irregular', status: 'active' });
    expect(r.assessment.monthly_income).to.be.closeTo(1200 / r.evidence.period.averaging_months, 0.05);
    expect(r.assessment.risk_flags).to.include('income_volatility');
  });

  it('reads a change of employer as an ended stream and a new one, without an income-loss indicator', () => {
    const t = [
      ...everyday(),
      ...monthly(25, '2026-05', '2026-07').map((d) => tx(d, -1800, 'OLD CO LTD SALARY')),
      ...monthly(28, '2026-08', '2026-10').map((d) =>
        tx(isoDate(previousWorkingDay(dayNumber(d))), -2100, 'NEW CO LTD SALARY'),
      ),
    ];
    const r = run(t);
    const old = r.evidence.income.streams.find((s) => s.payer.startsWith('OLD'));
    expect(old).to.include({ status: 'ended', monthly_amount: 0 });
    expect(r.assessment.monthly_income).to.equal(2100);
    expect(r.assessment.vulnerability_flags).to.not.include('life_events_income_loss');
  });

  it('still reads a job lost with nothing after it as an income loss', () => {
    const r = run([
      ...everyday(),
      ...monthly(25, '2026-05', '2026-07').map((d) => tx(d, -1800, 'OLD CO LTD SALARY')),
    ]);
    expect(r.assessment.monthly_income).to.equal(0);
    expect(r.assessment.risk_flags).to.include('no_verified_income');
    expect(r.assessment.vulnerability_flags).to.include('life_events_income_loss');
  });
});

describe('engine committed payments', () => {
  const salary = () => monthly(25, '2026-05', '2026-10').map((d) => tx(d, -2500, 'ACME LTD SALARY'));

  it('counts a mortgage with a missed month at its scheduled amount and raises missed_payments', () => {
    const mortgage = monthly(1, '2026-05', '2026-10')
      .filter((d) => d !== '2026-07-01')
      .map((d) => tx(d, 850, 'HALIFAX MORTGAGE', { description: 'DD HALIFAX MORTGAGE' }));
    const r = run([...everyday(), ...salary(), ...mortgage]);
    const line = r.evidence.expenditure.categories['Home & Contents']!.lines[0]!;
    expect(line).to.include({ cadence: 'monthly', monthly_amount: 850, missed_payments: 1 });
    expect(r.assessment.risk_flags).to.include('missed_payments');
    expect(r.assessment.vulnerability_flags).to.include('resilience_missed_commitments');
  });

  it('raises missed_payments when the latest mortgage payment is overdue at the end of the history', () => {
    // Due on the 1st; the history runs to 10 November and holds no November payment.
    const mortgage = monthly(1, '2026-05', '2026-10').map((d) =>
      tx(d, 850, 'HALIFAX MORTGAGE', { description: 'DD HALIFAX MORTGAGE' }),
    );
    const r = run([...everyday(), ...salary(), ...mortgage, tx('2026-11-10', 5, 'LIDL GB')], {
      now: new Date('2026-11-11T09:00:00Z'),
    });
    expect(r.assessment.risk_flags).to.include('missed_payments');
  });

  it('does not raise missed_payments for a mortgage paid every month', () => {
    const mortgage = monthly(1, '2026-05', '2026-10').map((d) =>
      tx(d, 850, 'HALIFAX MORTGAGE', { description: 'DD HALIFAX MORTGAGE' }),
    );
    const r = run([...everyday(), ...salary(), ...mortgage]);
    expect(r.assessment.risk_flags).to.not.include('missed_payments');
    expect(r.assessment.categories['Home & Contents']).to.equal(850);
  });
});
