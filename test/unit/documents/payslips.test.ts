/**
 * Payslips read (a hand-made one from public descriptions, and generated ones of both shapes from the
 * personas' pay), matched to the credits that paid them, and the misses explained.
 */
import { expect } from 'chai';
import { matchPayslips, readPayslip, readStatement } from '../../../adapters/documents/index.ts';
import type { PayslipRead, PayslipResult } from '../../../adapters/documents/types.ts';
import type { Transaction } from '../../../src/model/transaction.ts';
import { personaRows, personaStatements } from '../../../tools/statements/personas.ts';
import { renderPayslip } from '../../../tools/statements/payslip.ts';
import { HAND_PAYSLIP } from '../../fixtures/documents/payslips.ts';
import { drawLines } from './draw.ts';

const ok = (r: PayslipResult): PayslipRead => {
  if (!r.ok) expect.fail(`${r.reason}: ${r.detail}`);
  return r;
};

describe('documents: payslips', function () {
  this.timeout(180_000);

  it('a hand-made payslip: this period, not the year to date; two boxes side by side', async () => {
    const r = ok(await readPayslip(new Uint8Array(await drawLines(HAND_PAYSLIP.lines))));
    expect(r).to.deep.include(HAND_PAYSLIP.expect);
    expect(r.period).to.equal(null);
  });

  for (const style of ['boxed', 'list'] as const) {
    it(`a generated ${style} payslip reads to its truth`, async () => {
      const { pdf, truth } = await renderPayslip({
        style,
        employer: 'ACME LOGISTICS LTD',
        employee: 'MRS SARAH AHMED',
        pay_date: '2026-09-25',
        period: { start: '2026-09-01', end: '2026-09-30' },
        tax_month: 6,
        net_minor: 235_000,
      });
      const r = ok(await readPayslip(new Uint8Array(pdf)));
      expect({
        employer: r.employer,
        employee: r.employee,
        pay_date: r.pay_date,
        period: r.period,
        gross_minor: r.gross_minor,
        net_minor: r.net_minor,
        tax_minor: r.tax_minor,
        ni_minor: r.ni_minor,
        pension_minor: r.pension_minor,
      }).to.deep.equal(truth);
      expect(r.adds_up).to.equal(true);
      expect(r.tax_period).to.equal(style === 'boxed' ? 'Month 6' : '6');
    });
  }

  it('a bank statement is not a payslip', async () => {
    const [s] = await personaStatements({
      bank: 'hsbc',
      persona: 'salaried_single_renter',
      months: ['2026-05'],
    });
    expect(await readPayslip(new Uint8Array(s!.pdf))).to.include({ ok: false, reason: 'not_a_payslip' });
  });

  describe('matching payslips to credits', () => {
    let transactions: Transaction[];
    const salary = personaRows('salaried_single_renter').filter(
      (r) => r.amount_minor < 0 && /ACME/.test(r.description),
    );
    before(async () => {
      const statements = await personaStatements({
        bank: 'barclays',
        persona: 'salaried_single_renter',
        months: ['2026-07', '2026-08', '2026-09'],
      });
      const reads = await Promise.all(statements.map((s) => readStatement(new Uint8Array(s.pdf))));
      transactions = reads.flatMap((r) => (r.ok ? r.transactions : []));
    });
    const slip = async (pay_date: string, net_minor: number, employer = 'Acme Logistics Limited') =>
      readPayslip(
        new Uint8Array(
          (
            await renderPayslip({
              style: 'boxed',
              employer,
              employee: 'MRS SARAH AHMED',
              pay_date,
              period: { start: `${pay_date.slice(0, 8)}01`, end: `${pay_date.slice(0, 8)}28` },
              tax_month: 4,
              net_minor,
            })
          ).pdf,
        ),
      );

    it("each month's payslip is matched to that month's salary credit, once", async () => {
      const pays = salary.filter((r) => r.date >= '2026-07-01' && r.date <= '2026-09-30');
      expect(pays).to.have.length(3);
      // Payslips dated the nominal pay day (the 25th); the bank credit may be a working day or two earlier.
      const slips = await Promise.all(pays.map((p) => slip(`${p.date.slice(0, 8)}25`, -p.amount_minor)));
      const m = matchPayslips(slips, transactions);
      expect(m.map((x) => x.status)).to.deep.equal(['matched', 'matched', 'matched']);
      expect(m.map((x) => x.transaction!.date)).to.deep.equal(pays.map((p) => p.date));
      expect(new Set(m.map((x) => x.transaction!.source_ref)).size).to.equal(3);
    });

    it('net pay more than 1% away, another employer, or more than 3 working days away: unmatched, with a warning', async () => {
      const pay = salary.find((r) => r.date.startsWith('2026-08'))!;
      const net = -pay.amount_minor;
      const [far, other, late, near] = await Promise.all([
        slip(pay.date, Math.round(net * 1.02)),
        slip(pay.date, net, 'Globex Corporation Ltd'),
        slip(addWorkingDays(pay.date, 4), net),
        slip(pay.date, Math.round(net * 1.009)),
      ]);
      const m = matchPayslips([far, other, late, near], transactions);
      expect(m.map((x) => x.status)).to.deep.equal(['unmatched', 'unmatched', 'unmatched', 'matched']);
      expect(m[0]!.warning).to.match(/± 1%/);
      expect(m[1]!.warning).to.match(/Globex/);
      expect(m[2]!.warning).to.match(/3 working days/);
    });
  });
});

function addWorkingDays(iso: string, n: number): string {
  let t = Date.parse(`${iso}T00:00:00Z`);
  while (n > 0) {
    t += 86_400_000;
    const d = new Date(t).getUTCDay();
    if (d !== 0 && d !== 6) n--;
  }
  return new Date(t).toISOString().slice(0, 10);
}
