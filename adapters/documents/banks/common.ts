/**
 * What UK statements share: the many spellings of the table's column headers, the labels of the
 * summary box, the rows that carry a balance forward, and lines that are never part of the table.
 * Bank profiles add to these; the generic fallback uses only these.
 */
import type { ColumnKind, SummaryKey } from './profile.ts';

export const COMMON_HEADERS: Record<ColumnKind, string[]> = {
  date: [
    'date',
    'posting date',
    'transaction date',
    'trans date',
    'date of transaction',
    'value date',
    'entry date',
    'posted',
  ],
  type: ['type', 'transaction type', 'payment type', 'trans type', 'code'],
  description: [
    'description',
    'details',
    'transaction details',
    'transaction',
    'transactions',
    'payment type and details',
    'particulars',
    'narrative',
    'description of transaction',
    'transaction description',
    'payee',
    'merchant',
    'details of transaction',
    'what',
    'reference',
  ],
  out: [
    'paid out',
    'money out',
    'payments out',
    'payments',
    'withdrawn',
    'withdrawals',
    'withdrawal',
    'debit',
    'debits',
    'out',
    'outgoings',
    'spent',
    'paid',
    'debit amount',
    'amount out',
  ],
  in: [
    'paid in',
    'money in',
    'payments in',
    'receipts',
    'deposits',
    'deposit',
    'credit',
    'credits',
    'in',
    'received',
    'credit amount',
    'amount in',
  ],
  amount: ['amount', 'value', 'transaction amount', 'amount gbp'],
  balance: ['balance', 'running balance', 'account balance', 'balance gbp'],
};

export const COMMON_SUMMARY: Record<SummaryKey, RegExp[]> = {
  opening: [
    /^(start|starting|opening|previous|beginning) balance\b/,
    /^balance (brought forward|b\/f|from (your )?(last|previous) statement|from statement)\b/,
    /^statement opening balance\b/,
    /^brought forward\b/,
  ],
  closing: [
    /^(end|ending|closing|new|final) balance\b/,
    /^balance (carried forward|c\/f|at close of business|at end)\b/,
    /^your balance at close of business\b/,
    /^statement closing balance\b/,
    /^carried forward\b/,
  ],
  in: [
    /^(total )?(money|paid|payments) in\b/,
    /^total (receipts|deposits|credits|paid in|in)\b/,
    /^(receipts|deposits|credits)$/,
    /^total money in\b/,
  ],
  out: [
    /^(total )?(money|paid|payments) out\b/,
    /^total (payments|withdrawals|debits|outgoings|paid out|out|withdrawn)\b/,
    /^(withdrawn|withdrawals|payments|debits)$/,
  ],
};

/** Rows inside the table that carry a balance and are not transactions. */
export const COMMON_BALANCE_ROWS = {
  opening: [
    /^(balance )?brought forward\b/,
    /^b\/f\b/,
    /^(start|opening|previous) balance\b/,
    /^balance from (your )?(last |previous )?statement\b/,
    /^statement opening balance\b/,
    /^balance brought forward from\b/,
  ],
  closing: [
    /^(balance )?carried forward\b/,
    /^c\/f\b/,
    /^(end|closing) balance\b/,
    /^statement closing balance\b/,
  ],
};

/** Lines that end a table: the regulatory small print every UK statement carries, page furniture. */
export const TABLE_STOPS: RegExp[] = [
  /authori[sz]ed by the prudential regulation authority/i,
  /financial services compensation scheme/i,
  /registered (office|in england|in scotland)/i,
  /^page \d+( of \d+)?$/i,
  /^continued( on next page| overleaf)?\.?$/i,
  /^(please )?(see|turn) over/i,
];

/** Lines to skip inside a table without ending it. */
export const TABLE_SKIPS: RegExp[] = [/^continued from (previous|last) page/i, /^\(?continued\)?$/i];
