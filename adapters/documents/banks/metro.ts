/** Metro Bank: Date | Transaction type | Description | Paid out | Paid in | Balance; dd/mm/yyyy. */
import type { BankProfile } from './profile.ts';

export const metro: BankProfile = {
  id: 'metro',
  name: 'Metro Bank',
  identify: [/Metro Bank (PLC|plc)/, /\bMYMBGB2L\b/, /metrobankonline\.co\.uk/i],
  amountLine: 'first',
  source: 'Public descriptions of Metro Bank statements.',
};
