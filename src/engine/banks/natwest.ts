/**
 * NatWest and the Royal Bank of Scotland (one platform) write `D/D` for a Direct Debit, `POS` for a card
 * purchase, `OTR` for a mobile or online payment sent (`OTR R PRICE , BILLS , VIA MOBILE - PYMT`) and
 * `U/D` for an unpaid Direct Debit (the Bankline code list).
 */
import type { BankFormat } from './format.ts';

export const NATWEST: BankFormat = {
  bank: 'NatWest Group (NatWest, Royal Bank of Scotland)',
  described: 'test/fixtures/narratives/banks/natwest.json',
  // `D/D` reaches the engine as the two words D D (punctuation is a word break).
  prefixes: ['D D', 'POS'],
  transferPrefixes: ['OTR'],
  returnedCodes: ['U/D'],
};
