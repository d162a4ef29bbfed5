/** TSB's statement writes a card payment's type as `DEBIT CARD` before the merchant. */
import type { BankFormat } from './format.ts';

export const TSB: BankFormat = {
  bank: 'TSB',
  described: 'test/fixtures/narratives/banks/tsb.json',
  prefixes: ['DEBIT CARD'],
};
