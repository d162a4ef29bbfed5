import { expect } from 'chai';
import { accountWarnings, readAccountHolder, readAccountType } from '../../../src/model/accounts.ts';
import { formatMoney, isIsoCurrency } from '../../../src/model/money.ts';
import { assess } from '../../../src/engine/assess.ts';
import { fromVeqtrx } from '../../../src/model/index.ts';
import { plaidAccountFacts } from '../../../adapters/plaid_transactions/index.ts';
import { mapHistories } from '../../../adapters/validifi/map.ts';

describe('money in text', () => {
  it("formats minor units with the currency's symbol as a UK reader expects, always to the penny", () => {
    expect(formatMoney(123450, 'GBP')).to.equal('£1,234.50');
    expect(formatMoney(-1200, 'GBP')).to.equal('-£12.00');
    expect(formatMoney(8000, 'EUR')).to.equal('€80.00');
    expect(formatMoney(1599, 'USD')).to.equal('US$15.99');
    // Amounts are hundredths for every currency: yen keep the pence they were received with.
    expect(formatMoney(123450, 'JPY')).to.equal('JP¥1,234.50');
    expect(formatMoney(5, 'BHD')).to.equal('BHD\u00a00.05'); // ICU puts a no-break space after a code
  });

  it('knows real ISO 4217 codes only, in upper case', () => {
    for (const c of ['GBP', 'EUR', 'USD', 'ZAR', 'JPY']) expect(isIsoCurrency(c), c).to.equal(true);
    for (const c of ['gbp', 'GBX', 'ABC', 'EURO', '']) expect(isIsoCurrency(c), c).to.equal(false);
  });

  it("writes the basis texts of income and expenditure in the assessment's currency", () => {
    const months = ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'];
    const tx = months.flatMap((m) => [
      { date: `${m}-25`, amount: -2300, merchant_name: 'ACME LTD SALARY', currency: 'EUR' },
      { date: `${m}-02`, amount: 850, merchant_name: 'SO LANDLORD RENT', currency: 'EUR' },
    ]);
    const r = assess({
      transactions: tx.map((t) => fromVeqtrx(t as never)),
      now: new Date('2026-11-02T09:00:00Z'),
    });
    const bases = [
      ...r.evidence.income.streams.map((s) => s.basis),
      ...Object.values(r.evidence.expenditure.categories).flatMap((c) => c?.lines.map((l) => l.basis) ?? []),
    ];
    expect(bases.length).to.be.at.least(2);
    expect(bases.join(' ')).to.include('€2,300.00').and.not.include('£');
  });
});

