import { expect } from 'chai';
import { NATIONWIDE } from '../../../../src/engine/banks/nationwide.ts';
import { readers } from './read.ts';

describe('bank format: Nationwide Building Society (src/engine/banks/nationwide.ts)', () => {
  const { own, plain } = readers(NATIONWIDE);

  it('reads Contactless Payment as a type, and Payment to / from as money sent to or received from an account', () => {
    expect(own('Contactless Payment BLACK SHEEP COFFEE BRISTOL GB').payee).to.equal('BLACK SHEEP COFFEE');
    expect(plain('Contactless Payment BLACK SHEEP COFFEE BRISTOL GB').payee).to.equal(
      'PAYMENT BLACK SHEEP COFFEE',
    );
    expect(own('Payment to J SMITH RENT')).to.deep.include({ payee: 'J SMITH RENT', transfer: true });
    expect(plain('Payment to J SMITH RENT')).to.deep.include({
      payee: 'PAYMENT TO J SMITH RENT',
      transfer: false,
    });
    expect(own('Payment from A JONES')).to.deep.include({ payee: 'A JONES', transfer: true });
  });

  it('needs nothing of its own for Visa purchase (the default reads VISA and PURCHASE)', () => {
    expect(plain('Visa purchase ASDA SUPERSTORE 4412 BRISTOL GB').payee).to.equal('ASDA SUPERSTORE');
  });
});
