/** Barclays: Date | Description | Money out | Money in | Balance; "13 Dec" without a year; the narrative continues under the amounts; "Start balance" row. */
import type { BankProfile } from './profile.ts';

export const barclays: BankProfile = {
  id: 'barclays',
  name: 'Barclays',
  identify: [/Barclays Bank UK PLC/i, /\bBUKBGB22\b/, /barclays\.co\.uk/i],
  amountLine: 'first',
  summary: { opening: [/^start balance\b/], closing: [/^end balance\b/] },
  source:
    'Public descriptions of Barclays current-account statements (e.g. paultendo/ai-bank-statement-extractor data/bank_templates/barclays.yaml; penrosestudio/barclays-bank-pdf-to-csv).',
};
