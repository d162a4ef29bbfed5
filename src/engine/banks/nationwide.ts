/**
 * Nationwide Building Society writes the type in words: `Contactless Payment`, and `Payment to` /
 * `Payment from` for money sent to or received from another account (its `Visa purchase` is read by the
 * default's VISA and PURCHASE).
 */
import type { BankFormat } from './format.ts';

export const NATIONWIDE: BankFormat = {
  bank: 'Nationwide Building Society',
  described: 'test/fixtures/narratives/banks/nationwide.json',
  prefixes: ['CONTACTLESS PAYMENT'],
  transferPrefixes: ['PAYMENT TO', 'PAYMENT FROM'],
};
