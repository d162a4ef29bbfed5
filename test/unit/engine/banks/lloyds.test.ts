import { expect } from 'chai';
import { LLOYDS } from '../../../../src/engine/banks/lloyds.ts';
import { readers } from './read.ts';

describe('bank format: Lloyds Banking Group (src/engine/banks/lloyds.ts)', () => {
  const { own, plain } = readers(LLOYDS);

  it('reads DEB, CPT and COR as type codes', () => {
    expect(own('DEB GREGGS PLC CD 4417 06MAR25').payee).to.equal('GREGGS');
    expect(plain('DEB GREGGS PLC CD 4417 06MAR25').payee).to.equal('DEB GREGGS');
    expect(own('CPT LNK TESCO EXPRESS CD 4417 14MAR25 12:01').payee).to.equal('LNK TESCO EXPRESS');
    expect(plain('CPT LNK TESCO EXPRESS CD 4417 14MAR25 12:01').payee).to.equal('CPT LNK TESCO EXPRESS');
    expect(own('COR AMAZON MARKETPLACE').payee).to.equal('AMAZON MARKETPLACE');
    expect(plain('COR AMAZON MARKETPLACE').payee).to.equal('COR AMAZON MARKETPLACE');
  });
});
