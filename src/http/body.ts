/**
 * The `/assess` body as bytes, read without holding the event loop (issue 17, defect 4), for the
 * assessment worker to parse.
 *
 * `express.raw` (raw-body) joined the chunks at the end with one `Buffer.concat`, and the
 * Idempotency-Key's SHA-256 (WebCrypto) copied the body once more before hashing it. On this project's
 * VM the cost of either is not the copy but the fresh memory: the first touch of each page of a new 4 MB
 * buffer faults, and 4 MB of faults held the loop 15–40 ms. Here the body stays the chunks the HTTP parser
 * made — each a Buffer of its own memory, so they are moved to the worker, which joins them, and never
 * copied on the event loop — and the hash, when asked for, is updated chunk by chunk (SHA-256 of 4 MB is
 * 2–3 ms of CPU in all). A body already waiting in the socket would be read 32 reads of 64 KB at a time
 * (libuv's limit per turn of the loop): past SLICE_BYTES in one turn the request is paused and resumed on
 * the next. Compressed bodies (gzip, deflate, br) are decompressed, as body-parser does.
 *
 * The answers are body-parser's: 413 (`entity.too.large`) past the limit, 415 (`encoding.unsupported`)
 * for an unknown Content-Encoding, 400 for a body shorter or longer than its Content-Length or cut off;
 * a refused body is read off before the answer, so the connection stays usable.
 */
import { createHash, type Hash } from 'node:crypto';
import { finished } from 'node:stream';
import zlib from 'node:zlib';
import bytes from 'bytes';
import type { Request, RequestHandler } from 'express';
import { ownBuffer, type BodyChunks } from '../lib/owned-bytes.ts';

export type { BodyChunks };

declare module 'express-serve-static-core' {
  interface Request {
    /** The body read by readBody (its `req.body` stays undefined). */
    bodyChunks?: BodyChunks;
    /** SHA-256 (hex) of the body's bytes as received (decompressed), when readBody was asked for it. */
    bodySha256?: string;
  }
}

/** At most this much of a body is taken per turn of the event loop. */
export const SLICE_BYTES = 256 * 1024;

/** An error express's error handler (src/http/middleware.ts) answers as body-parser's. */
const httpError = (status: number, type: string, message: string) =>
  Object.assign(new Error(message), { status, statusCode: status, type, expose: true });

function decompressor(encoding: string): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined {
  switch (encoding) {
    case 'gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}

/** Reads off whatever is left of the request, then calls `done` (so an early answer does not cut the connection). */
export function dump(req: Request, done: () => void): void {
  if (req.complete || req.readableEnded) return done();
  finished(req, () => done());
  req.resume();
}

export interface BodyReaderOptions {
  /** The largest body, as `bytes` parses it ('8mb'), after decompression. */
  limit: string | number;
  /** Whether to hash this request's body (sets `req.bodySha256`). */
  hash?: (req: Request) => boolean;
}

/**
 * Reads a JSON request's body into `req.bodyChunks`; leaves it undefined when the request has no body or
 * is not JSON (requireJson, before it, refuses a non-JSON body).
 */
export function readBody(opts: BodyReaderOptions): RequestHandler {
  const limit = typeof opts.limit === 'number' ? opts.limit : bytes.parse(opts.limit);
  if (limit === null || !Number.isFinite(limit) || limit < 0)
    throw new Error(`invalid body limit ${String(opts.limit)}`);
  return (req, _res, next) => {
    const chunked = req.headers['transfer-encoding'] !== undefined;
    const lengthHeader = req.headers['content-length'];
    if (!chunked && lengthHeader === undefined) return next(); // no body
    if (!req.is('application/json')) return next();
    const fail = (e: Error) => dump(req, () => next(e));
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    let inflate: ReturnType<typeof decompressor>;
    let declared: number | undefined;
    if (encoding === 'identity') {
      declared = lengthHeader === undefined ? undefined : Number(lengthHeader);
      if (declared !== undefined && (!Number.isSafeInteger(declared) || declared < 0))
        return fail(httpError(400, 'request.size.invalid', 'invalid Content-Length'));
      if (declared !== undefined && declared > limit)
        return fail(httpError(413, 'entity.too.large', 'request entity too large'));
    } else {
      inflate = decompressor(encoding);
      if (!inflate)
        return fail(httpError(415, 'encoding.unsupported', `unsupported content encoding "${encoding}"`));
      req.pipe(inflate);
    }
    const source = inflate ?? req;
    const hash: Hash | undefined = opts.hash?.(req) ? createHash('sha256') : undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    let thisTurn = 0;
    let settled = false;
    const stop = (e: Error) => {
      if (settled) return;
      settled = true;
      source.removeListener('data', onData);
      if (inflate) {
        req.unpipe(inflate);
        inflate.destroy();
      }
      fail(e);
    };
    const onData = (chunk: Buffer) => {
      if (settled) return;
      received += chunk.length;
      if (received > limit) return stop(httpError(413, 'entity.too.large', 'request entity too large'));
      if (declared !== undefined && received > declared)
        return stop(httpError(400, 'request.size.invalid', 'request size did not match content length'));
      // The HTTP parser's chunks have memory of their own; a decompressor's share theirs, and are copied.
      if (ownBuffer(chunk)) chunks.push(chunk);
      else {
        const own = Buffer.allocUnsafeSlow(chunk.length);
        own.set(chunk);
        chunks.push(own);
      }
      hash?.update(chunk);
      thisTurn += chunk.length;
      if (thisTurn >= SLICE_BYTES) {
        // The rest waits for the next turn of the loop (a paused request stops reading its socket).
        thisTurn = 0;
        source.pause();
        setImmediate(() => {
          if (!settled) source.resume();
        });
      }
    };
    source.on('data', onData);
    source.once('error', (e: Error) =>
      stop(httpError(400, inflate ? 'request.decompress.failed' : 'request.aborted', e.message)),
    );
    req.once('aborted', () => stop(httpError(400, 'request.aborted', 'request aborted')));
    source.once('end', () => {
      if (settled) return;
      if (declared !== undefined && received !== declared)
        return stop(httpError(400, 'request.size.invalid', 'request size did not match content length'));
      settled = true;
      if (inflate) {
        // Anything after the compressed stream is read off, so the request can finish.
        req.unpipe(inflate);
        req.resume();
      }
      req.bodyChunks = { chunks, length: received };
      if (hash) req.bodySha256 = hash.digest('hex');
      next();
    });
  };
}
