/**
 * The evidence record as stored: the engine's evidence (with the source and the account warnings) as
 * JSON, its ledger — a row per transaction, most of the record — in columnar form (src/lib/columnar.ts),
 * gzip-compressed. Packed and unpacked where the engine runs (the assessment worker threads), never on
 * the event loop.
 *
 * What `GET /assessment/{id}/evidence` answers is the same text, byte for byte, as before the ledger was
 * stored this way: the record's JSON with the ledger as rows. Records stored before (the ledger as rows)
 * read as they always did.
 */
import { constants, gunzipSync, gzipSync } from 'node:zlib';
import { fromColumns, isColumns, toColumns } from '../lib/columnar.ts';
import { isRecord } from '../lib/narrow.ts';

/**
 * The evidence record → the bytes stored. Its ledger may come as rows, or already in columns (the
 * assessment workers have the engine make it so: src/engine/assess.ts assessColumnar): the same bytes.
 */
export function packEvidence(evidence: object): Buffer {
  const rows = 'ledger' in evidence ? evidence.ledger : undefined;
  const ledger = Array.isArray(rows) ? toColumns(rows) : undefined;
  const json = JSON.stringify(ledger ? { ...evidence, ledger } : evidence);
  // gzip from bytes: zlib reads a Buffer faster than it converts a string itself.
  return gzipSync(Buffer.from(json), { level: constants.Z_BEST_SPEED });
}

/** The stored bytes → the evidence record, its ledger as rows. */
export function unpackEvidence(gz: Uint8Array): unknown {
  const evidence: unknown = JSON.parse(gunzipSync(gz).toString('utf8'));
  if (isRecord(evidence) && isColumns(evidence.ledger)) evidence.ledger = fromColumns(evidence.ledger);
  return evidence;
}

/** The stored bytes → the evidence route's answer: the record's JSON, UTF-8. */
export function evidenceJson(gz: Uint8Array): Buffer {
  return Buffer.from(JSON.stringify(unpackEvidence(gz)));
}
