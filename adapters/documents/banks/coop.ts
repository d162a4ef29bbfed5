/** The Co-operative Bank: Date | Transaction | Money out | Money in | Balance; "01 Jan 2024"; amounts unsigned, the column gives the direction. */
import type { BankProfile } from './profile.ts';

export const coop: BankProfile = {
  id: 'coop',
  name: 'The Co-operative Bank',
  identify: [/Co-operative Bank p\.?l\.?c/i, /\bCPBKGB22\b/, /co-operativebank\.co\.uk/i],
  amountLine: 'first',
  source:
    'Public parsers of Co-operative Bank statements (separate money out / money in columns, then the running balance).',
};
