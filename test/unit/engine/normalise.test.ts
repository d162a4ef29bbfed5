import { expect } from 'chai';
import { counterpartyKey, payeeStart, stripPrefixes, tokenise } from '../../../src/engine/normalise.ts';

const key = (s: string) => counterpartyKey(tokenise(s));

describe('narrative normalisation', () => {
  it('strips bank type prefixes, card numbers, dates, times and towns from the counterparty key', () => {
    expect(key('CARD PAYMENT TO TESCO STORES 3297 ON 12 JAN LONDON GB')).to.equal('TESCO STORES');
    expect(key('DD BRITISH GAS 40012345')).to.equal('BRITISH GAS');
    expect(key('SO J SMITH RENT')).to.equal('J SMITH RENT');
    expect(key('FPI JANE DOE REF 12AB34CD')).to.equal('JANE DOE');
    expect(key('BGC ACME WIDGETS LTD SALARY NOV')).to.equal('ACME WIDGETS');
    expect(key('TFR TO SAVINGS 40-11-22')).to.equal('SAVINGS');
    expect(key('POS 4567****1234 CAFE NERO 14:32 12/01/24 MANCHESTER')).to.equal('CAFE NERO');
    expect(key('VIS XXXX1234 PRET A MANGER 12JAN24')).to.equal('PRET A MANGER');
  });

  it('keeps brand tokens that look like references (BET365, JET2) for matching', () => {
    expect(tokenise('BET365 DEPOSIT')).to.include('BET365');
    expect(tokenise('JET2.COM')).to.deep.equal(['JET2']);
  });

  it('never strips a narrative down to nothing', () => {
    expect(stripPrefixes(['DD'])).to.deep.equal(['DD']);
    expect(stripPrefixes(['SO', 'ENERGY'])).to.deep.equal(['ENERGY']);
  });

  it('handles domains, apostrophes and punctuation the same way for names and aliases', () => {
    expect(tokenise("Sainsbury's S/mkts")).to.deep.equal(['SAINSBURYS', 'S', 'MKTS']);
    expect(tokenise('NETFLIX.COM')).to.deep.equal(['NETFLIX']);
    expect(tokenise('AMAZON.CO.UK*2K4JL')).to.deep.equal(['AMAZON', '2K4JL']);
  });

  it('finds where the payee starts and ends, and whether the payment went to a person', () => {
    const at = (x: string) => payeeStart(tokenise(x));
    expect(at('CARD PAYMENT TO TESCO STORES 3297 ON 12 JAN LONDON GB')).to.include({
      start: 3,
      transfer: false,
    });
    expect(at('BP J KOWALSKI RENT FLAT 2')).to.include({ start: 1, transfer: true });
    expect(at('BP CONNECT 0212')).to.include({ start: 0, transfer: false });
    expect(at('DEBIT CARD SAINSBURYS FUEL 0655 NOTTINGHAM GB')).to.deep.equal({
      start: 2,
      transfer: false,
      end: 4,
      note: 7,
    });
    expect(at('TRANSFER TO HARRY SAINSBURY REFERENCE FOOTBALL BOOTS')).to.deep.equal({
      start: 2,
      transfer: true,
      end: 7,
      note: 4,
    });
    expect(at('LEEDS')).to.deep.equal({ start: 0, transfer: false, end: 1, note: 1 });
  });

  it('keeps the payer key of HSBC bill payments and acquirer-prefixed card payments on the payee', () => {
    expect(key('BP J KOWALSKI RENT FLAT 2')).to.equal('J KOWALSKI RENT FLAT');
    expect(key('SQ *THE HOLLOW BEAN ON 11 MAY')).to.equal('THE HOLLOW BEAN');
    expect(key('FPI JANE DOE REFERENCE INVOICE 12')).to.equal('JANE DOE');
  });
});
