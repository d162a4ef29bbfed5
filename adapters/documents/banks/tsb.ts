/** TSB: Date | Payment type | Details | Money out | Money in | Balance; "15 Oct 23"; "STATEMENT OPENING BALANCE" row; "Effective from: … to …". */
import type { BankProfile } from './profile.ts';

export const tsb: BankProfile = {
  id: 'tsb',
  name: 'TSB',
  identify: [/TSB Bank plc/i, /\bTSBSGB2A\b/, /tsb\.co\.uk/i],
  amountLine: 'first',
  source:
    'Public descriptions of TSB statements (paultendo/ai-bank-statement-extractor data/bank_templates/tsb.yaml).',
};
