import { expect } from 'chai';
import { PLAID_PRIMARY } from '../../../src/engine/index.ts';
import { resolveHint } from '../../../src/engine/plaid.ts';

const PRIMARIES = [
  'INCOME',
  'TRANSFER_IN',
  'TRANSFER_OUT',
  'LOAN_PAYMENTS',
  'BANK_FEES',
  'ENTERTAINMENT',
  'FOOD_AND_DRINK',
  'GENERAL_MERCHANDISE',
  'HOME_IMPROVEMENT',
  'MEDICAL',
  'PERSONAL_CARE',
  'GENERAL_SERVICES',
  'GOVERNMENT_AND_NON_PROFIT',
  'TRANSPORTATION',
  'TRAVEL',
  'RENT_AND_UTILITIES',
];

describe('Plaid personal-finance categories', () => {
  it('maps all 16 primaries', () => {
    expect(Object.keys(PLAID_PRIMARY).sort()).to.deep.equal([...PRIMARIES].sort());
  });

  it('lets a detailed category override its primary, in any case', () => {
    expect(resolveHint('RENT_AND_UTILITIES')?.category).to.equal('Utilities');
    expect(resolveHint('rent_and_utilities_rent')?.category).to.equal('Home & Contents');
    expect(resolveHint('ENTERTAINMENT_CASINOS_AND_GAMBLING')?.category).to.equal('Gambling');
    expect(resolveHint('TRANSFER_OUT_SAVINGS')?.category).to.equal('Savings');
  });

  it('falls back to the primary for a detailed value without its own row, and ignores unknown hints', () => {
    expect(resolveHint('FOOD_AND_DRINK_BEER_WINE_AND_LIQUOR')?.category).to.equal('Food & Housekeeping');
    expect(resolveHint('NOT_A_CATEGORY')).to.equal(undefined);
  });

  it('leaves TRANSFER_OUT to merchant intelligence (it covers savings, cash and payments to people)', () => {
    expect(resolveHint('TRANSFER_OUT')?.category).to.equal(null);
  });
});