describe('account facts and warnings', () => {
  it("reads only clear words from a provider's account type", () => {
    const cases: Array<[string | undefined, string | undefined]> = [
      ['Checking', 'current'],
      ['Current Account', 'current'],
      ['Savings', 'savings'],
      ['Cash ISA', 'savings'],
      ['Business Checking', 'business'],
      ['Business Savings', 'business'],
      ['Credit Card', 'credit_card'],
      ['Personal Loan', 'loan'],
      ['Stocks and Shares ISA', 'investment'],
      ['Account', undefined],
      ['', undefined],
      [undefined, undefined],
    ];
    for (const [text, type] of cases) expect(readAccountType(text), String(text)).to.equal(type);
  });

  it("reads an attorney or a company from a holder name, and nothing from a person's name", () => {
    expect(readAccountHolder('J Smith as attorney for M Smith')).to.equal('attorney');
    expect(readAccountHolder('MRS A JONES POA MR B JONES')).to.equal('attorney');
    expect(readAccountHolder('Acme Widgets Ltd')).to.equal('business');
    expect(readAccountHolder('Mr A Customer')).to.equal(undefined);
    expect(readAccountHolder('Mr A Incledon')).to.equal(undefined);
  });

  it('warns per account, and once for the assessment when no account is a current account', () => {
    const used = new Set(['a', 'b']);
    expect(
      accountWarnings(
        [
          { account_id: 'a', type: 'current' },
          { account_id: 'b', type: 'savings' },
        ],
        used,
      ).map((w) => w.code),
    ).to.deep.equal(['savings_account']);
    expect(
      accountWarnings(
        [
          { account_id: 'a', type: 'savings' },
          { account_id: 'b', type: 'savings' },
        ],
        used,
      ).map((w) => [w.code, w.account_id]),
    ).to.deep.equal([
      ['savings_account', 'a'],
      ['savings_account', 'b'],
      ['no_current_account', null],
    ]);
    // One account of unknown type may be the current account: no assessment-wide warning.
    expect(accountWarnings([{ account_id: 'a', type: 'savings' }], used).map((w) => w.code)).to.deep.equal([
      'savings_account',
    ]);
    expect(
      accountWarnings(
        [
          { account_id: 'a', type: 'credit_card' },
          { account_id: 'b', type: 'loan' },
        ],
        used,
      ).at(-1)!.detail,
    ).to.match(/\(credit_card, loan\)/);
    expect(accountWarnings([{ account_id: 'a', holder: 'other' }], used).map((w) => w.code)).to.deep.equal([
      'third_party_account',
    ]);
    expect(accountWarnings([], used)).to.deep.equal([]);
  });

  it("maps Plaid's account type schema", () => {
    expect(plaidAccountFacts({ account_id: 'x', type: 'depository', subtype: 'checking' })?.type).to.equal(
      'current',
    );
    expect(
      plaidAccountFacts({ account_id: 'x', type: 'depository', subtype: 'money market' })?.type,
    ).to.equal('savings');
    expect(plaidAccountFacts({ account_id: 'x', type: 'credit', subtype: 'credit card' })?.type).to.equal(
      'credit_card',
    );
    expect(
      plaidAccountFacts({
        account_id: 'x',
        type: 'depository',
        subtype: 'checking',
        holder_category: 'business',
      })?.type,
    ).to.equal('business');
    expect(plaidAccountFacts({ account_id: 'x' })).to.equal(undefined);
  });

  it("reads the ValidiFI export's account type and holder", () => {
    const h = {
      syncStatus: 'Synced',
      transactions: [{ transactionId: 't1', amount: -10, postedDate: '2026-05-01', description: 'X' }],
    };
    const opts = {
      accountToken: 'tok',
      timeZone: 'America/New_York',
      period: { start: '2026-05-01', end: '2026-05-31' },
      windows: 1,
      upstreamCalls: 1,
    };
    const out = mapHistories([h], { accountType: 'Savings', accountHolderName: 'Pat Doe' }, opts);
    expect(out.accounts).to.deep.equal([
      { account_id: out.metadata.account_id, type: 'savings', holder: undefined, stated: 'Savings' },
    ]);
    expect(mapHistories([h], undefined, opts).accounts).to.deep.equal([]);
  });
});

describe("the worker and a fetching source's transactions", () => {
  const tx = (currency: string) => ({
    date: '2026-10-01',
    amount_minor: 1000,
    currency,
    merchant_name: 'SHOP',
    account_id: 'a',
    source: 'validifi',
  });
  const job = (currency: string | undefined, txCurrency: string) => ({
    kind: 'decoded' as const,
    now: Date.parse('2026-11-02T09:00:00Z'),
    request: {
      meta: { customer_ref: 'c', ...(currency ? { currency } : {}) },
      source: {
        type: 'validifi',
        metadata: {},
        warnings: [],
        accounts: [{ account_id: 'a', type: 'savings' as const }],
      },
      transactions: [tx(txCurrency)],
    },
  });

  it('refuses a request currency that the fetched transactions contradict, as mixed_currency', async () => {
    const { default: run } = await import('../../../src/workers/assess.ts');
    const r = run(job('GBP', 'USD'));
    expect(r).to.deep.include({ kind: 'failed', status: 400, code: 'mixed_currency' });
    expect((r as { detail: string }).detail).to.match(
      /the source's transactions are in USD, but this assessment is in GBP/,
    );
  });

  it("takes the source's currency when the request has none, and warns about its accounts", async () => {
    const { default: run } = await import('../../../src/workers/assess.ts');
    const r = run(job(undefined, 'USD'));
    expect(r.kind).to.equal('assessed');
    const ext = (r as { extensions: { currency: string; warnings: Array<{ code: string }> } }).extensions;
    expect(ext.currency).to.equal('USD');
    expect(ext.warnings.map((w) => w.code)).to.deep.equal(['savings_account', 'no_current_account']);
  });
});
