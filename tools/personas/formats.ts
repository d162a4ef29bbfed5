/**
 * A persona's transactions (Veqtrx wire form) re-expressed as other sources send them — the legacy
 * provider's labelled transactions and BYOD upload, a Plaid /transactions/get body, and ValidiFI
 * history — so that tests, the simulators and the demo can show that every source gives the same
 * assessment as the raw transactions.
 */
import type { VeqtrxTransaction } from '../../src/model/veqtrx.ts';

const byAccount = (txs: VeqtrxTransaction[]) => {
  const m = new Map<string, VeqtrxTransaction[]>();
  for (const t of txs) {
    const a = t.account_id ?? 'default';
    let list = m.get(a);
    if (!list) m.set(a, (list = []));
    list.push(t);
  }
  return m;
};

/** 10:00 UTC is the same calendar day in London all year round. */
const at10 = (date: string) => `${date}T10:00:00Z`;

/** The legacy provider's sign: negative = money out. */
const legacy = (amount: number) => (amount === 0 ? 0 : -amount);

export function toLabelled(txs: VeqtrxTransaction[], currency = 'GBP') {
  return {
    type: 'labelled_transactions' as const,
    accounts: [...byAccount(txs)].map(([account, list]) => ({
      account,
      transactions: list.map((t, i) => ({
        id: `${account}-${i}`,
        datetime: at10(t.date),
        amount: legacy(t.amount),
        description: t.merchant_name,
        ...(t.description ? { reference: t.description } : {}),
        currency,
        ...(t.balance !== undefined ? { balance: t.balance } : {}),
        bank_slug: 'demo-bank',
      })),
    })),
  };
}

export function toByod(txs: VeqtrxTransaction[], currency = 'GBP') {
  return {
    type: 'byod_accounts' as const,
    accounts: [...byAccount(txs)].map(([account, list], i) => ({
      id: account,
      account_number: `400000${String(i + 1).padStart(4, '0')}`,
      account_name: account,
      account_type: 'current',
      currency,
      bank_slug: 'demo-bank',
      account_holder_name: 'A Customer',
      transactions: list.map((t) => ({
        datetime: at10(t.date),
        amount: legacy(t.amount),
        description: t.merchant_name,
        ...(t.description ? { reference: t.description } : {}),
        ...(t.balance !== undefined ? { balance: t.balance } : {}),
      })),
    })),
  };
}

export interface PlaidTx {
  transaction_id: string;
  account_id: string;
  amount: number;
  iso_currency_code: string | null;
  unofficial_currency_code: string | null;
  date: string;
  name: string;
  merchant_name: string | null;
  personal_finance_category: { primary: string; detailed: string; confidence_level: string } | null;
  pending: boolean;
}

/** A Plaid /transactions/get body (Plaid's sign is the model's: positive = money out). */
export function toPlaidGet(txs: VeqtrxTransaction[], currency = 'GBP') {
  const transactions: PlaidTx[] = txs.map((t, i) => ({
    transaction_id: `plaid-tx-${i}`,
    account_id: t.account_id ?? 'default',
    amount: t.amount,
    iso_currency_code: currency,
    unofficial_currency_code: null,
    date: t.date,
    name: t.description ?? t.merchant_name,
    merchant_name: t.merchant_name,
    personal_finance_category: t.category_hint
      ? {
          primary: t.category_hint.split('_').slice(0, 2).join('_'),
          detailed: t.category_hint,
          confidence_level: 'HIGH',
        }
      : null,
    pending: false,
  }));
  const accounts = [...byAccount(txs).keys()].map((account_id, i) => ({
    account_id,
    name: account_id,
    mask: String(1000 + i),
    type: 'depository',
    subtype: 'checking',
    balances: {
      available: null,
      current: 1234.56,
      limit: null,
      iso_currency_code: currency,
      unofficial_currency_code: null,
    },
  }));
  return {
    type: 'plaid_transactions' as const,
    accounts,
    transactions,
    total_transactions: transactions.length,
    item: { item_id: 'item-demo' },
    request_id: 'req-demo',
  };
}

/** ValidiFI transaction history entries (the gateway's assumed shape: openapi/providers/validifi-v4.yaml). */
export function toValidifi(txs: VeqtrxTransaction[], currency = 'GBP') {
  return txs.map((t, i) => ({
    transactionId: `vfi-${i}`,
    amount: legacy(t.amount),
    transactionType: t.amount > 0 ? 'Debit' : 'Credit',
    postedDate: `${t.date}T12:00:00Z`,
    description: t.description ?? t.merchant_name,
    merchantName: t.merchant_name,
    currencyCode: currency,
    ...(t.balance !== undefined ? { runningBalance: t.balance } : {}),
    pending: false,
  }));
}
