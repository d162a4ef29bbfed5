/**
 * The one transaction model. Every adapter normalises its provider's data into this shape and the
 * engine consumes nothing else.
 *
 * Sign convention (Plaid's, as the Veqtrx contract uses): a positive `amount_minor` is money leaving
 * the account (spending), a negative one is money arriving (income, refunds, transfers in).
 */
export interface Transaction {
  /** Booking date, ISO `YYYY-MM-DD`, in the account's local (UK) calendar. */
  date: string;
  /** Integer minor units; positive = money out, negative = money in. Never zero-signed by meaning. */
  amount_minor: number;
  /** ISO 4217; the gateway assesses one currency at a time (GBP for the Veqtrx contract). */
  currency: string;
  /** Merchant or counterparty name as the source gives it. */
  merchant_name: string;
  /** Free-text raw description (bank narrative), when the source has one. */
  description?: string;
  /** Plaid personal-finance category (primary, or detailed) when the source has one. */
  category_hint?: string;
  /** Source account; "default" when the source does not say. */
  account_id: string;
  /** Running balance after this transaction, in minor units, when the source gives one. */
  balance_minor?: number;
  /** Adapter id that produced this transaction (e.g. "transactions", "validifi"). */
  source: string;
  /** The provider's own id for this transaction, when it has one (used for de-duplication). */
  source_ref?: string;
}

export const DEFAULT_ACCOUNT_ID = 'default';
