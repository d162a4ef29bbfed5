/**
 * `byod_accounts`: the legacy provider's BYOD ("bring your own data") account upload — accounts with
 * their number, name, type, current balance, currency, bank and holder, each with its transactions
 * (`datetime`, `amount`, `balance`, `description`, `reference`, `currency`, and `id` in the provider's
 * echo of the upload). Sent as `{"type": "byod_accounts", "accounts": […]}`.
 * Conventions (sign, date-time, currency, balance): adapters/legacy-provider.ts; a transaction
 * without a currency takes its account's.
 * Account numbers never leave this function whole: transactions are keyed by the account's `id`
 * when it has one, else `account-<n>`, and the evidence keeps only the last four digits.
 * `account_type` and `account_holder_name` are read for what they clearly say (a business or savings
 * account, an attorney operating it): the assessment warns about such accounts (src/model/accounts.ts).
 */
import { present } from '../../src/lib/narrow.ts';
import { z } from 'zod';
import { readAccountHolder, readAccountType, type AccountFacts } from '../../src/model/accounts.ts';
import { toMinor } from '../../src/model/money.ts';
import type { Transaction } from '../../src/model/transaction.ts';
import {
  LegacyTransactionFields,
  legacyAmount,
  legacyDate,
  legacyDates,
  legacyNarrative,
  legacyToMinor,
} from '../legacy-provider.ts';
import { MAX_TRANSACTIONS, accountsSource, checkAccountTransactions, currencyCode, opt } from '../schema.ts';
import { maskAccountNumber, type MappingSource } from '../source.ts';

const ByodTransaction = z.object({ ...LegacyTransactionFields, currency: opt(currencyCode) });

const ByodAccount = z.object({
  id: opt(z.string().trim().min(1).max(200)),
  account_number: opt(z.string().max(64)),
  account_name: opt(z.string().max(200)),
  account_type: opt(z.string().max(100)),
  balance: opt(legacyAmount),
  currency: opt(currencyCode),
  bank_slug: opt(z.string().max(100)),
  account_holder_name: opt(z.string().max(200)),
  transactions: z.array(ByodTransaction).max(MAX_TRANSACTIONS),
});

export const ByodAccountsSchema = z
  .object(accountsSource('byod_accounts', ByodAccount))
  .superRefine((s, ctx) => {
    s.accounts.forEach((a, i) => {
      a.transactions.forEach((t, j) => {
        if (!t.currency && !a.currency)
          ctx.addIssue({
            code: 'custom',
            path: ['accounts', i, 'transactions', j, 'currency'],
            message: 'is required when the account has no currency',
          });
      });
    });
    checkAccountTransactions(s.accounts, ctx);
  });

export type ByodAccountsInput = z.output<typeof ByodAccountsSchema>;

export const byodAccounts: MappingSource<ByodAccountsInput> = {
  id: 'byod_accounts',
  kind: 'mapping',
  schema: ByodAccountsSchema,
  dates: (input) => legacyDates(input),
  map(input) {
    const out: Transaction[] = [];
    const ids = new Set<string>();
    const facts: AccountFacts[] = [];
    const accounts = input.accounts.map((a, i) => {
      let accountId = a.id ?? `account-${i + 1}`;
      while (ids.has(accountId)) accountId = `${accountId}-${i + 1}`;
      ids.add(accountId);
      for (const t of a.transactions) {
        const tx: Transaction = {
          date: legacyDate(t.datetime, input.time_zone),
          amount_minor: legacyToMinor(t.amount),
          currency: present(t.currency ?? a.currency, 'currency'), // checked by the schema
          ...legacyNarrative(t.description, t.reference, 'UNKNOWN'),
          account_id: accountId,
          source: 'byod_accounts',
        };
        if (t.balance !== undefined) tx.balance_minor = toMinor(t.balance);
        if (t.id) tx.source_ref = t.id;
        out.push(tx);
      }
      const type = readAccountType(a.account_type);
      const holder = readAccountHolder(a.account_holder_name);
      if (type || holder)
        facts.push({
          account_id: accountId,
          type,
          holder,
          stated: [holder ? a.account_holder_name : undefined, type ? a.account_type : undefined]
            .filter(Boolean)
            .join('; '),
        });
      return {
        account_id: accountId,
        account_number: maskAccountNumber(a.account_number),
        account_name: a.account_name ?? null,
        account_type: a.account_type ?? null,
        bank_slug: a.bank_slug ?? null,
        account_holder_name: a.account_holder_name ?? null,
        currency: a.currency ?? null,
        balance: a.balance ?? null,
        transactions: a.transactions.length,
      };
    });
    return {
      transactions: out,
      metadata: { accounts, time_zone: input.time_zone },
      warnings: [],
      accounts: facts,
    };
  },
};
