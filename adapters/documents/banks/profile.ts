/**
 * A bank's statement layout, as the reader needs it: how to recognise the bank's statements, the words
 * its table header uses, and its quirks. Each bank is one small file beside this one (as Actual Budget's
 * bank adapters are); what every UK statement shares is in common.ts, and a profile only adds to it.
 */
import type { BankId } from '../types.ts';

export type ColumnKind = 'date' | 'type' | 'description' | 'out' | 'in' | 'amount' | 'balance';
export type SummaryKey = 'opening' | 'closing' | 'in' | 'out';

export interface BankProfile {
  id: BankId;
  name: string;
  /** Printed text that identifies the bank: its legal entity, BIC, web address. The profile with most matches wins. */
  identify: RegExp[];
  /** Header words beyond the common ones (common.ts), per column. */
  headers?: Partial<Record<ColumnKind, string[]>>;
  /**
   * Which line of a transaction that spans several lines prints its amounts: `first` (the narrative
   * continues below the amounts) or `last` (the narrative comes first and the amounts close it).
   * Unset: decided per table — `last` when a dated line carries no amount.
   */
  amountLine?: 'first' | 'last';
  /** A single amount column's sign: `minus_out` (a minus or brackets is money out) or `cr_in` (CR marks money in). */
  signed?: 'minus_out' | 'cr_in';
  /** Summary labels beyond the common ones. */
  summary?: Partial<Record<SummaryKey, RegExp[]>>;
  /** Rows that carry a balance and are not transactions, beyond the common ones. */
  balanceRows?: { opening?: RegExp[]; closing?: RegExp[] };
  /** Where it is published how the layout looks (for maintainers). */
  source: string;
}
