/**
 * Small typed helpers for what the compiler cannot see by itself: an element an index is known to hold,
 * and the fields of a thrown value. Each checks at run time rather than asserting a type.
 */

/**
 * `xs[i]`, or a clear error when there is no element there: for indexes the surrounding code keeps in
 * range (a row of a table built alongside, a position found by a search) where `undefined` would be a bug.
 */
export function at<T>(xs: ArrayLike<T>, i: number, what = 'element'): T {
  const x = xs[i];
  if (x === undefined) throw new RangeError(`no ${what} at index ${i} (length ${xs.length})`);
  return x;
}

/** The first element, or a clear error when there is none (a statement that always returns one row). */
export function first<T>(xs: ArrayLike<T>, what = 'row'): T {
  return at(xs, 0, what);
}

/** A value that was checked to be there; the message says what was missing. */
export function present<T>(v: T | undefined | null, what: string): T {
  if (v === undefined || v === null) throw new Error(`${what} is missing`);
  return v;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** The string `code` of a thrown value (a Node.js system error's, PostgreSQL's SQLSTATE), if it has one. */
export function errorCode(e: unknown): string | undefined {
  return isRecord(e) && typeof e.code === 'string' ? e.code : undefined;
}

/** The message of a thrown value, whatever was thrown. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (isRecord(e) && typeof e.message === 'string') return e.message;
  return String(e);
}

/**
 * `Object.entries` of a record over the keys K, with its keys as K (the compiler widens them to string,
 * as an object may hold more keys than its type names). For records written out in full in this code.
 */
export function entriesOf<K extends string, V>(o: Record<K, V>): Array<[K, V]> {
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- the keys of a Record<K, V> literal are K; Object.entries cannot say so
  return Object.entries(o) as Array<[K, V]>;
}
