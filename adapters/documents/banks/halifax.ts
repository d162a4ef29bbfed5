/** Halifax (a division of Bank of Scotland, Lloyds Banking Group): the Lloyds layout — Date | Description | Type | Money In | Money Out | Balance, "02 Dec 24", one line per transaction. */
import type { BankProfile } from './profile.ts';

export const halifax: BankProfile = {
  id: 'halifax',
  name: 'Halifax',
  identify: [/Halifax is a division of Bank of Scotland/i, /\bHLFXGB21\b/, /halifax\.co\.uk/i],
  amountLine: 'first',
  source:
    'Public descriptions of Halifax statements (paultendo/ai-bank-statement-extractor data/bank_templates/halifax.yaml).',
};
