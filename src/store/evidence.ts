/**
 * The evidence record as stored: the engine's evidence (with the source and the account warnings) as
 * JSON, its ledger — a row per transaction, most of the record — in columnar form (src/lib/columnar.ts),
 * compressed. Packed and unpacked where the engine runs (the assessment worker threads), never on the
 * event loop.
 *
 * The stored bytes are one of two forms, told apart by their first bytes:
 *   - now: `VQX2` then the JSON compressed with Brotli at quality 1 (a 64 KB window). For the same JSON
 *     it is faster than gzip at level 1 and a little smaller: on this project's VM 0.42 -> 0.17 ms for a
 *     412-transaction record (10.6 -> 10.4 KB), 4.4 -> 2.7 ms for 10,000 (133 -> 127 KB; CPU, medians);
 *   - before: the JSON gzip-compressed (gzip's own magic number, 1f 8b), the ledger in columns or, older
 *     still, as rows. Such records are read as they always were.
 *
 * What `GET /assessment/{id}/evidence` answers is the same text, byte for byte, whichever the form: the
 * record's JSON with the ledger as rows.
 */
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync } from 'node:zlib';
import { fromColumns, isColumns, toColumns } from '../lib/columnar.ts';
import { isRecord } from '../lib/narrow.ts';
import { Scratch } from '../lib/owned-bytes.ts';

/** The first bytes of the stored form written now (gzip's start with 1f 8b). */
export const BROTLI_EVIDENCE = Buffer.from('VQX2', 'latin1');

/**
 * The evidence record → the bytes stored. Its ledger may come as rows, or already in columns (the
 * assessment workers have the engine make it so: src/engine/assess.ts assessColumnar): the same bytes.
 */
export function packEvidence(evidence: object): Buffer {
  const rows = 'ledger' in evidence ? evidence.ledger : undefined;
  const ledger = Array.isArray(rows) ? toColumns(rows) : undefined;
  // Compressed from bytes: zlib reads a Buffer faster than it converts a string itself.
  const json = scratch.utf8(JSON.stringify(ledger ? { ...evidence, ledger } : evidence));
  const packed = brotliCompressSync(json, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 1,
      // A 64 KB window: as small as the records' repeats are near, and less memory to set up than 4 MB.
      [constants.BROTLI_PARAM_LGWIN]: 16,
      [constants.BROTLI_PARAM_SIZE_HINT]: json.length,
    },
  });
  return Buffer.concat([BROTLI_EVIDENCE, packed]);
}

/**
 * This thread's buffer for the JSON's bytes, kept from one record to the next (up to 8 MB): writing the
 * 494 KB of a 10,000-transaction record's JSON into it rather than into a fresh buffer made its packing
 * take 0.84–0.91 of the time (paired runs, 412 and 10,000 transactions; src/lib/owned-bytes.ts Scratch).
 */
const scratch = new Scratch(8 * 1024 * 1024);

/** The stored bytes (either form) → the record's JSON, its ledger as stored. */
function storedJson(stored: Uint8Array): string {
  const bytes = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  if (bytes.subarray(0, BROTLI_EVIDENCE.length).equals(BROTLI_EVIDENCE))
    return brotliDecompressSync(bytes.subarray(BROTLI_EVIDENCE.length)).toString('utf8');
  return gunzipSync(bytes).toString('utf8');
}

/** The stored bytes → the evidence record, its ledger as rows. */
export function unpackEvidence(stored: Uint8Array): unknown {
  const evidence: unknown = JSON.parse(storedJson(stored));
  if (isRecord(evidence) && isColumns(evidence.ledger)) evidence.ledger = fromColumns(evidence.ledger);
  return evidence;
}

/** The stored bytes → the evidence route's answer: the record's JSON, UTF-8. */
export function evidenceJson(stored: Uint8Array): Buffer {
  return Buffer.from(JSON.stringify(unpackEvidence(stored)));
}

/**
 * The stored bytes → one part of the record as JSON, UTF-8 (the monthly series: `series`), with the
 * assessment's id first; undefined when the record has no such part (stored before it existed).
 */
export function evidencePartJson(stored: Uint8Array, part: string, assessmentId: string): Buffer | undefined {
  const evidence: unknown = JSON.parse(storedJson(stored));
  const value = isRecord(evidence) ? evidence[part] : undefined;
  if (!isRecord(value)) return undefined;
  return Buffer.from(JSON.stringify({ assessment_id: assessmentId, ...value }));
}
