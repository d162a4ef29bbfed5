/**
 * Signals read from a narrative: a refund, a returned payment, overdraft use, salary words, a company,
 * child maintenance, earnings. The words are the reference (docs/engine.md § Signals); a bank's own codes
 * for a returned payment come from its format (banks/).
 */
import { UK_FORMATS, type BankFormat } from './banks/index.ts';

export interface Signals {
  refund: boolean;
  returned: boolean;
  overdraft: boolean;
  unarranged: boolean;
  salary: boolean;
  /** The narrative starts with a bank-giro-credit code, the classic form of a salary credit. */
  giro: boolean;
  /** The payer's name carries a company suffix (LTD, PLC, …). */
  company: boolean;
  /** Child maintenance or child support (CMS, CHILD MAINT, …). */
  maintenance: boolean;
  /** Words of earnings that are not a salary: commission, bonus, dividend, drawings, invoice. */
  earned: boolean;
}

/**
 * Each alternative is one signal; a bank's own codes for a returned or unpaid payment (Barclays' UNP,
 * NatWest's U/D) are added to the second.
 */
const SIGNAL_WORDS = [
  'REFUND|REFUNDED|RFND|CHARGEBACK',
  'UNPAID|RETURNED|RTN|RTND|BOUNCED|REFER TO DRAWER|REVERSAL|REVERSED|PAID ITEMS?|RETURNED DD|RDD',
  'OVERDRAFT|OD INT|OD INTEREST|OD FEE|OD CHARGE|OD USAGE|O/D|DEBIT INTEREST|INTEREST CHARGED|ARRANGED OD|BORROWING INTEREST|BUFFER FEE',
  'UNARRANGED|UNPLANNED|UNAUTHORISED|UNAUTHORIZED',
  'SALARY|SAL|WAGES?|PAYROLL|NET PAY',
  'LTD|LIMITED|PLC|LLP',
  'CHILD MAINT|CHILD MAINTENANCE|MAINTENANCE|CHILD SUPPORT|CMS|CSA',
  'COMMISSION|COMM PAYMENT|BONUS|DIVIDENDS?|DRAWINGS|INVOICE|INV|PAYOUTS?',
];
const RE_GIRO = /^\s*(?:BGC|BANK GIRO CREDIT)\b/i;
export const NO_SIGNALS: Signals = Object.freeze({
  refund: false,
  returned: false,
  overdraft: false,
  unarranged: false,
  salary: false,
  giro: false,
  company: false,
  maintenance: false,
  earned: false,
});

/** Reads the signals of a narrative in one pass, with the formats' codes. Most narratives carry none, so a cheap test comes first. */
export function signalReader(formats: readonly BankFormat[]): (text: string) => Signals {
  const returned = formats.flatMap((f) => f.returnedCodes ?? []);
  const words = SIGNAL_WORDS.map((w, i) => (i === 1 && returned.length ? `${w}|${returned.join('|')}` : w));
  const any = new RegExp(`\\b(?:${words.join('|')})\\b`, 'i');
  const each = new RegExp(`\\b(?:${words.map((w) => `(${w})`).join('|')})\\b`, 'gi');
  return (text) => {
    const giro = RE_GIRO.test(text);
    if (!giro && !any.test(text)) return NO_SIGNALS;
    const s: Signals = { ...NO_SIGNALS, giro };
    for (const m of text.matchAll(each)) {
      if (m[1]) s.refund = true;
      else if (m[2]) s.returned = true;
      else if (m[3]) s.overdraft = true;
      else if (m[4]) s.unarranged = true;
      else if (m[5]) s.salary = true;
      else if (m[6]) s.company = true;
      else if (m[7]) s.maintenance = true;
      else if (m[8]) s.earned = true;
    }
    return s;
  };
}

/** The engine's reader: the words above and every bank's codes. */
export const readSignals = signalReader(UK_FORMATS);

export function orSignals(a: Signals, b: Signals): Signals {
  if (a === NO_SIGNALS) return b;
  if (b === NO_SIGNALS) return a;
  return {
    refund: a.refund || b.refund,
    returned: a.returned || b.returned,
    overdraft: a.overdraft || b.overdraft,
    unarranged: a.unarranged || b.unarranged,
    salary: a.salary || b.salary,
    giro: a.giro || b.giro,
    company: a.company || b.company,
    maintenance: a.maintenance || b.maintenance,
    earned: a.earned || b.earned,
  };
}
