/** Lloyds Bank: Date | Description | Type | Money In (£) | Money Out (£) | Balance (£); "03 Jan 23"; type codes (FPI, FPO, DD, SO, DEB, BGC, CPT); "Balance on <date>" summary. */
import type { BankProfile } from './profile.ts';

export const lloyds: BankProfile = {
  id: 'lloyds',
  name: 'Lloyds Bank',
  identify: [/Lloyds Bank plc/i, /\bLOYDGB2L\b/, /lloydsbank\.(com|co\.uk)/i],
  amountLine: 'first',
  source:
    'Public descriptions of Lloyds statements (paultendo/ai-bank-statement-extractor data/bank_templates/lloyds.yaml).',
};
