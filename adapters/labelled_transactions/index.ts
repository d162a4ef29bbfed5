/**
 * `labelled_transactions`: the legacy provider's "Get Labelled Transactions" output, as the lender
 * received it — `[{account, transactions: [{id, datetime, amount, description, reference, currency,
 * label, balance, bank_slug}]}]` — sent as `{"type": "labelled_transactions", "accounts": […]}`.
 * Conventions (sign, date-time, currency, balance): adapters/legacy-provider.ts. Labels become
 * category hints through labels.ts; a label that is not in the table leaves the transaction to the
 * engine's merchant intelligence, and the warnings say which labels those were.
 */
import { z } from 'zod';
import { toMinor } from '../../src/model/money.ts';
import type { Transaction } from '../../src/model/transaction.ts';
import {
  LegacyTransactionFields,
  legacyDate,
  legacyDates,
  legacyNarrative,
  legacyToMinor,
} from '../legacy-provider.ts';
import { MAX_TRANSACTIONS, accountsSource, checkAccountTransactions, currencyCode, opt } from '../schema.ts';
import type { MappingSource } from '../source.ts';
import { hintForLabel, normaliseLabel } from './labels.ts';

const LabelledTransaction = z.object({
  ...LegacyTransactionFields,
  currency: currencyCode,
  label: opt(z.string().max(200)),
  bank_slug: opt(z.string().max(100)),
});

const LabelledAccount = z.object({
  account: z.string({ error: 'is required' }).trim().min(1).max(200),
  transactions: z.array(LabelledTransaction).max(MAX_TRANSACTIONS),
});

export const LabelledTransactionsSchema = z
  .object(accountsSource('labelled_transactions', LabelledAccount))
  .superRefine((s, ctx) => checkAccountTransactions(s.accounts, ctx));

export type LabelledTransactionsInput = z.output<typeof LabelledTransactionsSchema>;

export const labelledTransactions: MappingSource<LabelledTransactionsInput> = {
  id: 'labelled_transactions',
  kind: 'mapping',
  schema: LabelledTransactionsSchema,
  dates: (input) => legacyDates(input),
  map(input) {
    const out: Transaction[] = [];
    const unmapped = new Map<string, number>();
    const seen = new Set<string>();
    let duplicates = 0;
    let mapped = 0;
    const accounts = input.accounts.map((a) => {
      const banks = new Set<string>();
      for (const t of a.transactions) {
        if (t.id) {
          const key = `${a.account}\u0000${t.id}`;
          if (seen.has(key)) {
            duplicates++;
            continue;
          }
          seen.add(key);
        }
        const tx: Transaction = {
          date: legacyDate(t.datetime, input.time_zone),
          amount_minor: legacyToMinor(t.amount),
          currency: t.currency,
          ...legacyNarrative(t.description, t.reference, t.label ?? 'UNKNOWN'),
          account_id: a.account,
          source: 'labelled_transactions',
        };
        if (t.label) {
          const hint = hintForLabel(t.label);
          if (hint) {
            tx.category_hint = hint;
            mapped++;
          } else {
            const l = normaliseLabel(t.label);
            unmapped.set(l, (unmapped.get(l) ?? 0) + 1);
          }
        }
        if (t.balance !== undefined) tx.balance_minor = toMinor(t.balance);
        if (t.id) tx.source_ref = t.id;
        if (t.bank_slug) banks.add(t.bank_slug);
        out.push(tx);
      }
      return { account: a.account, transactions: a.transactions.length, bank_slugs: [...banks].sort() };
    });
    const warnings: string[] = [];
    if (unmapped.size) {
      const list = [...unmapped]
        .sort((x, y) => y[1] - x[1])
        .slice(0, 20)
        .map(([l, n]) => `${l} (${n})`);
      warnings.push(
        `${[...unmapped.values()].reduce((s, n) => s + n, 0)} transactions carry labels with no mapping, categorised by merchant intelligence instead: ${list.join(', ')}`,
      );
    }
    if (duplicates)
      warnings.push(
        `${duplicates} transactions repeated an id already seen in the same account and were counted once`,
      );
    return {
      transactions: out,
      metadata: {
        accounts,
        time_zone: input.time_zone,
        labels: { mapped, unmapped: [...unmapped.values()].reduce((s, n) => s + n, 0) },
        duplicates,
      },
      warnings,
    };
  },
};
