import { expect } from 'chai';
import { classify } from '../../../src/engine/classify.ts';
import { UK_MERCHANTS, type MerchantDictionary } from '../../../src/engine/merchants.ts';
import { CALL_LIMIT } from '../../../src/engine/verdicts.ts';
import { fromVeqtrx, type Transaction } from '../../../src/model/index.ts';

/** The UK dictionary behind a new object that counts what it is asked. */
function counting(): MerchantDictionary & { calls: number } {
  const d = {
    calls: 0,
    version: UK_MERCHANTS.version,
    entries: UK_MERCHANTS.entries,
    scan: UK_MERCHANTS.scan,
    match(tokens: readonly string[], also?: readonly string[]) {
      d.calls++;
      return UK_MERCHANTS.match(tokens, also);
    },
  };
  return d;
}
const line = (merchant_name: string, description?: string, date = '2026-05-01'): Transaction =>
  fromVeqtrx({ date, amount: 10, merchant_name, ...(description ? { description } : {}) });
const callsFor = (d: ReturnType<typeof counting>, txs: Transaction[]) => {
  const before = d.calls;
  classify(txs, d);
  return d.calls - before;
};

describe('dictionary verdicts per normalised narrative (src/engine/verdicts.ts)', () => {
  it('asks the dictionary once per narrative in a call, however its dates and case are written', () => {
    const d = counting();
    const calls = callsFor(d, [
      line('TESCO STORES 3297', 'CARD PAYMENT TO TESCO STORES 3297 ON 01 MAY'),
      line('TESCO STORES 3297', 'card payment to tesco stores 3297 on 14/06/26'),
      line('TESCO STORES 3297', 'CARD PAYMENT TO TESCO STORES 3297 ON 02 JUN'),
    ]);
    expect(calls).to.equal(2); // the name, and the name with its description
  });

  it('remembers at most CALL_LIMIT narratives within a call, matching the rest afresh', () => {
    const d = counting();
    const txs = Array.from({ length: CALL_LIMIT }, (_, i) => line(`QQZX ${i + 1}`));
    // The next day (read after the others): one remembered narrative and one beyond the limit, each twice in another case.
    txs.push(line('qqzx 1', undefined, '2026-05-02'), line('QQZX 999999', undefined, '2026-05-02'), line('qqzx 999999', undefined, '2026-05-02'));
    expect(callsFor(d, txs)).to.equal(CALL_LIMIT + 2);
  });
});
