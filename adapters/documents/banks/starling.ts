/** Starling: Date | Type | Transaction | In | Out | Account Balance; dd/mm/yyyy. */
import type { BankProfile } from './profile.ts';

export const starling: BankProfile = {
  id: 'starling',
  name: 'Starling Bank',
  identify: [/Starling Bank Limited/i, /\bSRLGGB2L\b/, /starlingbank\.com/i],
  amountLine: 'first',
  source: 'Public parsers of Starling statements (dd/mm/yyyy dates, In/Out columns, account balance).',
};
