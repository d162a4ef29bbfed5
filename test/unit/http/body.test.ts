/**
 * The `/assess` body reader (src/http/body.ts): the same bytes and answers as express.raw gave, kept as
 * chunks that own their memory (to be moved to a worker, not copied), a slice per turn of the event loop,
 * and hashed as it arrives when asked.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import zlib from 'node:zlib';
import express from 'express';
import { SLICE_BYTES, readBody } from '../../../src/http/body.ts';
import { joinChunks, ownBuffer } from '../../../src/lib/owned-bytes.ts';
import { waitFor } from '../../helpers/receiver.ts';

interface Seen {
  body?: unknown;
  ownsMemory?: boolean;
  sha?: string | undefined;
  error?: { status: number; type: string };
}

describe('the /assess body reader', () => {
  let server: http.Server;
  let base: string;
  const seen: Seen[] = [];
  let started = 0;
  /** The most bytes of one request taken in one turn of the event loop. */
  let mostInOneTurn = 0;
  before(async () => {
    const app = express();
    app.use((req, _res, next) => {
      started++;
      let thisTurn = 0;
      let reading = true;
      const turn = () => {
        thisTurn = 0;
        if (reading) setImmediate(turn);
      };
      setImmediate(turn);
      req.on('data', (c: Buffer) => {
        thisTurn += c.length;
        mostInOneTurn = Math.max(mostInOneTurn, thisTurn);
      });
      req.on('close', () => (reading = false));
      next();
    });
    app.post(
      '/',
      readBody({ limit: '1mb', hash: (req) => req.get('idempotency-key') !== undefined }),
      (req, res) => {
        const b = req.bodyChunks;
        seen.push({
          body: b === undefined ? undefined : joinChunks(b.chunks).toString('utf8'),
          ownsMemory: b
            ? b.chunks.every((c) => ownBuffer(c) !== undefined) &&
              b.length === b.chunks.reduce((n, c) => n + c.length, 0)
            : undefined,
          sha: req.bodySha256,
        });
        res.status(200).json({ ok: true });
      },
    );
    app.use(((err, _req, res, _next) => {
      const e = err as { status: number; type: string };
      seen.push({ error: { status: e.status, type: e.type } });
      res.status(e.status).json({ detail: e.type });
    }) as express.ErrorRequestHandler);
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    await new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    });
  });
  beforeEach(() => {
    seen.length = 0;
    started = 0;
    mostInOneTurn = 0;
  });

  const json = JSON.stringify({ customer_ref: 'c', note: 'x'.repeat(40_000) });
  const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
  const post = (body: string | Buffer | undefined, headers: Record<string, string> = {}) =>
    fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body }),
    });

  it('reads a body into chunks that own their memory; hashes it only when asked', async () => {
    expect((await post(json)).status).to.equal(200);
    expect((await post(json, { 'idempotency-key': 'k1' })).status).to.equal(200);
    expect(seen).to.deep.equal([
      { body: json, ownsMemory: true, sha: undefined },
      { body: json, ownsMemory: true, sha: sha(json) },
    ]);
  });

  it('reads a body of several slices a slice per turn, the same bytes and hash', async () => {
    const large = JSON.stringify({ customer_ref: 'c', note: 'z'.repeat(3 * SLICE_BYTES) });
    expect((await post(large, { 'idempotency-key': 'k' })).status).to.equal(200);
    expect(seen).to.deep.equal([{ body: large, ownsMemory: true, sha: sha(large) }]);
    expect(mostInOneTurn, 'bytes taken in one turn of the loop').to.be.at.most(SLICE_BYTES + 64 * 1024);
  });

  it('reads a chunked body (no length) of several slices, the same bytes and hash', async () => {
    const large = JSON.stringify({ customer_ref: 'c', note: 'q'.repeat(3 * SLICE_BYTES) });
    const parts = [large.slice(0, 10_000), large.slice(10_000, 300_000), large.slice(300_000)];
    const stream = new ReadableStream({
      start(c) {
        for (const p of parts) c.enqueue(new TextEncoder().encode(p));
        c.close();
      },
    });
    const r = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k' },
      body: stream,
      duplex: 'half',
    });
    expect(r.status).to.equal(200);
    expect(seen).to.deep.equal([{ body: large, ownsMemory: true, sha: sha(large) }]);
  });

  for (const [encoding, compress] of [
    ['gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['br', zlib.brotliCompressSync],
  ] as const) {
    it(`decompresses a ${encoding} body (the limit and the hash apply to the decompressed bytes)`, async () => {
      expect(
        (await post(compress(Buffer.from(json)), { 'content-encoding': encoding, 'idempotency-key': 'k' }))
          .status,
      ).to.equal(200);
      expect(seen).to.deep.equal([{ body: json, ownsMemory: true, sha: sha(json) }]);
      const bomb = compress(Buffer.alloc(1_100_000, 0x20));
      expect((await post(bomb, { 'content-encoding': encoding })).status).to.equal(413);
    });
  }

  it('answers as body-parser: 413 past the limit (by length or as read), 415 for an unknown encoding, 400 for a broken stream', async () => {
    const big = JSON.stringify({ a: 'y'.repeat(1_100_000) });
    expect((await post(big)).status).to.equal(413);
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    expect(
      (
        await fetch(base, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: stream,
          duplex: 'half',
        })
      ).status,
    ).to.equal(413);
    expect((await post(json, { 'content-encoding': 'compress' })).status).to.equal(415);
    expect((await post(Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' })).status).to.equal(400);
    expect(seen.map((s) => s.error)).to.deep.equal([
      { status: 413, type: 'entity.too.large' },
      { status: 413, type: 'entity.too.large' },
      { status: 415, type: 'encoding.unsupported' },
      { status: 400, type: 'request.decompress.failed' },
    ]);
  });

  it('reads an empty body (Content-Length: 0) as no bytes, and leaves a body that is not JSON alone', async () => {
    expect((await post(undefined)).status).to.equal(200);
    expect((await post('x=1', { 'content-type': 'application/x-www-form-urlencoded' })).status).to.equal(200);
    expect(seen).to.deep.equal([
      { body: '', ownsMemory: true, sha: undefined },
      { body: undefined, ownsMemory: undefined, sha: undefined },
    ]);
  });

  it('gives up on a body cut off before its length (400), and keeps serving', async () => {
    const { port } = server.address() as AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"customer_ref":',
    );
    await waitFor(() => started > 0, { what: 'the server to start on the request' });
    socket.destroy();
    await waitFor(() => seen.find((s) => s.error), { what: 'the reader to give up on the cut-off body' });
    expect(seen[0]!.error).to.deep.equal({ status: 400, type: 'request.aborted' });
    expect((await post(json)).status).to.equal(200);
  });
});
