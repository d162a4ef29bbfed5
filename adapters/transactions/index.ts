/**
 * `transactions`: the native Veqtrx call — the lender sends the transactions themselves (major units,
 * Plaid sign: positive = money out, dates `YYYY-MM-DD` as booked, GBP). The first adapter: raw
 * transactions go through the same interface as every other source.
 */
import { z } from 'zod';
import { fromVeqtrx } from '../../src/model/veqtrx.ts';
import { MAX_TRANSACTIONS, isoDate, money, opt } from '../schema.ts';
import type { MappingSource } from '../source.ts';

export const TransactionSchema = z.object({
  date: isoDate,
  amount: money(-10_000_000, 10_000_000),
  merchant_name: z.string({ error: 'is required' }).trim().min(1, 'must not be empty').max(500),
  description: opt(z.string().max(1000)),
  category_hint: opt(z.string().max(100)),
  account_id: opt(z.string().trim().min(1).max(100)),
  balance: opt(money(-100_000_000, 100_000_000)),
});

export const TransactionsSchema = z
  .array(TransactionSchema, { error: 'is required and must be an array' })
  .min(1, 'must hold at least 1 transaction')
  .max(MAX_TRANSACTIONS, 'must hold at most 10,000 transactions');

export type TransactionsInput = z.output<typeof TransactionsSchema>;

export const transactions: MappingSource<TransactionsInput> = {
  id: 'transactions',
  kind: 'mapping',
  schema: TransactionsSchema,
  map: (input) => ({ transactions: input.map((t) => fromVeqtrx(t)), metadata: {}, warnings: [] }),
};
