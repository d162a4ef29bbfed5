/**
 * Lloyds, Halifax and Bank of Scotland (one platform and export) carry the type in a code: `DEB` a debit
 * card payment, `CPT` a cash machine, `COR` a correction, beside the codes every UK bank uses (DD, SO, FPI,
 * FPO, BGC, TFR).
 */
import type { BankFormat } from './format.ts';

export const LLOYDS: BankFormat = {
  bank: 'Lloyds Banking Group (Lloyds, Halifax, Bank of Scotland)',
  described: 'test/fixtures/narratives/banks/lloyds.json',
  prefixes: ['DEB', 'CPT', 'COR'],
};
