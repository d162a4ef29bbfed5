import { expect } from 'chai';
import { TSB } from '../../../../src/engine/banks/tsb.ts';
import { readers } from './read.ts';

describe('bank format: TSB (src/engine/banks/tsb.ts)', () => {
  const { own, plain } = readers(TSB);

  it('reads DEBIT CARD as the type of a card payment', () => {
    expect(own('DEBIT CARD SPAR BULWELL NOTTINGHAM GB').payee).to.equal('SPAR BULWELL');
    expect(plain('DEBIT CARD SPAR BULWELL NOTTINGHAM GB').payee).to.equal('DEBIT CARD SPAR BULWELL');
  });
});
