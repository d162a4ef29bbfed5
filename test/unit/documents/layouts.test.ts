/**
 * Every bank layout, drawn by the generator (tools/statements) from the seeded personas, read back
 * exactly: each transaction's date, amount, narrative and printed balance, the opening and closing
 * balances, the period, the account, and a reconciliation with nothing broken. The generator's layouts
 * are written from public descriptions of the banks' statements, apart from the reader's profiles.
 */
import { expect } from 'chai';
import { readStatement } from '../../../adapters/documents/index.ts';
import type { StatementRead } from '../../../adapters/documents/types.ts';
import { BANK_LAYOUTS } from '../../../tools/statements/layouts.ts';
import { personaStatements } from '../../../tools/statements/personas.ts';
import type { Rendered } from '../../../tools/statements/render.ts';

const EXPECTED_BANK: Record<string, string> = { unbranded: 'generic' };

function expectExact(read: StatementRead, r: Rendered): void {
  const got = read.transactions.map((t) => ({
    date: t.date,
    amount_minor: t.amount_minor,
    description: t.description,
    ...(t.balance_minor !== undefined ? { balance_minor: t.balance_minor } : {}),
  }));
  expect(got).to.deep.equal(r.truth.transactions);
  expect(read.opening_balance_minor).to.equal(r.truth.opening_minor);
  expect(read.closing_balance_minor).to.equal(r.truth.closing_minor);
  expect(read.period).to.deep.equal(r.truth.period);
}

describe('documents: bank layouts generated from the personas', function () {
  this.timeout(180_000);

  for (const bank of BANK_LAYOUTS) {
    it(`${bank}: reads every transaction of a month exactly and reconciles`, async () => {
      const [statement] = await personaStatements({
        bank,
        persona: 'salaried_single_renter',
        months: ['2026-05'],
      });
      const read = await readStatement(new Uint8Array(statement!.pdf));
      if (!read.ok) expect.fail(`${read.reason}: ${read.detail}`);
      expectExact(read, statement!);
      expect(read.bank).to.equal(EXPECTED_BANK[bank] ?? bank);
      expect(read.reconciliation.ok).to.equal(true);
      expect(read.reconciliation.breaks).to.deep.equal([]);
      expect(read.reconciliation.balances_checked).to.be.greaterThan(10);
      expect(read.account).to.deep.equal({ sort_code: '20-45-77', last4: '7919', holder: 'MRS SARAH AHMED' });
      expect(read.tamper_signals).to.deep.equal([]);
      for (const t of read.transactions) {
        expect(t.source).to.equal('documents');
        expect(t.account_id).to.equal('20-45-77 7919');
        expect(t.currency).to.equal('GBP');
      }
      expect(new Set(read.transactions.map((t) => t.source_ref)).size).to.equal(read.transactions.length);
    });
  }

  // Other personas (benefits, gig payouts, an overdraft, a second account) in layouts with different quirks.
  const MORE: [string, Parameters<typeof personaStatements>[0]['persona'], string][] = [
    ['hsbc', 'in_difficulty', '2026-08'],
    ['barclays', 'gig_worker', '2026-07'],
    ['monzo', 'problem_gambler', '2026-06'],
    ['santander', 'benefits_claimant_pip', '2026-09'],
    ['lloyds', 'couple_two_children_mortgage', '2026-10'],
    ['natwest', 'high_earner_savings', '2026-05'],
  ];
  for (const [bank, persona, month] of MORE) {
    it(`${bank}: ${persona} ${month}`, async () => {
      const [statement] = await personaStatements({
        bank,
        persona,
        months: [month],
        opening_minor: persona === 'in_difficulty' ? -25_000 : undefined,
      });
      const read = await readStatement(new Uint8Array(statement!.pdf));
      if (!read.ok) expect.fail(`${read.reason}: ${read.detail}`);
      expectExact(read, statement!);
      expect(read.reconciliation.ok).to.equal(true);
    });
  }

  it('an overdrawn account: negative balances read as negative, and the chain holds through zero', async () => {
    const [statement] = await personaStatements({
      bank: 'hsbc',
      persona: 'in_difficulty',
      months: ['2026-05'],
      opening_minor: -25_000,
    });
    const read = await readStatement(new Uint8Array(statement!.pdf));
    if (!read.ok) expect.fail(read.detail);
    expect(read.opening_balance_minor).to.equal(-25_000);
    expect(read.transactions.some((t) => (t.balance_minor ?? 0) < 0)).to.equal(true);
    expect(read.reconciliation.ok).to.equal(true);
  });

  it('six monthly statements of one persona read to the persona history, and the same file gives the same refs', async () => {
    const statements = await personaStatements({ bank: 'barclays', persona: 'thin_file' });
    const reads = await Promise.all(statements.map((s) => readStatement(new Uint8Array(s.pdf))));
    const txs = reads.flatMap((r) => (r.ok ? r.transactions : []));
    expect(txs.map((t) => t.amount_minor)).to.deep.equal(
      statements.flatMap((s) => s.truth.transactions.map((t) => t.amount_minor)),
    );
    const again = await readStatement(new Uint8Array(statements[0]!.pdf));
    const first = reads[0]!;
    if (!again.ok || !first.ok) expect.fail('unreadable');
    expect(again.transactions.map((t) => t.source_ref)).to.deep.equal(
      first.transactions.map((t) => t.source_ref),
    );
    for (let i = 1; i < reads.length; i++) {
      const a = reads[i - 1]!;
      const b = reads[i]!;
      if (!a.ok || !b.ok) expect.fail('unreadable');
      expect(b.opening_balance_minor).to.equal(a.closing_balance_minor);
    }
  });
});
