/**
 * The explicit list of sources. An adapter's id is its folder name and the `type` of its `source`
 * object in `POST /assess`; `transactions` is the native Veqtrx field and not a `source` variant.
 * Adding a source: a folder with its adapter, a line here, its variant in openapi/partner-v1.yaml
 * (`SourceInput`), and a README section.
 */
import { z } from 'zod';
import { ByodAccountsSchema, byodAccounts } from './byod_accounts/index.ts';
import { LabelledTransactionsSchema, labelledTransactions } from './labelled_transactions/index.ts';
import { PlaidTransactionsSchema, plaidTransactions } from './plaid_transactions/index.ts';
import type { SourceAdapter } from './source.ts';
import { transactions } from './transactions/index.ts';
import { ValidifiSourceSchema, validifi } from './validifi/index.ts';

export { transactions };

/** The `source` variants, by `type`. */
export const SOURCES = [validifi, labelledTransactions, byodAccounts, plaidTransactions] as const;

export type SourceType = (typeof SOURCES)[number]['id'];

const byId = new Map<string, SourceAdapter<unknown>>(SOURCES.map((s) => [s.id, s as unknown as SourceAdapter<unknown>]));

export function sourceAdapter(id: string): SourceAdapter<unknown> {
  const a = byId.get(id);
  if (!a) throw new Error(`no source adapter "${id}"`);
  return a;
}

/** The `source` object of `POST /assess`: one of the variants, chosen by `type`. */
export const SourceInputSchema = z.discriminatedUnion('type', [ValidifiSourceSchema, LabelledTransactionsSchema, ByodAccountsSchema, PlaidTransactionsSchema], {
  error: (iss) => (iss.code === 'invalid_union' ? `type must be one of ${SOURCES.map((s) => s.id).join(', ')}` : undefined),
});
