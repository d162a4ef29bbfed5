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

/**
 * A buffer a thread keeps for bytes that live only during one synchronous step (a body joined to be
 * decoded, a JSON text to be compressed), reused from one step to the next. A fresh buffer each time
 * cost more than the copy into it: the first touch of each page of new memory faults, and on this
 * project's VM that took 34 ms against 0.6 ms for 494 KB (medians, loaded host).
 */
export class Scratch {
  private buf = Buffer.alloc(0);
  /** @param kept the largest buffer kept; a larger request gets a buffer of its own */
  constructor(private readonly kept: number) {}

  /** A buffer of at least `bytes` bytes, valid until the next call (its contents are not cleared). */
  take(bytes: number): Buffer {
    if (bytes <= this.buf.length) return this.buf;
    if (bytes > this.kept) return Buffer.allocUnsafeSlow(bytes);
    this.buf = Buffer.allocUnsafeSlow(Math.min(this.kept, Math.max(bytes, 2 * this.buf.length)));
    return this.buf;
  }

  /** The chunks joined in the kept buffer (one chunk is viewed, not copied): valid until the next call. */
  join(chunks: readonly Uint8Array[]): Buffer {
    const only = chunks.length === 1 ? chunks[0] : undefined;
    if (only) return Buffer.from(only.buffer, only.byteOffset, only.byteLength);
    let length = 0;
    for (const c of chunks) length += c.byteLength;
    const out = this.take(length);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.byteLength;
    }
    return out.subarray(0, length);
  }

  /** `text` as UTF-8 in the kept buffer: valid until the next call. */
  utf8(text: string): Buffer {
    const out = this.take(text.length * 3); // UTF-8 takes at most 3 bytes per UTF-16 unit
    return out.subarray(0, out.write(text));
  }
}

/** A body as the chunks it arrived in, each a Buffer that owns its memory. */
export interface BodyChunks {
  chunks: Buffer[];
  /** The bytes in all the chunks. */
  length: number;
}
