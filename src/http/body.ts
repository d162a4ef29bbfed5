/**
 * The `/assess` body as bytes, read without holding the event loop (issue 17, defect 4).
 *
 * `express.raw` (raw-body) keeps the chunks and joins them at the end with one `Buffer.concat`, and the
 * Idempotency-Key's SHA-256 (WebCrypto) copied the body once more before hashing it. On this project's
 * VM the cost of either is not the copy but the fresh memory: the first touch of each page of a new 4 MB
 * buffer faults, and 4 MB of faults held the loop 15–40 ms. Here the bytes go, as each chunk arrives,
 * into a buffer of the announced length (so its pages are touched a chunk at a time), and the hash, when
 * asked for, is updated chunk by chunk (SHA-256 of 4 MB is 2–3 ms of CPU in all). At most SLICE_BYTES
 * are taken per turn of the event loop, whatever is waiting in the socket. A body without a length
 * (chunked, or compressed: gzip, deflate and br are decompressed, as body-parser does) is kept as chunks
 * and joined a slice per turn. The buffer owns its memory, so it can be moved to the assessment worker
 * rather than copied.
 *
 * The answers are body-parser's: 413 (`entity.too.large`) past the limit, 415 (`encoding.unsupported`)
 * for an unknown Content-Encoding, 400 for a body shorter or longer than its Content-Length or cut off;
 * a refused body is read off before the answer, so the connection stays usable.
 */
import { createHash, type Hash } from 'node:crypto';
import { finished, type Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
import zlib from 'node:zlib';
import bytes from 'bytes';
import type { Request, RequestHandler } from 'express';

declare module 'express-serve-static-core' {
  interface Request {
    /** SHA-256 (hex) of the body's bytes as received (decompressed), when the reader was asked for it. */
    bodySha256?: string;
  }
}

/**
 * How much of a body is taken per turn of the event loop. A body already waiting in the socket is
 * otherwise read 32 reads of 64 KB at a time (libuv's limit per turn) — 2 MB copied, hashed and copied
 * again in one go; past this the request is paused and resumed on the next turn. Also how much of a body
 * without a length is joined per turn.
 */
export const SLICE_BYTES = 256 * 1024;

/** An error express's error handler (src/http/middleware.ts) answers as body-parser's. */
const httpError = (status: number, type: string, message: string) => Object.assign(new Error(message), { status, statusCode: status, type, expose: true });

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
function dump(req: Request, done: () => void): void {
  if (req.complete || req.readableEnded) return done();
  finished(req, () => done());
  req.resume();
}

/** Joins chunks into one buffer that owns its memory, a slice per turn of the event loop. */
async function join(chunks: readonly Buffer[], total: number): Promise<Buffer> {
  const out = Buffer.allocUnsafeSlow(total);
  let at = 0;
  let sinceTurn = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
    sinceTurn += c.length;
    if (sinceTurn >= SLICE_BYTES && at < total) {
      sinceTurn = 0;
      await nextTurn();
    }
  }
  return out;
}

export interface BodyReaderOptions {
  /** The largest body, as `bytes` parses it ('8mb'), after decompression. */
  limit: string | number;
  /** Whether to hash this request's body (sets `req.bodySha256`). */
  hash?: (req: Request) => boolean;
}

/**
 * Reads a JSON request's body into `req.body` (a Buffer); leaves `req.body` undefined when the request
 * has no body or is not JSON (requireJson, before it, refuses a non-JSON body).
 */
export function readBody(opts: BodyReaderOptions): RequestHandler {
  const limit = typeof opts.limit === 'number' ? opts.limit : bytes.parse(opts.limit);
  if (limit === null || !Number.isFinite(limit) || limit < 0) throw new Error(`invalid body limit ${String(opts.limit)}`);
  return (req, _res, next) => {
    const chunked = req.headers['transfer-encoding'] !== undefined;
    const lengthHeader = req.headers['content-length'];
    if (!chunked && lengthHeader === undefined) return next(); // no body
    if (!req.is('application/json')) return next();
    const fail = (e: Error) => dump(req, () => next(e));
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    let source: Readable = req;
    let inflate: ReturnType<typeof decompressor>;
    let declared: number | undefined;
    if (encoding === 'identity') {
      declared = lengthHeader === undefined ? undefined : Number(lengthHeader);
      if (declared !== undefined && (!Number.isSafeInteger(declared) || declared < 0)) return fail(httpError(400, 'request.size.invalid', 'invalid Content-Length'));
      if (declared !== undefined && declared > limit) return fail(httpError(413, 'entity.too.large', 'request entity too large'));
    } else {
      inflate = decompressor(encoding);
      if (!inflate) return fail(httpError(415, 'encoding.unsupported', `unsupported content encoding "${encoding}"`));
      req.pipe(inflate);
      source = inflate;
    }
    const hash: Hash | undefined = opts.hash?.(req) ? createHash('sha256') : undefined;
    // A known length: one buffer, filled as the chunks arrive. Otherwise the chunks, joined at the end.
    const into = declared !== undefined ? Buffer.allocUnsafeSlow(declared) : undefined;
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
      if (into) {
        if (received > into.length) return stop(httpError(400, 'request.size.invalid', 'request size did not match content length'));
        into.set(chunk, received - chunk.length);
      } else {
        chunks.push(chunk);
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
    source.once('error', (e: Error) => stop(httpError(400, source === req ? 'request.aborted' : 'request.decompress.failed', e.message)));
    req.once('aborted', () => stop(httpError(400, 'request.aborted', 'request aborted')));
    source.once('end', () => {
      if (settled) return;
      if (into && received !== into.length) return stop(httpError(400, 'request.size.invalid', 'request size did not match content length'));
      const done = (body: Buffer) => {
        if (settled) return;
        settled = true;
        if (inflate) {
          // Anything after the compressed stream is read off, so the request can finish.
          req.unpipe(inflate);
          req.resume();
        }
        req.body = body;
        if (hash) req.bodySha256 = hash.digest('hex');
        next();
      };
      if (into) return done(into);
      join(chunks, received).then(done, (e: Error) => stop(e));
    });
  };
}
