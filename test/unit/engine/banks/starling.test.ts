import { expect } from 'chai';
import { STARLING } from '../../../../src/engine/banks/starling.ts';
import { readers } from './read.ts';

describe('bank format: Starling Bank (src/engine/banks/starling.ts)', () => {
  const { own, plain } = readers(STARLING);

  it('reads how the card was used as the type', () => {
    expect(own('CHIP AND PIN — WM MORRISONS STORE 442').payee).to.equal('WM MORRISONS STORE');
    expect(plain('CHIP AND PIN — WM MORRISONS STORE 442').payee).to.equal('CHIP AND PIN WM MORRISONS STORE');
    expect(own('APPLE PAY — COSTA COFFEE 43010636').payee).to.equal('COSTA COFFEE');
    expect(plain('APPLE PAY — COSTA COFFEE 43010636').payee).to.equal('APPLE PAY COSTA COFFEE');
    expect(own('CARD SUBSCRIPTION — MICROSOFT*XBOX').payee).to.equal('MICROSOFT XBOX');
    expect(plain('CARD SUBSCRIPTION — MICROSOFT*XBOX').payee).to.equal('CARD SUBSCRIPTION MICROSOFT XBOX');
  });
});
