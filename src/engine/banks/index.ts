/**
 * The banks whose narratives need more than the default format, one file each (format.ts says what a
 * file may hold). A bank of the corpus without a file here (Monzo, Revolut, The Co-operative Bank) writes
 * only what the default reads. Barclays' and TSB's fixed-width payee field, which cuts a name's last word,
 * is read by the matcher for every narrative (merchants.ts, `cutAt`).
 */
import { BARCLAYS } from './barclays.ts';
import { DEFAULT_FORMAT } from './default.ts';
import type { BankFormat } from './format.ts';
import { HSBC } from './hsbc.ts';
import { LLOYDS } from './lloyds.ts';
import { METRO } from './metro.ts';
import { NATIONWIDE } from './nationwide.ts';
import { NATWEST } from './natwest.ts';
import { SANTANDER } from './santander.ts';
import { STARLING } from './starling.ts';
import { TSB } from './tsb.ts';

export type { BankFormat } from './format.ts';
export { DEFAULT_FORMAT };

export const BANKS: readonly BankFormat[] = [
  BARCLAYS,
  HSBC,
  LLOYDS,
  METRO,
  NATIONWIDE,
  NATWEST,
  SANTANDER,
  STARLING,
  TSB,
];

/** What the engine reads every narrative with: the default and every bank's additions (it is not told the bank). */
export const UK_FORMATS: readonly BankFormat[] = [DEFAULT_FORMAT, ...BANKS];
