import { expect } from 'chai';
import { HSBC } from '../../../../src/engine/banks/hsbc.ts';
import { readers } from './read.ts';

describe('bank format: HSBC UK (src/engine/banks/hsbc.ts)', () => {
  const { own, plain } = readers(HSBC);

  it('reads a leading BP as a bill payment to a person, not BP the fuel company', () => {
    expect(own('BP J KOWALSKI RENT FLAT 2')).to.deep.include({
      payee: 'J KOWALSKI RENT FLAT',
      transfer: true,
    });
    expect(plain('BP J KOWALSKI RENT FLAT 2')).to.deep.include({
      payee: 'BP J KOWALSKI RENT FLAT',
      transfer: false,
    });
  });

  it('leaves BP alone before its own forecourt words or a site number', () => {
    expect(own('BP CONNECT 0212')).to.deep.include({ payee: 'BP CONNECT', transfer: false });
    expect(own('BP 0212 IPSWICH')).to.deep.include({ payee: 'BP', transfer: false });
  });

  it('reads CR as the code of a credit', () => {
    expect(own('CR SUFFOLK COUNTY COUNCIL').payee).to.equal('SUFFOLK COUNTY COUNCIL');
    expect(plain('CR SUFFOLK COUNTY COUNCIL').payee).to.equal('CR SUFFOLK COUNTY COUNCIL');
  });
});
