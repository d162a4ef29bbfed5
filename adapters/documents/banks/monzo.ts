/** Monzo: Date | Description | (GBP) Amount | (GBP) Balance; dd/mm/yyyy; one signed amount column (a minus is money out); period "dd/mm/yyyy - dd/mm/yyyy". */
import type { BankProfile } from './profile.ts';

export const monzo: BankProfile = {
  id: 'monzo',
  name: 'Monzo',
  identify: [/Monzo Bank Limited/i, /\bMONZGB2L\b/, /monzo\.com/i],
  signed: 'minus_out',
  amountLine: 'first',
  source:
    'Public descriptions of Monzo statements (paultendo/ai-bank-statement-extractor data/bank_templates/monzo.yaml).',
};
