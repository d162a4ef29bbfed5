import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { DOC, render } from '../../../tools/docs/engine-tables.ts';
import { THRESHOLDS } from '../../../src/engine/index.ts';

describe('docs/engine.md', () => {
  const doc = readFileSync(DOC, 'utf8');
  it('has reference tables that match the code (run `npm run docs` after changing kinds, hints or thresholds)', () => {
    expect(render(doc)).to.equal(doc);
  });
  it('documents every threshold and every risk flag code the engine can raise', () => {
    for (const k of Object.keys(THRESHOLDS)) expect(doc, k).to.include(`\`${k}\``);
    const codes = [
      'gambling',
      'gambling_high',
      'overdraft_usage',
      'unarranged_overdraft',
      'returned_payments',
      'payday_loans',
      'high_cost_credit',
      'bnpl_usage',
      'debt_collection',
      'high_cash_usage',
      'income_volatility',
      'negative_disposable_income',
      'income_discrepancy',
      'insufficient_history',
      'too_few_transactions',
      'no_verified_income',
      'stale_data',
    ];
    for (const c of codes) expect(doc, c).to.include(`| \`${c}\` |`);
  });
});
