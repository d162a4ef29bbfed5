import { expect } from 'chai';
import { SourceError, type SourceOutput } from '../../../adapters/source.ts';
import type { Transaction } from '../../../src/model/transaction.ts';
import { keepInDateWindow } from '../../../src/services/fetched-window.ts';

const PROV = { name: 'Prov', badResponse: 'validifi_bad_response' } as const;
const now = new Date('2026-11-05T12:00:00Z'); // window 2024-11-05 … 2026-11-06
const tx = (date: string, ref: string): Transaction => ({
  date,
  amount_minor: 1000,
  currency: 'GBP',
  merchant_name: 'TESCO',
  account_id: 'a',
  source: 'x',
  source_ref: ref,
});
const output = (...dates: string[]): SourceOutput => ({
  transactions: dates.map((d, i) => tx(d, `r${i}`)),
  metadata: { counts: { posted: dates.length } },
  warnings: ['earlier'],
});

describe('a fetching source’s rows against the accepted date window', () => {
  it('passes a history inside the window through untouched', () => {
    const out = output('2024-11-05', '2026-06-01', '2026-11-06');
    expect(keepInDateWindow(out, PROV, now)).to.equal(out);
  });

  it('leaves out rows before or after the window, with a warning naming the span and a count', () => {
    const out = keepInDateWindow(output('2016-03-31', '2026-06-01', '2024-11-04', '2026-11-07'), PROV, now);
    expect(out.transactions.map((t) => t.source_ref)).to.deep.equal(['r1']);
    expect(out.metadata).to.deep.equal({ counts: { posted: 4 }, outside_window_excluded: 3 });
    expect(out.warnings).to.deep.equal([
      'earlier',
      '3 transactions from Prov dated outside the accepted window 2024-11-05 to 2026-11-06 (the 24 months before the assessment to the day after it) were left out: 2016-03-31 to 2026-11-07',
    ]);
  });

  it('a history with nothing inside is the provider’s 502, naming it', () => {
    let err: unknown;
    try {
      keepInDateWindow(output('2016-03-31', '2016-04-30'), PROV, now);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(SourceError);
    expect(err).to.include({ status: 502, code: 'validifi_bad_response' });
    expect((err as Error).message).to.match(
      /^Prov returned 2 transactions, all dated outside the accepted window .*: 2016-03-31 to 2016-04-30; this is Prov's answer/,
    );
  });
});
