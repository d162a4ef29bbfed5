/** NatWest: Date | Description | Paid In(£) | Withdrawn(£) | Balance(£); "18 DEC 2024" or "19 DEC"; BROUGHT FORWARD row; summary Previous Balance / Paid In / Withdrawn / New Balance; "Period Covered". */
import type { BankProfile } from './profile.ts';

export const natwest: BankProfile = {
  id: 'natwest',
  name: 'NatWest',
  identify: [/National Westminster Bank Plc/i, /\bNWBKGB2L\b/, /natwest\.com/i],
  amountLine: 'first',
  summary: { opening: [/^previous balance\b/], closing: [/^new balance\b/], out: [/^withdrawn\b/] },
  source:
    'Public descriptions of NatWest statements (paultendo/ai-bank-statement-extractor QUICK_START.md, data/bank_templates/natwest.yaml).',
};
