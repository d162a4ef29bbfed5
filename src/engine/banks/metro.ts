/**
 * Metro Bank writes the transaction type in words before the counterparty; money sent to and received
 * from other accounts reads `Outward Payment <payee>` and `Inward Payment <payer>`.
 */
import type { BankFormat } from './format.ts';

export const METRO: BankFormat = {
  bank: 'Metro Bank',
  described: 'test/fixtures/narratives/banks/metro.json',
  transferPrefixes: ['OUTWARD PAYMENT', 'INWARD PAYMENT'],
};
