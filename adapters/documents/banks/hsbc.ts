/**
 * HSBC UK: Date | Payment type and details | Paid out | Paid in | Balance; the date once per day; each
 * transaction opens with a payment type code (VIS, DD, SO, BP, CR, ATM, ")))" …) and its amounts close
 * it on its last line; the balance only after the last transaction of a day; BALANCE BROUGHT/CARRIED FORWARD.
 */
import type { BankProfile } from './profile.ts';

export const hsbc: BankProfile = {
  id: 'hsbc',
  name: 'HSBC UK',
  identify: [/HSBC UK Bank plc/i, /\bHBUKGB4B\b/, /hsbc\.co\.uk/i],
  amountLine: 'last',
  summary: {
    opening: [/^opening balance\b/],
    closing: [/^closing balance\b/],
    in: [/^payments in\b/],
    out: [/^payments out\b/],
  },
  source:
    'Public descriptions of HSBC UK statements (paultendo/ai-bank-statement-extractor data/bank_templates/hsbc.yaml; chrisroos/hsbc-pdf-statement-parser).',
};
