import { expect } from 'chai';
import { NATWEST } from '../../../../src/engine/banks/natwest.ts';
import { readers } from './read.ts';

describe('bank format: NatWest Group (src/engine/banks/natwest.ts)', () => {
  const { own, plain } = readers(NATWEST);

  it('reads D/D and POS as type codes and OTR as a payment sent', () => {
    expect(own('D/D VIRGIN MEDIA PYMT , 00123456789').payee).to.equal('VIRGIN MEDIA PYMT');
    expect(plain('D/D VIRGIN MEDIA PYMT , 00123456789').payee).to.equal('D D VIRGIN MEDIA PYMT');
    expect(own('POS 4829 12JAN25 C , TESCO STORES 6148 , LONDON GB').payee).to.equal('4829 C TESCO STORES');
    expect(plain('POS 4829 12JAN25 C , TESCO STORES 6148 , LONDON GB').payee).to.equal(
      'POS 4829 C TESCO STORES',
    );
    expect(own('OTR R PRICE , BILLS , VIA MOBILE - PYMT')).to.deep.include({
      payee: 'R PRICE BILLS VIA MOBILE PYMT',
      transfer: true,
    });
    expect(plain('OTR R PRICE , BILLS , VIA MOBILE - PYMT')).to.deep.include({
      payee: 'OTR R PRICE BILLS VIA MOBILE PYMT',
      transfer: false,
    });
  });

  it('reads U/D as an unpaid Direct Debit', () => {
    expect(own('U/D OVO ENERGY , 88123400991').returned).to.equal(true);
    expect(plain('U/D OVO ENERGY , 88123400991').returned).to.equal(false);
  });
});
