/**
 * Barclays' export packs the narrative into a memo ending in a three-letter code; a returned Direct Debit
 * comes back as a credit ending `UNP` (`WORLDPAY … UNP`). Its fixed-width payee field, which cuts a name's
 * last word, is read by the matcher for every narrative (merchants.ts, `cutAt`).
 */
import type { BankFormat } from './format.ts';

export const BARCLAYS: BankFormat = {
  bank: 'Barclays',
  described: 'test/fixtures/narratives/banks/barclays.json',
  returnedCodes: ['UNP'],
};
