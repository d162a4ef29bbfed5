/**
 * reconcileStatements: overlapping statements of one account give each row once; gaps between
 * statement periods are reported; two accounts are kept apart.
 */
import { expect } from 'chai';
import { readStatement, reconcileStatements } from '../../../adapters/documents/index.ts';
import type { StatementRead, StatementResult } from '../../../adapters/documents/types.ts';
import { personaRows } from '../../../tools/statements/personas.ts';
import { renderStatement } from '../../../tools/statements/render.ts';

const ROWS = personaRows('salaried_single_renter', 3);
const balanceBefore = (iso: string, opening = 100_000) =>
  ROWS.filter((r) => r.date < iso).reduce((b, r) => b - r.amount_minor, opening);

async function statement(
  start: string,
  end: string,
  bank = 'santander',
  account = '12345678',
): Promise<StatementResult> {
  const rendered = await renderStatement({
    layout: bank,
    holder: 'MR J EXAMPLE',
    sortCode: '09-01-28',
    accountNumber: account,
    period: { start, end },
    opening_minor: balanceBefore(start),
    rows: ROWS.filter((r) => r.date >= start && r.date <= end),
  });
  return readStatement(new Uint8Array(rendered.pdf));
}

const between = (start: string, end: string) => ROWS.filter((r) => r.date >= start && r.date <= end);

describe('documents: several statements of one account', function () {
  this.timeout(180_000);

  it('overlapping statements: the rows of the overlap once, in date order', async () => {
    const a = await statement('2026-05-01', '2026-05-31');
    // Another layout for the second: HSBC prints a type code before each narrative (VIS, DD …), so the
    // rows of the overlap are matched by date and amount with one narrative inside the other.
    const b = await statement('2026-05-15', '2026-06-30', 'hsbc');
    const r = reconcileStatements([b, a]);
    expect(r.duplicates_removed).to.equal(between('2026-05-15', '2026-05-31').length);
    expect(r.transactions.map((t) => [t.date, t.amount_minor])).to.deep.equal(
      between('2026-05-01', '2026-06-30').map((t) => [t.date, t.amount_minor]),
    );
    expect(r.gaps).to.deep.equal([]);
    expect(r.accounts).to.deep.equal([
      {
        account_id: '09-01-28 5678',
        bank: 'santander',
        period: { start: '2026-05-01', end: '2026-06-30' },
        statements: 2,
      },
    ]);
  });

  it('a month missing between statements is a gap, with the balance left unexplained', async () => {
    const may = await statement('2026-05-01', '2026-05-31');
    const july = await statement('2026-07-01', '2026-07-31');
    const r = reconcileStatements([may, july]);
    expect(r.gaps).to.deep.equal([
      { account_id: '09-01-28 5678', from: '2026-06-01', to: '2026-06-30', days: 30 },
    ]);
    expect(r.duplicates_removed).to.equal(0);
    expect(r.warnings.join(' ')).to.match(/no statement covers 2026-06-01 to 2026-06-30/);
  });

  it('consecutive statements whose balances do not join are named', async () => {
    const may = (await statement('2026-05-01', '2026-05-31')) as StatementRead;
    const june = (await statement('2026-06-01', '2026-06-30')) as StatementRead;
    expect(reconcileStatements([may, june]).warnings).to.deep.equal([]);
    const r = reconcileStatements([
      may,
      { ...june, opening_balance_minor: june.opening_balance_minor + 100 },
    ]);
    expect(r.warnings.join(' ')).to.match(/opens at .* but the one before it closed at/);
  });

  it('two accounts are reconciled apart; an unreadable document is left out with a warning', async () => {
    const one = await statement('2026-05-01', '2026-05-31', 'santander', '12345678');
    const two = await statement('2026-05-01', '2026-05-31', 'santander', '87654321');
    const r = reconcileStatements([one, two, { ok: false, reason: 'encrypted', detail: 'password' }]);
    expect(r.duplicates_removed).to.equal(0);
    expect(r.accounts.map((a) => a.account_id).sort()).to.deep.equal(['09-01-28 4321', '09-01-28 5678']);
    expect(r.transactions).to.have.length(2 * between('2026-05-01', '2026-05-31').length);
    expect(r.warnings[0]).to.match(/1 of 3 documents could not be read/);
  });
});
