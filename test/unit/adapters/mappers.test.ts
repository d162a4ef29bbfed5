import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { SOURCES, SourceInputSchema, sourceAdapter } from '../../../adapters/registry.ts';
import { byodAccounts, ByodAccountsSchema } from '../../../adapters/byod_accounts/index.ts';
import { LABEL_TO_PFC, hintForLabel } from '../../../adapters/labelled_transactions/labels.ts';
import {
  labelledTransactions,
  LabelledTransactionsSchema,
} from '../../../adapters/labelled_transactions/index.ts';
import { plaidTransactions, PlaidTransactionsSchema } from '../../../adapters/plaid_transactions/index.ts';
import { SourceInputError } from '../../../adapters/source.ts';
import { PLAID_DETAILED, PLAID_PRIMARY } from '../../../src/engine/plaid.ts';
import { bookingDate, isDateTime } from '../../../src/model/dates.ts';

describe('source adapters: mapping onto the one transaction model', () => {
  describe('provider date-times → booking dates', () => {
    it('books an instant on its date in the account time zone, across summer time', () => {
      expect(bookingDate('2026-03-31T23:30:00Z', 'Europe/London')).to.equal('2026-04-01'); // BST: 00:30 on 1 April
      expect(bookingDate('2026-01-31T23:30:00Z', 'Europe/London')).to.equal('2026-01-31'); // GMT
      expect(bookingDate('2026-05-01T00:30:00+02:00', 'Europe/London')).to.equal('2026-04-30');
      expect(bookingDate('2026-05-01T00:30:00+0200', 'Africa/Johannesburg')).to.equal('2026-05-01');
    });
    it('takes a date-time without an offset, or a bare date, as already local', () => {
      expect(bookingDate('2026-05-01T00:30:00', 'Europe/London')).to.equal('2026-05-01');
      expect(bookingDate('2026-05-01', 'Asia/Tokyo')).to.equal('2026-05-01');
    });
    it('refuses days and times that do not exist', () => {
      expect(isDateTime('2026-02-29T10:00:00Z')).to.equal(false);
      expect(isDateTime('2026-05-01T24:00:00Z')).to.equal(false);
      expect(isDateTime('01/05/2026')).to.equal(false);
      expect(isDateTime('2028-02-29T10:00:00.123Z')).to.equal(true);
    });
  });

  describe('labelled_transactions', () => {
    const input = (over: Record<string, unknown> = {}) =>
      LabelledTransactionsSchema.parse({
        type: 'labelled_transactions',
        accounts: [
          {
            account: 'acc-1',
            transactions: [
              {
                id: 't1',
                datetime: '2026-05-25T08:00:00Z',
                amount: 2150.5,
                description: 'ACME LTD',
                reference: 'SALARY MAY',
                currency: 'gbp',
                label: 'Salary',
                balance: 2300.5,
                bank_slug: 'demo',
              },
              {
                id: 't2',
                datetime: '2026-05-26T12:00:00Z',
                amount: -45.99,
                description: 'TESCO STORES 2231',
                currency: 'GBP',
                label: 'groceries',
                balance: 2254.51,
              },
              {
                id: 't3',
                datetime: '2026-05-27T12:00:00Z',
                amount: -12,
                description: 'SOMETHING',
                currency: 'GBP',
                label: 'Mystery Spend',
              },
              {
                id: 't2',
                datetime: '2026-05-26T12:00:00Z',
                amount: -45.99,
                description: 'TESCO STORES 2231',
                currency: 'GBP',
                label: 'groceries',
              },
            ],
          },
        ],
        ...over,
      });

    it('negates the bank-statement sign, keeps pence exact, upper-cases the currency and keeps the balance', () => {
      const out = labelledTransactions.map(input());
      const [salary, tesco] = out.transactions;
      expect(salary).to.include({
        date: '2026-05-25',
        amount_minor: -215050,
        currency: 'GBP',
        merchant_name: 'ACME LTD',
        description: 'SALARY MAY',
        balance_minor: 230050,
        account_id: 'acc-1',
        source: 'labelled_transactions',
        source_ref: 't1',
      });
      expect(tesco).to.include({ amount_minor: 4599, balance_minor: 225451 });
    });

    it('maps labels to category hints and says which labels it could not map', () => {
      const out = labelledTransactions.map(input());
      expect(out.transactions[0]!.category_hint).to.equal('INCOME_WAGES');
      expect(out.transactions[1]!.category_hint).to.equal('FOOD_AND_DRINK_GROCERIES');
      expect(out.transactions[2]!.category_hint).to.equal(undefined);
      expect(out.warnings.join(' ')).to.match(
        /1 transactions carry labels with no mapping.*mystery_spend \(1\)/,
      );
      expect(out.metadata).to.deep.include({ labels: { mapped: 2, unmapped: 1 } });
    });

    it('counts a repeated id in the same account once', () => {
      const out = labelledTransactions.map(input());
      expect(out.transactions).to.have.length(3);
      expect(out.warnings.join(' ')).to.match(/1 transactions repeated an id/);
    });

    it('books date-times in the time zone the lender names', () => {
      const out = labelledTransactions.map(input({ time_zone: 'Pacific/Auckland' }));
      expect(out.transactions[0]!.date).to.equal('2026-05-25'); // 08:00Z is 20:00 in Auckland
      const late = LabelledTransactionsSchema.parse({
        type: 'labelled_transactions',
        time_zone: 'Pacific/Auckland',
        accounts: [
          { account: 'a', transactions: [{ datetime: '2026-05-25T13:00:00Z', amount: -1, currency: 'NZD' }] },
        ],
      });
      expect(labelledTransactions.map(late).transactions[0]!.date).to.equal('2026-05-26');
    });

    it('refuses an unknown time zone, a missing currency and a date-time that is not one', () => {
      const bad = (tx: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
        LabelledTransactionsSchema.safeParse({
          type: 'labelled_transactions',
          accounts: [{ account: 'a', transactions: [tx] }],
          ...extra,
        });
      expect(
        bad({ datetime: '2026-05-01T10:00:00Z', amount: 1, currency: 'GBP' }, { time_zone: 'Mars/Olympus' })
          .success,
      ).to.equal(false);
      expect(bad({ datetime: '2026-05-01T10:00:00Z', amount: 1 }).success).to.equal(false);
      expect(bad({ datetime: 'yesterday', amount: 1, currency: 'GBP' }).success).to.equal(false);
      expect(bad({ datetime: '2026-05-01T10:00:00Z', amount: 1.001, currency: 'GBP' }).success).to.equal(
        false,
      );
    });

    it('maps every label to a Plaid category the engine knows', () => {
      for (const [label, pfc] of Object.entries(LABEL_TO_PFC)) {
        expect(pfc in PLAID_DETAILED || pfc in PLAID_PRIMARY, `${label} → ${pfc}`).to.equal(true);
      }
      expect(hintForLabel('Salary & Wages')).to.equal('INCOME_WAGES');
      expect(hintForLabel('  RETURNED-DEBIT-ORDER ')).to.equal('BANK_FEES_INSUFFICIENT_FUNDS');
    });

    it('documents every label in docs/sources.md', () => {
      const doc = readFileSync(new URL('../../../docs/sources.md', import.meta.url), 'utf8');
      for (const [label, pfc] of Object.entries(LABEL_TO_PFC))
        expect(doc, label).to.include(`| \`${label}\` | \`${pfc}\` |`);
    });
  });

  describe('byod_accounts', () => {
    const upload = {
      type: 'byod_accounts',
      accounts: [
        {
          account_number: '62000012345678',
          account_name: 'Cheque',
          account_type: 'cheque',
          balance: 1520.1,
          currency: 'zar',
          bank_slug: 'fnb',
          account_holder_name: 'T Mokoena',
          transactions: [
            {
              datetime: '2026-05-25T06:00:00+02:00',
              amount: 18500,
              balance: 20020.1,
              description: 'SALARY',
              reference: 'EMPLOYER PTY',
            },
            { datetime: '2026-05-26T09:00:00+02:00', amount: -350, description: 'CHECKERS', currency: 'ZAR' },
          ],
        },
        {
          account_number: '62000087654321',
          currency: 'ZAR',
          transactions: [{ datetime: '2026-05-27T09:00:00+02:00', amount: -100, description: 'AIRTIME' }],
        },
      ],
      time_zone: 'Africa/Johannesburg',
    };

    it('maps sign, local dates, the account currency as the default, balances; keys accounts without their numbers', () => {
      const out = byodAccounts.map(ByodAccountsSchema.parse(upload));
      expect(out.transactions[0]).to.include({
        date: '2026-05-25',
        amount_minor: -1850000,
        currency: 'ZAR',
        merchant_name: 'SALARY',
        description: 'EMPLOYER PTY',
        balance_minor: 2002010,
        account_id: 'account-1',
        source: 'byod_accounts',
      });
      expect(out.transactions[1]).to.include({ amount_minor: 35000, currency: 'ZAR' });
      expect(out.transactions[2]!.account_id).to.equal('account-2');
      const meta = out.metadata.accounts as Array<Record<string, unknown>>;
      expect(meta[0]).to.include({
        account_number: '••••5678',
        account_holder_name: 'T Mokoena',
        balance: 1520.1,
        currency: 'ZAR',
        bank_slug: 'fnb',
      });
      expect(JSON.stringify(out)).not.to.include('62000012345678');
    });

    it('uses the account id when the upload is the provider echo (with ids)', () => {
      const echo = { ...upload, accounts: [{ ...upload.accounts[0], id: '5eb7cf5a86d9755df3a6c593' }] };
      expect(byodAccounts.map(ByodAccountsSchema.parse(echo)).transactions[0]!.account_id).to.equal(
        '5eb7cf5a86d9755df3a6c593',
      );
    });

    it('needs a currency on the transaction or its account, and names where it is missing', () => {
      const r = ByodAccountsSchema.safeParse({
        type: 'byod_accounts',
        accounts: [{ transactions: [{ datetime: '2026-05-01', amount: -1 }] }],
      });
      expect(r.success).to.equal(false);
      expect(r.error!.issues[0]!.path).to.deep.equal(['accounts', 0, 'transactions', 0, 'currency']);
    });
  });

  describe('plaid_transactions', () => {
    const tx = (id: string, amount: number, extra: Record<string, unknown> = {}) => ({
      transaction_id: id,
      account_id: 'acc-a',
      amount,
      iso_currency_code: 'GBP',
      unofficial_currency_code: null,
      date: '2026-05-02',
      name: 'TESCO STORES 2231 LONDON',
      merchant_name: 'Tesco',
      personal_finance_category: {
        primary: 'FOOD_AND_DRINK',
        detailed: 'FOOD_AND_DRINK_GROCERIES',
        confidence_level: 'VERY_HIGH',
      },
      pending: false,
      location: { city: null },
      payment_channel: 'in store',
      ...extra,
    });

    it('keeps Plaid sign and dates, takes the detailed category, ignores fields it does not use', () => {
      const out = plaidTransactions.map(
        PlaidTransactionsSchema.parse({
          type: 'plaid_transactions',
          transactions: [
            tx('a', 12.34),
            tx('b', -2000, { name: 'ACME PAYROLL', merchant_name: null, personal_finance_category: null }),
          ],
          item: { item_id: 'x' },
          request_id: 'r',
        }),
      );
      expect(out.transactions[0]).to.include({
        date: '2026-05-02',
        amount_minor: 1234,
        currency: 'GBP',
        merchant_name: 'Tesco',
        description: 'TESCO STORES 2231 LONDON',
        category_hint: 'FOOD_AND_DRINK_GROCERIES',
        account_id: 'acc-a',
        source_ref: 'a',
      });
      expect(out.transactions[1]).to.include({ amount_minor: -200000, merchant_name: 'ACME PAYROLL' });
      expect(out.transactions[1]!.category_hint).to.equal(undefined);
    });

    it('leaves pending transactions out, applies modified and removed from a sync body', () => {
      const out = plaidTransactions.map(
        PlaidTransactionsSchema.parse({
          type: 'plaid_transactions',
          added: [tx('a', 10), tx('b', 20), tx('p', 99, { pending: true })],
          modified: [tx('b', 25)],
          removed: [{ transaction_id: 'a' }, { transaction_id: 'never-seen' }],
          next_cursor: 'c',
          has_more: false,
        }),
      );
      expect(out.transactions.map((t) => [t.source_ref, t.amount_minor])).to.deep.equal([['b', 2500]]);
      expect(out.warnings.join(' ')).to.match(/1 pending transactions were left out/);
      expect(out.metadata.counts).to.deep.equal({ posted: 1, pending_excluded: 1, modified: 1, removed: 1 });
    });

    it('takes an unofficial currency when there is no ISO code, and needs one of them', () => {
      expect(
        plaidTransactions.map(
          PlaidTransactionsSchema.parse({
            type: 'plaid_transactions',
            transactions: [tx('a', 1, { iso_currency_code: null, unofficial_currency_code: 'usdc' })],
          }),
        ).transactions[0]!.currency,
      ).to.equal('USDC');
      expect(
        PlaidTransactionsSchema.safeParse({
          type: 'plaid_transactions',
          transactions: [tx('a', 1, { iso_currency_code: null })],
        }).success,
      ).to.equal(false);
    });

    it('refuses a body with nothing posted, and one that is not a transactions response', () => {
      expect(() =>
        plaidTransactions.map(
          PlaidTransactionsSchema.parse({
            type: 'plaid_transactions',
            transactions: [tx('p', 1, { pending: true })],
          }),
        ),
      ).to.throw(SourceInputError, /all 1 transactions are pending/);
      expect(
        PlaidTransactionsSchema.safeParse({ type: 'plaid_transactions', accounts: [] }).success,
      ).to.equal(false);
    });
  });

  describe('the registry', () => {
    it('lists each source once, under its folder name, and the request schema knows every one', () => {
      const ids = SOURCES.map((s) => s.id);
      expect(new Set(ids).size).to.equal(ids.length);
      for (const id of ids) {
        expect(sourceAdapter(id).id).to.equal(id);
        expect(readFileSync(new URL(`../../../adapters/${id}/index.ts`, import.meta.url), 'utf8')).to.include(
          `id: '${id}'`,
        );
      }
      const r = SourceInputSchema.safeParse({ type: 'carrier_pigeon' });
      expect(r.success).to.equal(false);
      expect(r.error!.issues[0]!.message).to.match(
        /type must be one of validifi, labelled_transactions, byod_accounts, plaid_transactions/,
      );
    });

    it('matches the source variants of openapi/partner-v1.yaml', () => {
      const yaml = readFileSync(new URL('../../../openapi/partner-v1.yaml', import.meta.url), 'utf8');
      const mapping = /SourceInput:[\s\S]*?mapping:\n((?:\s+\w+: '[^']+'\n)+)/.exec(yaml)![1]!;
      const inSpec = [...mapping.matchAll(/(\w+): '/g)].map((m) => m[1]).sort();
      expect(inSpec).to.deep.equal(SOURCES.map((s) => s.id).sort());
    });
  });
});
