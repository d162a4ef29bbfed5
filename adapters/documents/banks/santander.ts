/** Santander UK: Date | Description | Money in | Money out | £ Balance; "9th Jan" (ordinals, no year); "Balance brought forward from previous statement"; "Total money in:", "Your balance at close of business". */
import type { BankProfile } from './profile.ts';

export const santander: BankProfile = {
  id: 'santander',
  name: 'Santander UK',
  identify: [/Santander UK plc/i, /\bABBYGB2L\b/, /santander\.co\.uk/i],
  amountLine: 'first',
  summary: { closing: [/^your balance at close of business\b/] },
  source:
    'Public descriptions of Santander UK statements (paultendo/ai-bank-statement-extractor data/bank_templates/santander.yaml).',
};
