/**
 * The default format: the transaction-type codes and words UK statements share. What only one bank writes
 * is in that bank's own file (index.ts lists them). docs/engine.md § Merchant intelligence.
 */
import type { BankFormat } from './format.ts';

export const DEFAULT_FORMAT: BankFormat = {
  bank: 'UK statements generally',
  // The codes lists of several banks and the general UK lists (test/fixtures/narratives/*/*.json `sources`:
  // MoneySorted's UK bank statement codes — DD, SO, FPI, FPO, TFR, VIS, ATM — and the banks' own
  // abbreviation pages); the words are the ones several banks spell out (Barclays, Santander, Metro, Monzo,
  // Starling, TSB, Nationwide).
  described: 'test/fixtures/narratives/README.md',
  prefixes: [
    'CARD PAYMENT TO',
    'DIRECT DEBIT TO',
    'CARD PAYMENT',
    'CARD PURCHASE',
    'DIRECT DEBIT',
    'ONLINE PAYMENT',
    'CONTACTLESS',
    'PURCHASE',
    'DD',
    'BGC',
    'VIS',
    'VISA',
    'DR',
    'ON',
  ],
  transferPrefixes: [
    'FASTER PAYMENT TO',
    'FASTER PAYMENT FROM',
    'STANDING ORDER TO',
    'BILL PAYMENT TO',
    'STANDING ORDER',
    'FASTER PAYMENT',
    'BILL PAYMENT',
    'TRANSFER TO',
    'TRANSFER FROM',
    'TRANSFER',
    'SO',
    'FPI',
    'FPO',
    'TFR',
    'TO',
    'FROM',
    // Kept from the engine's first list: no bank of the corpus is established as writing these two.
    'MPI',
    'MPO',
  ],
};
