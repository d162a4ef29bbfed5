/**
 * Bytes handed to another thread: moved (transferred) rather than copied when they are the whole of
 * their memory, and joined where they are used rather than where they arrived.
 */

/**
 * The ArrayBuffer behind `bytes` when it holds nothing else (so it can be moved to another thread
 * without taking anything with it), else undefined. Small Buffers share Node's pool and must be copied.
 */
export function ownBuffer(bytes: Uint8Array): ArrayBuffer | undefined {
  const b = bytes.buffer;
  return b instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === b.byteLength
    ? b
    : undefined;
}

/** Chunks as one Buffer (one chunk is viewed, not copied). */
export function joinChunks(chunks: readonly Uint8Array[]): Buffer {
  const only = chunks.length === 1 ? chunks[0] : undefined;
  if (only) return Buffer.from(only.buffer, only.byteOffset, only.byteLength);
  return Buffer.concat(chunks);
}

/** A body as the chunks it arrived in, each a Buffer that owns its memory. */
export interface BodyChunks {
  chunks: Buffer[];
  /** The bytes in all the chunks. */
  length: number;
}
