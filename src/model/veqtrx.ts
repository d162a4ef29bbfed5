/** The Veqtrx wire transaction (major units, Plaid sign) and its mapping onto the one model. */
import { DEFAULT_CURRENCY, toMinor } from './money.ts';
import { DEFAULT_ACCOUNT_ID, type Transaction } from './transaction.ts';

export interface VeqtrxTransaction {
  date: string;
  amount: number;
  merchant_name: string;
  description?: string;
  category_hint?: string;
  account_id?: string;
  /** Extension: running balance after the transaction, when the lender has it. */
  balance?: number;
  /** Extension: ISO 4217, upper case; when absent, the request's currency (GBP by default). */
  currency?: string;
}

/** `currency` is the request's, for a transaction that states none. */
export function fromVeqtrx(
  t: VeqtrxTransaction,
  source = 'transactions',
  currency = DEFAULT_CURRENCY,
): Transaction {
  const tx: Transaction = {
    date: t.date,
    amount_minor: toMinor(t.amount),
    currency: t.currency ?? currency,
    merchant_name: t.merchant_name,
    account_id: t.account_id ?? DEFAULT_ACCOUNT_ID,
    source,
  };
  if (t.description !== undefined) tx.description = t.description;
  if (t.category_hint !== undefined) tx.category_hint = t.category_hint;
  if (t.balance !== undefined) tx.balance_minor = toMinor(t.balance);
  return tx;
}
