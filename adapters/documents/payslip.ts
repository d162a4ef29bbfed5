/**
 * `readPayslip`: a UK payslip PDF (text layer) → employer, pay date, period, gross and net pay, tax,
 * National Insurance and pension (minor units, this period's figures, never the year to date), or a
 * typed failure. A payslip must show pay before and after deductions and each deduction (GOV.UK,
 * "Payslips"); layouts differ, so the reader looks for labels and the first amount after each.
 */
import { at, entriesOf } from '../../src/lib/narrow.ts';
import { metadataSignals } from './tamper.ts';
import { isFailure, noTextFailure, readPdfText } from './pdf.ts';
import { norm, pageLines, parseDate, parseMoney, toIso, type Line, type Money } from './text.ts';
import type { DocumentFailure, PayslipResult, Period } from './types.ts';

type Field = 'gross' | 'net' | 'tax' | 'ni' | 'pension';

const LABELS: Record<Field, RegExp[]> = {
  gross: [
    /^(total )?gross( pay)?( for period| this period)?$/,
    /^total (earnings|payments|pay)$/,
    /^gross earnings$/,
  ],
  net: [
    /^net( pay| payment| amount)?( this period)?$/,
    /^take home( pay)?$/,
    /^amount paid$/,
    /^net pay to bank$/,
  ],
  tax: [/^(paye )?(income )?tax( paye)?$/, /^paye$/, /^tax deducted$/],
  ni: [
    /^(employee'?s? )?(national insurance|nat ins|ni|nic)( contributions?| ee| employee)?$/,
    /^ni (ee|employee)$/,
  ],
  pension: [
    /^(employee'?s? )?pension( contribution| ee| employee| salary sacrifice)?s?$/,
    /^(ee|employee) pension$/,
    /^pension \(ee\)$/,
    /^workplace pension$/,
  ],
};
const YTD = /to date|ytd|year to date|cumulative/;

const fail = (reason: DocumentFailure['reason'], detail: string): DocumentFailure => ({
  ok: false,
  reason,
  detail,
});

/** Label → the first amount after it on its line (this period's figure comes before the year to date). */
function labelledAmounts(lines: Line[]): { label: string; money: Money; line: Line }[] {
  const out: { label: string; money: Money; line: Line }[] = [];
  for (const l of lines) {
    let label: string[] = [];
    let taken = false;
    for (let j = 0; j < l.words.length; j++) {
      const w = at(l.words, j);
      const prev = l.words[j - 1];
      if (prev && w.x0 - prev.x1 > 6 * w.size && !parseMoney(w.s)) {
        // A second label on the same line (two boxes side by side).
        label = [];
        taken = false;
      }
      const m = parseMoney(w.s);
      if (m) {
        if (label.length && !taken) {
          out.push({ label: label.join(' '), money: m, line: l });
          taken = true;
        }
        continue;
      }
      if (taken) {
        label = [];
        taken = false;
      }
      label.push(w.s);
    }
  }
  return out;
}

const DATE_TEXT =
  /(\d{1,2}(?:st|nd|rd|th)?[\s./-]*[a-z]{3,9}\.?[\s.,-]*\d{2,4}|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2})/i;

function findDate(lines: Line[], label: RegExp): string | null {
  for (const l of lines) {
    const m = new RegExp(`${label.source}\\s*:?\\s*${DATE_TEXT.source}`, 'i').exec(l.text);
    const d = m ? parseDate(at(m, m.length - 1)) : null;
    if (d && d.y !== null) return toIso(d);
  }
  return null;
}

/** A line's text with a ` | ` where a gap wider than two characters separates two runs of words. */
function gapped(l: Line): string {
  let out = '';
  l.words.forEach((w, i) => {
    const prev = l.words[i - 1];
    out += !prev ? w.s : w.x0 - prev.x1 > 2 * w.size ? ` | ${w.s}` : ` ${w.s}`;
  });
  return out;
}

/** The value after `label:` up to the next gap (the next field on the same line). */
function findText(lines: Line[], label: RegExp): string | null {
  for (const l of lines) {
    const m = new RegExp(`(?:^|\\| )${label.source}\\s*:\\s*(?:\\|\\s*)?([^|]+)`, 'i').exec(gapped(l));
    const v = m?.[m.length - 1]?.trim();
    if (v) return v.slice(0, 120);
  }
  return null;
}

export async function readPayslip(
  pdf: Uint8Array,
  opts: { maxPages?: number; maxBytes?: number; currency?: string } = {},
): Promise<PayslipResult> {
  const doc = await readPdfText(pdf, {
    maxPages: opts.maxPages ?? 5,
    ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}),
  });
  if (isFailure(doc)) return doc;
  const none = noTextFailure(doc, 'payslip');
  if (none) return none;
  const lines = doc.pages.flatMap(pageLines);
  const pairs = labelledAmounts(lines);
  const fields: Partial<Record<Field, number>> = {};
  for (const p of pairs) {
    const n = norm(p.label).replace(/\.$/, '');
    if (YTD.test(n)) continue;
    for (const [f, res] of entriesOf(LABELS)) {
      if (fields[f] === undefined && res.some((r) => r.test(n))) fields[f] = p.money.minor;
    }
  }
  const warnings: string[] = [];
  const payDate = findDate(lines, /(?:pay(?:ment)? date|date paid|paid on|pay day|process date)/);
  if (fields.gross === undefined || fields.net === undefined || !payDate) {
    const missing = [
      fields.gross === undefined && 'gross pay',
      fields.net === undefined && 'net pay',
      !payDate && 'pay date',
    ]
      .filter(Boolean)
      .join(', ');
    return fail('not_a_payslip', `no ${missing} found: not a payslip, or a layout the reader does not know`);
  }
  let period: Period | null = null;
  for (const l of lines) {
    const m = new RegExp(
      `(?:pay period|period|period covered)\\s*:?\\s*(?:from\\s*)?${DATE_TEXT.source}\\s*(?:to|-|–)\\s*${DATE_TEXT.source}`,
      'i',
    ).exec(l.text);
    if (m) {
      const a = parseDate(at(m, 1));
      const b = parseDate(at(m, 2));
      const start = a?.y ? toIso(a) : null;
      const end = b?.y ? toIso(b) : null;
      if (start && end) period = { start, end };
      break;
    }
  }
  const taxPeriod = (() => {
    // "Tax period: 7", "Tax month 7", "Period: Month 7" — not "Period: 1 September … to …".
    for (const re of [
      /\b(?:tax period|period no\.?|tax month|tax week)\s*:?\s*((?:month|week|m|wk|w)\s*\d{1,2}|\d{1,2})\b/i,
      /\bperiod\s*:?\s*((?:month|week)\s*\d{1,2})\b/i,
    ]) {
      for (const l of lines) {
        const m = re.exec(l.text);
        if (m) return at(m, 1).replace(/\s+/g, ' ').trim();
      }
    }
    return null;
  })();
  const employer = findText(lines, /(?:employer(?: name)?|company(?: name)?)/) ?? topLine(lines);
  const employee = findText(lines, /(?:employee(?: name)?|name)/);
  const deductions = [fields.tax, fields.ni, fields.pension];
  const otherDeductions = pairs.some((p) =>
    /^(student loan|union|attachment|court order|other deduction|deductions? other)/.test(norm(p.label)),
  );
  let adds: boolean | null = null;
  if (deductions.every((d) => d !== undefined) && !otherDeductions)
    adds = fields.gross - deductions.reduce<number>((s, d) => s + (d ?? 0), 0) === fields.net;
  else {
    const total = pairs.find((p) => /^total deductions?$/.test(norm(p.label)));
    if (total) adds = fields.gross - total.money.minor === fields.net;
  }
  if (adds === false) warnings.push('gross pay less the deductions printed does not equal the net pay');
  if (!employer) warnings.push('no employer name found');
  return {
    ok: true,
    employer,
    employee,
    pay_date: payDate,
    period,
    tax_period: taxPeriod,
    gross_minor: fields.gross,
    net_minor: fields.net,
    tax_minor: fields.tax ?? null,
    ni_minor: fields.ni ?? null,
    pension_minor: fields.pension ?? null,
    adds_up: adds,
    currency: opts.currency ?? 'GBP',
    warnings,
    tamper_signals: metadataSignals(doc),
    document_sha256: doc.sha256,
  };
}

/** The biggest text on the first page's top quarter: payslips print the employer's name as their title. */
function topLine(lines: Line[]): string | null {
  const top = lines.filter((l) => l.page === 1 && l.y < 220 && /[a-z]/i.test(l.text) && !parseMoney(l.text));
  const best = top.sort((a, b) => b.size - a.size)[0];
  return best && !/payslip|pay slip|pay advice|statement/i.test(best.text) ? best.text.trim() : null;
}
