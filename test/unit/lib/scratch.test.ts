import { expect } from 'chai';
import { Scratch } from '../../../src/lib/owned-bytes.ts';

describe('a scratch buffer a thread keeps', () => {
  it('joins chunks and writes UTF-8 exactly, reusing its memory up to its limit and not past it', () => {
    const s = new Scratch(1024);
    const kept = s.utf8('z'.repeat(300)).buffer; // 900 bytes: room for what follows
    const chunks = [Buffer.from('{"a":'), Buffer.from('"é£😀"'), Buffer.from('}')];
    const joined = s.join(chunks);
    expect(joined.toString('utf8')).to.equal('{"a":"é£😀"}');
    expect(joined.equals(Buffer.concat(chunks))).to.equal(true);
    expect(joined.buffer, 'the memory it keeps').to.equal(kept);
    const text = 'Café – ’x’ 😀 \ud800 end';
    const bytes = s.utf8(text);
    expect(bytes.equals(Buffer.from(text)), 'as Buffer.from writes it, a lone surrogate included').to.equal(
      true,
    );
    expect(bytes.buffer, 'the same memory as before').to.equal(joined.buffer);
    // One chunk is viewed, not copied.
    const one = Buffer.from('just one chunk, long enough to have memory of its own '.repeat(200));
    expect(s.join([one]).buffer).to.equal(one.buffer);
    // Past the limit: a buffer of its own, and the kept one stays.
    const big = s.utf8('x'.repeat(2000));
    expect(big.length).to.equal(2000);
    expect(big.buffer).to.not.equal(joined.buffer);
    expect(s.utf8('y').buffer).to.equal(joined.buffer);
    expect(s.join([]).length).to.equal(0);
  });
});
