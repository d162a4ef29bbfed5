import { expect } from 'chai';
import { BARCLAYS } from '../../../../src/engine/banks/barclays.ts';
import { readers } from './read.ts';

describe('bank format: Barclays (src/engine/banks/barclays.ts)', () => {
  const { own, plain } = readers(BARCLAYS);

  it('reads a memo ending UNP as a returned Direct Debit', () => {
    expect(own('OCTOPUS ENERGY     A-4F2C91D0         UNP').returned).to.equal(true);
    expect(plain('OCTOPUS ENERGY     A-4F2C91D0         UNP').returned).to.equal(false);
  });

  it('leaves the words any bank uses to the default (UNPAID needs no Barclays code)', () => {
    expect(plain('UNPAID ITEM FEE').returned).to.equal(true);
  });
});
