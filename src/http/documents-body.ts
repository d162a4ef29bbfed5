/**
 * The body of `POST /assess/documents`, in either form:
 *
 * - `application/json` (each document in base64): read as bytes, up to 28 MB, by the same reader as
 *   `/assess` (src/http/body.ts); parsed, validated and decoded in a worker thread by the service.
 * - `multipart/form-data` (busboy): each document a file part — `bank_statements` (repeated), `payslips`
 *   (repeated), `credit_report`, `id_document`, `rental_agreement` — and the other fields either as one
 *   `request` part of JSON or as form fields (`circumstances` and `payslip_periods` as JSON text). Files
 *   arrive as bytes (no base64), each hashed chunk by chunk as it arrives; at most 20 MB of files and
 *   1 MB of fields and framing.
 *
 * Every refusal names its limit: 413 `body_too_large` (the body), 413 `documents_too_large` (the files),
 * 400 for a part or field the request does not take.
 */
import { createHash, type Hash } from 'node:crypto';
import busboy from 'busboy';
import type { RequestHandler } from 'express';
import { ApiError, badRequest } from '../lib/errors.ts';
import {
  DOCUMENTS_JSON_LIMIT,
  DOCUMENTS_MULTIPART_LIMIT,
  MAX_DOCUMENT_BYTES,
  MAX_PAYSLIPS,
  MAX_STATEMENTS,
  decodeDocumentsParts,
  type DecodedDocuments,
  type DocumentsFailure,
  type MultipartFile,
} from '../contract/documents-request.ts';
import { dump, readBody } from './body.ts';
import { requireUtf8 } from './middleware.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** A multipart `/assess/documents` request, decoded (its JSON form is left in `bodyChunks`). */
    documents?: DecodedDocuments;
  }
}

const MB = 1024 * 1024;
const FILE_PARTS = new Set([
  'bank_statements',
  'payslips',
  'credit_report',
  'id_document',
  'rental_agreement',
]);
const MAX_FIELDS_BYTES = 1 * MB;

/** The 400 for a multipart body busboy cannot read (its header or its framing). */
const malformed = (e: unknown) =>
  badRequest(
    `Malformed multipart body: ${e instanceof Error ? e.message : 'unreadable'}`,
    undefined,
    'bad_request',
  );

const failureError = (f: DocumentsFailure) => new ApiError(f.status, f.detail, f.code, f.errors);

/** Turns the JSON reader's 413 into one that names this route's limit. */
const namedLimit: (limitMb: number) => (e: unknown) => unknown = (limitMb) => (e) =>
  e instanceof Error && 'type' in e && e.type === 'entity.too.large'
    ? new ApiError(
        413,
        `Request body too large: at most ${limitMb} MB (20 MB of documents, in base64 as JSON)`,
        'body_too_large',
      )
    : e;

export function documentsBody(): RequestHandler {
  const json = readBody({ limit: DOCUMENTS_JSON_LIMIT });
  const named = namedLimit(DOCUMENTS_JSON_LIMIT / MB);
  return (req, res, next) => {
    const len = Number(req.get('content-length') ?? 0);
    const chunked = req.get('transfer-encoding') !== undefined;
    if (!(len > 0 || chunked)) return next();
    if (req.is('application/json'))
      return requireUtf8(req, res, (e?: unknown) =>
        e ? next(e) : json(req, res, (e2?: unknown) => next(e2 ? named(e2) : undefined)),
      );
    if (req.is('multipart/form-data')) return readMultipart(req, next, len);
    next(
      new ApiError(
        415,
        'Content-Type must be application/json or multipart/form-data',
        'unsupported_media_type',
      ),
    );
  };
}

function readMultipart(
  req: Parameters<RequestHandler>[0],
  next: (e?: unknown) => void,
  declared: number,
): void {
  if (declared > DOCUMENTS_MULTIPART_LIMIT)
    return dump(req, () =>
      next(
        new ApiError(
          413,
          `Request body too large: at most ${DOCUMENTS_MULTIPART_LIMIT / MB} MB as multipart (20 MB of documents and 1 MB of fields)`,
          'body_too_large',
        ),
      ),
    );
  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: req.headers,
      limits: {
        fileSize: MAX_DOCUMENT_BYTES + 1,
        files: MAX_STATEMENTS + MAX_PAYSLIPS + 3,
        fields: 20,
        fieldSize: MAX_FIELDS_BYTES,
        parts: MAX_STATEMENTS + MAX_PAYSLIPS + 3 + 20,
      },
    });
  } catch (e) {
    return dump(req, () => next(malformed(e)));
  }
  const files: MultipartFile[] = [];
  const fields = new Map<string, string>();
  let total = 0;
  let failed: Error | undefined;
  const fail = (e: Error) => {
    if (failed) return;
    failed = e;
    req.unpipe(bb);
    dump(req, () => next(e));
  };
  bb.on('file', (name, stream, info) => {
    if (failed) return stream.resume();
    if (!FILE_PARTS.has(name)) {
      stream.resume();
      return fail(
        badRequest(
          `Unknown file part "${name}": send bank_statements, payslips, credit_report, id_document or rental_agreement`,
          [{ path: name, message: 'is not a document part' }],
        ),
      );
    }
    const chunks: Buffer[] = [];
    const hash: Hash = createHash('sha256');
    let size = 0;
    stream.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      total += c.length;
      if (total > MAX_DOCUMENT_BYTES) {
        stream.resume();
        return fail(
          new ApiError(
            413,
            `The documents are over ${MAX_DOCUMENT_BYTES / MB} MB; at most ${MAX_DOCUMENT_BYTES / MB} MB of documents in one request`,
            'documents_too_large',
          ),
        );
      }
      chunks.push(c);
      hash.update(c);
    });
    stream.on('end', () => {
      if (failed) return;
      files.push({
        part: name,
        filename: info.filename || `${name}.pdf`,
        content: Buffer.concat(chunks, size),
        sha256: hash.digest('hex'),
      });
    });
  });
  bb.on('field', (name, value, info) => {
    if (failed) return;
    if (info.valueTruncated)
      return fail(
        badRequest(`The field "${name}" is over ${MAX_FIELDS_BYTES / MB} MB`, [
          { path: name, message: 'too long' },
        ]),
      );
    fields.set(name, value);
  });
  const limit = (what: string) => () =>
    fail(badRequest(`Too many ${what} in the multipart body`, undefined, 'validation_error'));
  bb.on('filesLimit', limit('files (at most 12 statements, 12 payslips and 3 other documents)'));
  bb.on('fieldsLimit', limit('fields'));
  bb.on('partsLimit', limit('parts'));
  bb.on('error', (e: unknown) => fail(malformed(e)));
  bb.on('close', () => {
    if (failed) return;
    const r = decodeDocumentsParts(fields, files);
    if (r.kind === 'failed') return next(failureError(r));
    req.documents = r;
    next();
  });
  req.on('aborted', () => fail(badRequest('request aborted', undefined, 'bad_request')));
  req.pipe(bb);
}
