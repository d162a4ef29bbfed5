/** Nationwide: Date | Description | £Out | £In | £Balance; "15 Jan" with the year printed once; "Balance from statement" row; Start / End balance. */
import type { BankProfile } from './profile.ts';

export const nationwide: BankProfile = {
  id: 'nationwide',
  name: 'Nationwide Building Society',
  identify: [/Nationwide Building Society/i, /\bNAIAGB21\b/, /nationwide\.co\.uk/i],
  amountLine: 'first',
  balanceRows: { opening: [/^balance from statement\b/] },
  source:
    'Public descriptions of Nationwide FlexAccount statements (paultendo/ai-bank-statement-extractor data/bank_templates/nationwide.yaml).',
};
