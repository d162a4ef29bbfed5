import { expect } from 'chai';
import { METRO } from '../../../../src/engine/banks/metro.ts';
import { readers } from './read.ts';

describe('bank format: Metro Bank (src/engine/banks/metro.ts)', () => {
  const { own, plain } = readers(METRO);

  it('reads Outward and Inward Payment as money sent to and received from another account', () => {
    expect(own('Outward Payment FIRSTPORT PROPERTY SERVICES SERVICE CHARGE Q2')).to.deep.include({
      payee: 'FIRSTPORT PROPERTY SERVICES SERVICE CHARGE Q2',
      transfer: true,
    });
    expect(plain('Outward Payment FIRSTPORT PROPERTY SERVICES SERVICE CHARGE Q2')).to.deep.include({
      payee: 'OUTWARD PAYMENT FIRSTPORT PROPERTY SERVICES SERVICE CHARGE Q2',
      transfer: false,
    });
    expect(own('Inward Payment WAITROSE LIMITED WAGES')).to.deep.include({
      payee: 'WAITROSE LIMITED WAGES',
      transfer: true,
    });
    expect(plain('Inward Payment WAITROSE LIMITED WAGES').transfer).to.equal(false);
  });
});
