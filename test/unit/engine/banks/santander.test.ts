import { expect } from 'chai';
import { SANTANDER } from '../../../../src/engine/banks/santander.ts';
import { readers } from './read.ts';

describe('bank format: Santander UK (src/engine/banks/santander.ts)', () => {
  const { own, plain } = readers(SANTANDER);

  it('removes the amount and rate clause a card payment carries after the payee', () => {
    const line = 'CARD PAYMENT TO PETS AT HOME 0412,27.99 GBP, RATE 1.00/GBP ON 28-05-2025';
    expect(own(line).payee).to.equal('PETS AT HOME 0412 ON');
    expect(plain(line).payee).to.equal('PETS AT HOME 0412 GBP RATE GBP ON');
  });

  it('reads its spelled-out payment types as prefixes, and those of payments to or from people as transfers', () => {
    expect(own('BILL PAYMENT VIA FASTER PAYMENT TO S OKONKWO REFERENCE TAXI SHARE')).to.deep.include({
      payee: 'S OKONKWO REFERENCE TAXI SHARE',
      transfer: true,
    });
    expect(plain('BILL PAYMENT VIA FASTER PAYMENT TO S OKONKWO REFERENCE TAXI SHARE').payee).to.equal(
      'VIA FASTER PAYMENT TO S OKONKWO REFERENCE TAXI SHARE',
    );
    expect(own('FASTER PAYMENTS RECEIPT REF.INV 2231 FROM ACME LTD')).to.deep.include({
      payee: 'REF INV 2231 FROM ACME',
      transfer: true,
    });
    expect(plain('FASTER PAYMENTS RECEIPT REF.INV 2231 FROM ACME LTD').transfer).to.equal(false);
    expect(own('DIRECT DEBIT PAYMENT TO EDF ENERGY REF 671200938811')).to.deep.include({
      payee: 'EDF ENERGY REF',
      transfer: false,
    });
    expect(plain('DIRECT DEBIT PAYMENT TO EDF ENERGY REF 671200938811').payee).to.equal(
      'PAYMENT TO EDF ENERGY REF',
    );
    expect(own('BANK GIRO CREDIT REF ACME LTD, SALARY').payee).to.equal('REF ACME LTD SALARY');
    expect(plain('BANK GIRO CREDIT REF ACME LTD, SALARY').payee).to.equal(
      'BANK GIRO CREDIT REF ACME LTD SALARY',
    );
  });
});
