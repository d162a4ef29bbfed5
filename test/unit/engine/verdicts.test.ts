import { expect } from 'chai';
import { assess } from '../../../src/engine/index.ts';
import { classify } from '../../../src/engine/classify.ts';
import { UK_MERCHANTS, type MerchantDictionary } from '../../../src/engine/merchants.ts';
import { CALL_LIMIT, SHARED_LIMIT } from '../../../src/engine/verdicts.ts';
import { fromVeqtrx, type Transaction } from '../../../src/model/index.ts';
import { generatePersona } from '../../../tools/personas/personas.ts';

/** The UK dictionary behind a new object (so with memos of its own) that counts what it is asked. */
function counting(): MerchantDictionary & { calls: number } {
  const d = {
    calls: 0,
    version: UK_MERCHANTS.version,
    entries: UK_MERCHANTS.entries,
    scan: (...args: Parameters<MerchantDictionary['scan']>) => UK_MERCHANTS.scan(...args),
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

  it('shares with later calls only the verdicts that name a firm, never those of payments to people, unknown words or references', () => {
    const d = counting();
    const txs = [
      line('TESCO STORES 3297', 'CARD PAYMENT TO TESCO STORES 3297 ON 01 MAY'),
      line('FASTER PAYMENT TO J SMITH'),
      line('SO NATIONWIDE BS'),
      line('QWXZ TRADING'),
      line('EDF ENERGY', 'DIRECT DEBIT TO EDF ENERGY REF 4471920'),
    ];
    const first = classify(txs, d);
    const before = d.calls;
    const again = classify(txs, d);
    // Asked again: the transfer to a person, the standing order (a transfer, though it names a firm), the
    // unknown words and the narrative with a reference; not Tesco, nor EDF's name on its own.
    expect(d.calls - before).to.equal(4);
    expect(again.map((r) => r.match?.entry.id)).to.deep.equal(first.map((r) => r.match?.entry.id));
  });

  it("keeps a dictionary's verdicts to that dictionary", () => {
    const a = counting(),
      b = counting();
    const txs = [line('TESCO STORES 3297'), line('NETFLIX.COM')];
    expect(callsFor(a, txs)).to.equal(2);
    expect(callsFor(a, txs)).to.equal(0);
    expect(callsFor(b, txs)).to.equal(2);
  });

  it('holds at most SHARED_LIMIT shared narratives, dropping the least recently used', () => {
    const d = counting();
    // Zero-padded, so that the call reads them (in canonical order, by name) in numeric order.
    const store = (n: number) => line(`TESCO STORES ${String(n).padStart(5, '0')}`);
    expect(
      callsFor(
        d,
        Array.from({ length: SHARED_LIMIT }, (_, i) => store(i + 1)),
      ),
    ).to.equal(SHARED_LIMIT);
    expect(callsFor(d, [store(1)])).to.equal(0); // used: store 2 is now the least recently used
    expect(callsFor(d, [store(SHARED_LIMIT + 1)])).to.equal(1); // … and is dropped
    expect(callsFor(d, [store(2)])).to.equal(1);
    expect(callsFor(d, [store(1)])).to.equal(0);
  });

  it('remembers at most CALL_LIMIT narratives within a call, matching the rest afresh', () => {
    const d = counting();
    const txs = Array.from({ length: CALL_LIMIT }, (_, i) => line(`QQZX ${i + 1}`));
    // The next day (read after the others): one remembered narrative and one beyond the limit, each twice in another case.
    txs.push(
      line('qqzx 1', undefined, '2026-05-02'),
      line('QQZX 999999', undefined, '2026-05-02'),
      line('qqzx 999999', undefined, '2026-05-02'),
    );
    expect(callsFor(d, txs)).to.equal(CALL_LIMIT + 2);
  });

  it('gives the same assessment with a cold memo and a warm one', () => {
    const p = generatePersona('couple_two_children_mortgage', 7);
    const input = (merchants: MerchantDictionary) => ({
      transactions: p.transactions.map((t) => fromVeqtrx(t)),
      now: new Date(p.now),
      circumstances: p.circumstances,
      merchants,
    });
    const cold = assess(input(counting()));
    assess(input(UK_MERCHANTS));
    expect(assess(input(UK_MERCHANTS))).to.deep.equal(cold);
  });
});
