import { expect } from 'chai';
import { PooledAssessor, type AssessJobResult } from '../../../src/services/assessor.ts';

const body = (ref: string) => new TextEncoder().encode(JSON.stringify({ customer_ref: ref, transactions: [{ date: '2026-05-01', amount: 12.5, merchant_name: 'TESCO STORES 3297' }] }));

describe('the assessment worker pool', () => {
  it('serves jobs first come, first served: with one thread they finish in the order they were given', async () => {
    const pool = new PooledAssessor(1);
    try {
      const done: string[] = [];
      const refs = Array.from({ length: 16 }, (_, i) => `c${i}`);
      await Promise.all(
        refs.map((ref) =>
          pool.run({ kind: 'body', body: body(ref), now: Date.parse('2026-06-01T00:00:00Z') }).then((r: AssessJobResult) => {
            expect(r.kind).to.equal('assessed');
            done.push((r as Extract<AssessJobResult, { kind: 'assessed' }>).meta.customer_ref);
          }),
        ),
      );
      expect(done).to.deep.equal(refs);
    } finally {
      await pool.close();
    }
  });
});
