import { expect } from 'chai';
import {
  isLargeJob,
  isSmallJob,
  LARGE_JOB_BYTES,
  LARGE_JOB_TRANSACTIONS,
  pickThread,
  PooledAssessor,
  type AssessJobResult,
} from '../../../src/services/assessor.ts';
import { benchmarkHistory } from '../../../tools/personas/personas.ts';

const body = (ref: string) =>
  new TextEncoder().encode(
    JSON.stringify({
      customer_ref: ref,
      transactions: [{ date: '2026-05-01', amount: 12.5, merchant_name: 'TESCO STORES 3297' }],
    }),
  );

describe('the assessment worker pool', () => {
  it('serves jobs first come, first served: with one thread they finish in the order they were given', async () => {
    const pool = new PooledAssessor(1);
    try {
      const done: string[] = [];
      const refs = Array.from({ length: 16 }, (_, i) => `c${i}`);
      await Promise.all(
        refs.map((ref) =>
          pool
            .run({ kind: 'body', body: body(ref), now: Date.parse('2026-06-01T00:00:00Z') })
            .then((r: AssessJobResult) => {
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

  it('hands a busy thread a second task, except while a large job is in hand: then only a free thread takes one', () => {
    const t = (id: string, currentUsage: number) => ({ id, currentUsage });
    expect(pickThread([t('a', 1), t('b', 0)], false)?.id).to.equal('b'); // the least busy
    expect(pickThread([t('a', 1), t('b', 1)], false)?.id).to.equal('a'); // a second task
    expect(pickThread([t('a', 2), t('b', 2)], false)).to.equal(null); // it waits in the queue
    expect(pickThread([t('a', 1), t('b', 0)], true)?.id).to.equal('b');
    expect(pickThread([t('a', 1), t('b', 1)], true)).to.equal(null);
    expect(pickThread([], false)).to.equal(null);
  });

  it('tells large jobs by body size, or by the transactions a source fetched', () => {
    const now = Date.parse('2026-11-01T00:00:00Z');
    const large = new TextEncoder().encode(
      JSON.stringify({ customer_ref: 'large', transactions: benchmarkHistory(2_000) }),
    );
    expect(large.byteLength).to.be.greaterThan(LARGE_JOB_BYTES);
    expect(isLargeJob({ kind: 'body', body: large, now })).to.equal(true);
    expect(isLargeJob({ kind: 'body', body: body('small'), now })).to.equal(false);
    const decoded = (n: number) => ({
      kind: 'decoded' as const,
      now,
      request: {
        meta: { customer_ref: 'c' },
        source: { type: 'validifi', metadata: {}, warnings: [] },
        transactions: new Array(n),
      },
    });
    expect(isLargeJob(decoded(LARGE_JOB_TRANSACTIONS + 1))).to.equal(true);
    expect(isLargeJob(decoded(LARGE_JOB_TRANSACTIONS))).to.equal(false);
  });

  it("moves bytes it may move (the caller's copy is emptied), copies bytes that share their memory, and turns stored evidence into the route's JSON", async () => {
    const pool = new PooledAssessor(1);
    try {
      const now = Date.parse('2026-11-01T00:00:00Z');
      const own = new TextEncoder().encode(
        JSON.stringify({ customer_ref: 'moved', transactions: benchmarkHistory(50) }),
      );
      const r = await pool.run({ kind: 'body', body: own, now }, { moveBytes: true });
      expect(r.kind).to.equal('assessed');
      expect(own.byteLength, 'moved, not copied').to.equal(0);
      const shared = Buffer.from(
        JSON.stringify({
          customer_ref: 'shared',
          transactions: [{ date: '2026-05-01', amount: 12.5, merchant_name: 'TESCO STORES 3297' }],
        }),
      );
      expect(shared.buffer.byteLength, "a small Buffer lives in Node's pool").to.be.greaterThan(
        shared.byteLength,
      );
      const text = shared.toString();
      expect((await pool.run({ kind: 'body', body: shared, now }, { moveBytes: true })).kind).to.equal(
        'assessed',
      );
      expect(shared.toString(), 'copied: the pool is untouched').to.equal(text);
      // A body in chunks: each moved, joined in the worker.
      const text2 = JSON.stringify({ customer_ref: 'chunks', transactions: benchmarkHistory(50) });
      const chunks = [0, 1000, 5000].map(
        (at, i, all) => new Uint8Array(Buffer.from(text2).subarray(at, all[i + 1] ?? text2.length)),
      );
      const r2 = await pool.run({ kind: 'body', body: chunks, now }, { moveBytes: true });
      expect(r2.kind).to.equal('assessed');
      expect((r2 as Extract<AssessJobResult, { kind: 'assessed' }>).meta.customer_ref).to.equal('chunks');
      expect(
        chunks.map((c) => c.byteLength),
        'moved, not copied',
      ).to.deep.equal([0, 0, 0]);
      const stored = (r as Extract<AssessJobResult, { kind: 'assessed' }>).evidencePacked;
      const e = await pool.run({ kind: 'evidence', stored }, { moveBytes: true });
      expect(e.kind).to.equal('evidence');
      const evidence = JSON.parse(
        Buffer.from((e as Extract<AssessJobResult, { kind: 'evidence' }>).json).toString('utf8'),
      ) as { ledger: unknown[] };
      expect(evidence.ledger).to.have.length(50);
    } finally {
      await pool.close();
    }
  });

  for (const threads of [1, 2]) {
    it(`finishes every job of a mix of large and small ones, failed ones included (${threads} thread${threads > 1 ? 's' : ''})`, async () => {
      const pool = new PooledAssessor(threads);
      try {
        const now = Date.parse('2026-11-01T00:00:00Z');
        const large = new TextEncoder().encode(
          JSON.stringify({ customer_ref: 'large', transactions: benchmarkHistory(2_000) }),
        );
        const brokenLarge = large.slice(0, large.byteLength - 1); // not JSON: fails in the worker
        const jobs = [large, body('s1'), body('s2'), brokenLarge, body('s3'), large, body('s4')].map((b) =>
          pool.run({ kind: 'body', body: b, now }),
        );
        expect(pool.largeJobsInHand).to.equal(3);
        const kinds = (await Promise.all(jobs)).map((r) => r.kind);
        expect(kinds).to.deep.equal([
          'assessed',
          'assessed',
          'assessed',
          'failed',
          'assessed',
          'assessed',
          'assessed',
        ]);
        expect(pool.largeJobsInHand).to.equal(0);
        const again = await Promise.all(
          [1, 2, 3, 4, 5].map((i) => pool.run({ kind: 'body', body: body(`t${i}`), now })),
        );
        expect(again.every((r) => r.kind === 'assessed')).to.equal(true);
      } finally {
        await pool.close();
      }
    });
  }

  it('runs a small job on the event loop when its caller has nothing else in hand and the pool is idle; else in the pool; the same bytes either way', async () => {
    const pool = new PooledAssessor(1, { inlineWhenIdle: true });
    try {
      const now = Date.parse('2026-11-01T00:00:00Z');
      const text = JSON.stringify({ customer_ref: 'idle', transactions: benchmarkHistory(412) });
      const fresh = () => new Uint8Array(Buffer.from(text));
      expect(isSmallJob({ kind: 'body', body: fresh(), now })).to.equal(true);
      const packed = (r: AssessJobResult) =>
        Buffer.from((r as Extract<AssessJobResult, { kind: 'assessed' }>).evidencePacked);

      const alone = fresh();
      const inline = await pool.run({ kind: 'body', body: alone, now }, { moveBytes: true, alone: true });
      expect(alone.byteLength, 'run where it was: not moved').to.equal(text.length);

      const notAlone = fresh();
      const pooled = await pool.run({ kind: 'body', body: notAlone, now }, { moveBytes: true });
      expect(notAlone.byteLength, 'moved to the worker').to.equal(0);
      expect(packed(inline).equals(packed(pooled)), 'the same evidence bytes').to.equal(true);
      const withoutBytes = (r: AssessJobResult) => ({ ...r, evidencePacked: undefined });
      expect(withoutBytes(inline)).to.deep.equal(withoutBytes(pooled));

      // While the pool has a job in hand, a caller alone goes to the pool too.
      const large = new TextEncoder().encode(
        JSON.stringify({ customer_ref: 'large', transactions: benchmarkHistory(2_000) }),
      );
      expect(isSmallJob({ kind: 'body', body: large, now })).to.equal(false);
      const running = pool.run({ kind: 'body', body: large, now });
      const behind = fresh();
      const queued = pool.run({ kind: 'body', body: behind, now }, { moveBytes: true, alone: true });
      expect((await queued).kind).to.equal('assessed');
      expect(behind.byteLength, 'moved to the pool').to.equal(0);
      expect((await running).kind).to.equal('assessed');

      // A large job never runs on the event loop.
      const big = new TextEncoder().encode(
        JSON.stringify({ customer_ref: 'large', transactions: benchmarkHistory(2_000) }),
      );
      expect(
        (await pool.run({ kind: 'body', body: big, now }, { moveBytes: true, alone: true })).kind,
      ).to.equal('assessed');
      expect(big.byteLength, 'moved to the pool').to.equal(0);
    } finally {
      await pool.close();
    }
  });
});
