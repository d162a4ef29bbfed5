/**
 * Payslip PDFs for tests and demos: an employer's payslip for a persona's pay, in two common shapes — a
 * boxed one (payments and deductions side by side, this period and year to date) and a plain list — as
 * a payslip must show pay before and after deductions and each deduction (GOV.UK, "Payslips").
 */
import PDFDocument from 'pdfkit';

export interface PayslipSpec {
  style: 'boxed' | 'list';
  employer: string;
  employee: string;
  pay_date: string;
  period: { start: string; end: string };
  tax_month: number;
  net_minor: number;
  producer?: string;
}

export interface PayslipTruth {
  employer: string;
  employee: string;
  pay_date: string;
  period: { start: string; end: string };
  gross_minor: number;
  net_minor: number;
  tax_minor: number;
  ni_minor: number;
  pension_minor: number;
}

const m = (minor: number) =>
  (minor / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const slash = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const MONTH = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const long = (iso: string) =>
  `${Number(iso.slice(8, 10))} ${MONTH[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;

/**
 * Gross and deductions that give the net: basic-rate tax and employee NI on pay above a month's
 * personal allowance (£1,047.50), a 5% pension; the pension takes the rounding so the net is exact.
 */
export function splitPay(net: number): Omit<PayslipTruth, 'employer' | 'employee' | 'pay_date' | 'period'> {
  const allowance = 104_750;
  const gross = Math.round((net - 0.28 * allowance) / 0.67);
  const tax = Math.round(0.2 * (gross - allowance));
  const ni = Math.round(0.08 * (gross - allowance));
  const pension = gross - tax - ni - net;
  return { gross_minor: gross, net_minor: net, tax_minor: tax, ni_minor: ni, pension_minor: pension };
}

export async function renderPayslip(spec: PayslipSpec): Promise<{ pdf: Buffer; truth: PayslipTruth }> {
  const pay = splitPay(spec.net_minor);
  const truth: PayslipTruth = {
    employer: spec.employer,
    employee: spec.employee,
    pay_date: spec.pay_date,
    period: spec.period,
    ...pay,
  };
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    info: { Producer: spec.producer ?? 'Payroll Manager 29.1', Creator: 'Payroll Manager' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const at = (t: string, x: number, y: number, right = false) =>
    doc.text(t, right ? x - doc.widthOfString(t) : x, y, { lineBreak: false });
  const ytd = (minor: number) => minor * spec.tax_month;
  if (spec.style === 'boxed') {
    doc.font('Helvetica-Bold').fontSize(15);
    at(spec.employer, 40, 40);
    doc.font('Helvetica').fontSize(9);
    at('PAYSLIP', 480, 62);
    at(`Employee: ${spec.employee}`, 40, 80);
    at('Employee No: 1042', 300, 80);
    at('Tax code: 1257L', 40, 94);
    at('NI number: QQ123456C', 300, 94);
    at(`Pay date: ${slash(spec.pay_date)}`, 40, 108);
    at(`Tax period: Month ${spec.tax_month}`, 300, 108);
    at(`Pay period: ${slash(spec.period.start)} - ${slash(spec.period.end)}`, 40, 122);
    doc.font('Helvetica-Bold');
    at('Payments', 40, 160);
    at('This period', 200, 160, true);
    at('Year to date', 270, 160, true);
    at('Deductions', 300, 160);
    at('This period', 470, 160, true);
    at('Year to date', 550, 160, true);
    doc.font('Helvetica');
    const left: [string, number][] = [['Basic salary', pay.gross_minor]];
    const right: [string, number][] = [
      ['PAYE Tax', pay.tax_minor],
      ['National Insurance', pay.ni_minor],
      ['Pension (EE)', pay.pension_minor],
    ];
    for (let i = 0; i < Math.max(left.length, right.length); i++) {
      const y = 176 + i * 14;
      const l = left[i];
      const r = right[i];
      if (l) {
        at(l[0], 40, y);
        at(m(l[1]), 200, y, true);
        at(m(ytd(l[1])), 270, y, true);
      }
      if (r) {
        at(r[0], 300, y);
        at(m(r[1]), 470, y, true);
        at(m(ytd(r[1])), 550, y, true);
      }
    }
    const deductions = pay.tax_minor + pay.ni_minor + pay.pension_minor;
    at('Gross pay', 40, 250);
    at(m(pay.gross_minor), 200, 250, true);
    at('Total deductions', 300, 250);
    at(m(deductions), 470, 250, true);
    doc.font('Helvetica-Bold');
    at('Net pay', 300, 272);
    at(m(pay.net_minor), 470, 272, true);
    doc.font('Helvetica').fontSize(8);
    at('Gross pay to date', 40, 300);
    at(m(ytd(pay.gross_minor)), 200, 300, true);
    at('Tax paid to date', 300, 300);
    at(m(ytd(pay.tax_minor)), 470, 300, true);
  } else {
    doc.font('Times-Bold').fontSize(14);
    at(`${spec.employer} - Pay Advice`, 40, 40);
    doc.font('Times-Roman').fontSize(10);
    const rows: [string, string][] = [
      ['Employer', spec.employer],
      ['Employee name', spec.employee],
      ['Payment date', long(spec.pay_date)],
      ['Period', `${long(spec.period.start)} to ${long(spec.period.end)}`],
      ['Tax month', String(spec.tax_month)],
    ];
    rows.forEach(([k, v], i) => {
      at(`${k}:`, 40, 80 + i * 15);
      at(v, 160, 80 + i * 15);
    });
    const money: [string, number][] = [
      ['Total gross pay', pay.gross_minor],
      ['Income tax', pay.tax_minor],
      ['Employee NIC', pay.ni_minor],
      ['Employee pension', pay.pension_minor],
      ['Net pay', pay.net_minor],
    ];
    money.forEach(([k, v], i) => {
      at(k, 40, 180 + i * 15);
      at(`£${m(v)}`, 300, 180 + i * 15, true);
    });
  }
  doc.end();
  return { pdf: await done, truth };
}
