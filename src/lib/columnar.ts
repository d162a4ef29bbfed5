/**
 * A columnar form for an array of flat records (the evidence ledger: a row per transaction, each
 * repeating the same keys and a few dozen distinct values), that gives the same JSON back byte for byte.
 *
 * Each key becomes one column of the values of the rows that have it, in row order: a column of few
 * distinct values is a dictionary and an index per row; a column of `T0001, T0002, …` is a sequence (a
 * prefix, a width and a start); any other is the values as they are. Each row keeps its shape — which
 * keys it has, in its own order — as an index into a list of shapes, so objects come back with their keys
 * in the order they had. The ledger of a 10,000-transaction assessment is 2.8 MB of JSON as rows and
 * about a tenth of that in this form, which is what JSON, compression and the database then handle.
 *
 * `toColumns(rows)` gives undefined — the rows are then kept as they are — for anything it cannot bring
 * back exactly: a row that is not a plain object, a value that is not a string, a number, a boolean or
 * null (undefined is left out, as JSON.stringify leaves it out), or a key `__proto__`. The round trip
 * holds for JSON's view of the rows: `JSON.stringify(fromColumns(toColumns(rows))) ===
 * JSON.stringify(rows)` (a property test holds it to that).
 *
 * A RecordLayout makes the same columns without making the rows, for records whose fields it describes
 * (a property test holds its columns to toColumns's).
 */
import { at as elementAt, isRecord } from './narrow.ts';

export const COLUMNAR_FORMAT = 'columnar/1';

export type Scalar = string | number | boolean | null;

/** One column: the values of the rows that have its key, in row order, in one of three forms. */
export type Column =
  /** The values themselves. */
  | { v: Scalar[] }
  /** Distinct values and, per row, the index of its value. */
  | { d: Scalar[]; i: number[] }
  /** `prefix + String(start + k).padStart(width, '0')` for the k-th row that has the key. */
  | { s: { prefix: string; width: number; start: number } };

export interface Columns {
  format: typeof COLUMNAR_FORMAT;
  /** Number of rows. */
  rows: number;
  /** Column names. */
  names: string[];
  columns: Column[];
  /** Each distinct shape: its columns, in the key order of its rows. */
  shapes: number[][];
  /** Per row, its shape. */
  shape: number[];
}

export function isColumns(v: unknown): v is Columns {
  return isRecord(v) && !Array.isArray(v) && v.format === COLUMNAR_FORMAT;
}

const isScalar = (v: unknown): v is Scalar =>
  v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** `prefix` + zero-padded counter from `start`, when every value of the column is exactly that. */
function sequenceOf(values: readonly Scalar[]): { prefix: string; width: number; start: number } | undefined {
  const first = values[0];
  if (typeof first !== 'string') return undefined;
  const m = /^(.*?)(\d+)$/.exec(first);
  if (!m) return undefined;
  const prefix = elementAt(m, 1, 'group');
  const width = elementAt(m, 2, 'group').length;
  const start = Number(m[2]);
  if (!Number.isSafeInteger(start + values.length)) return undefined;
  for (let k = 0; k < values.length; k++) {
    if (values[k] !== prefix + String(start + k).padStart(width, '0')) return undefined;
  }
  return { prefix, width, start };
}

function encodeColumn(values: Scalar[]): Column {
  const seq = sequenceOf(values);
  if (seq) return { s: seq };
  const index = new Map<Scalar, number>();
  const d: Scalar[] = [];
  const i: number[] = new Array<number>(values.length);
  let k = 0;
  // Rows come in runs (a day's, an account's): a value equal to the last one needs no lookup. (=== and the
  // Map agree on every value but NaN, which is looked up.)
  let last: Scalar | undefined;
  let lastAt = 0;
  for (const v of values) {
    if (v === last) {
      i[k++] = lastAt;
      continue;
    }
    let at = index.get(v);
    if (at === undefined) {
      // -0 and 0 share an entry: JSON writes both as 0.
      at = d.length;
      index.set(v, at);
      d.push(v);
      // Mostly distinct values: the index would only add to them.
      if (d.length > 64 && d.length * 2 > values.length) return { v: values };
    }
    last = v;
    lastAt = at;
    i[k++] = at;
  }
  return { d, i };
}

/** A step in the trie of key sequences: the column of its key, the shape that ends here, what follows. */
interface ShapeNode {
  col: number;
  shape: number;
  next: Map<string, ShapeNode>;
  /** The columns from the root to here: the key order of the rows that end here. */
  path: number[];
}

/** The rows in columnar form, or undefined when they cannot be brought back exactly (see above). */
export function toColumns(rows: readonly unknown[]): Columns | undefined {
  const names: string[] = [];
  const columnOf = new Map<string, number>();
  const values: Scalar[][] = [];
  const shapes: number[][] = [];
  // Rows of one shape walk one path of this trie, so a row costs a map lookup per key.
  const root: ShapeNode = { col: -1, shape: -1, next: new Map(), path: [] };
  const shape: number[] = new Array<number>(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    if (!isPlainObject(row)) return undefined;
    let node = root;
    for (const key in row) {
      if (!Object.prototype.hasOwnProperty.call(row, key)) continue;
      const v = row[key];
      if (v === undefined) continue;
      if (!isScalar(v)) return undefined;
      let step = node.next.get(key);
      if (!step) {
        if (key === '__proto__') return undefined;
        let col = columnOf.get(key);
        if (col === undefined) {
          col = names.length;
          columnOf.set(key, col);
          names.push(key);
          values.push([]);
        }
        step = { col, shape: -1, next: new Map(), path: [...node.path, col] };
        node.next.set(key, step);
      }
      elementAt(values, step.col, 'column').push(v);
      node = step;
    }
    if (node.shape < 0) {
      node.shape = shapes.length;
      shapes.push(node.path);
    }
    shape[r] = node.shape;
  }
  return {
    format: COLUMNAR_FORMAT,
    rows: rows.length,
    names,
    columns: values.map(encodeColumn),
    shapes,
    shape,
  };
}

/** A column's values one after another. */
function reader(c: Column): () => Scalar {
  let k = 0;
  if ('v' in c) return () => elementAt(c.v, k++, 'value');
  if ('d' in c) return () => elementAt(c.d, elementAt(c.i, k++, 'index'), 'value');
  const { prefix, width, start } = c.s;
  return () => prefix + String(start + k++).padStart(width, '0');
}

/** The rows back from their columnar form (`c` as toColumns made it, possibly through JSON). */
export function fromColumns(c: Columns): Array<Record<string, Scalar>> {
  const next = c.columns.map(reader);
  const rows = new Array<Record<string, Scalar>>(c.rows);
  for (let r = 0; r < c.rows; r++) {
    const row: Record<string, Scalar> = {};
    for (const col of elementAt(c.shapes, elementAt(c.shape, r, 'shape'), 'shape'))
      row[elementAt(c.names, col, 'name')] = elementAt(next, col, 'column')();
    rows[r] = row;
  }
  return rows;
}

/**
 * How to read each field of a record R from an item T, written in the order of R's keys (undefined: the
 * record has no such key). Every key of R must be there: a field added to R and not described here does
 * not compile.
 */
export type Fields<T, R> = { readonly [K in keyof R]-?: (item: T) => R[K] };

/**
 * The function that builds a record from an item, written out field by field: each key a property of its
 * own (`o["ref"] = v`), so that V8 sees one fixed sequence of stores and builds the objects as fast as a
 * literal. A loop storing `o[key]` for every key was 6-8 times slower (0.46 -> 3.9 ms for the ledger of
 * 10,000 transactions); the engine builds a ledger row per transaction this way. The code is made from
 * the fields' keys only, each written as a JSON string; the functions that read values are passed in.
 */
function compileRecord<T, R>(
  entries: ReadonlyArray<[string, (item: T) => Scalar | undefined]>,
): (item: T) => R {
  const body = entries
    .map(([key], f) => `v = read[${f}](item); if (v !== undefined) o[${JSON.stringify(key)}] = v;`)
    .join('\n');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- made from the keys of a layout written in this code (each JSON-quoted), not from data; see above for why
  const make = new Function(
    'read',
    `return function record(item) { const o = {}; let v; ${body} return o; };`,
  );
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions, @typescript-eslint/no-unsafe-call -- the function above takes the readers and returns (item) => a record whose keys were each read by their own field's function, typed R[K]
  return make(entries.map(([, read]) => read)) as (item: T) => R;
}

/**
 * The function that reads every field of every item into columns (RecordLayout.columns), written out field
 * by field as compileRecord's is, for the same reason: one call site per field. Made from the number of
 * fields only; the functions that read values are passed in.
 */
function compileReadAll<T>(
  entries: ReadonlyArray<[string, (item: T) => Scalar | undefined]>,
): (items: readonly T[], values: Scalar[][], masks: Int32Array) => void {
  const fields = entries.map((_, f) => f);
  const body = [
    ...fields.map((f) => `const c${f} = values[${f}];`),
    'let r = 0;',
    'for (const item of items) {',
    'let m = 0, v;',
    ...fields.map((f) => `v = read[${f}](item); if (v !== undefined) { c${f}.push(v); m |= ${1 << f}; }`),
    'masks[r++] = m;',
    '}',
  ].join('\n');
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- made from the number of fields only, not from data; see above for why
  const make = new Function('read', `return function readAll(items, values, masks) { ${body} };`);
  // eslint-disable-next-line @typescript-eslint/consistent-type-assertions, @typescript-eslint/no-unsafe-call -- the function above takes the readers and returns the reader of all fields, as typed
  return make(entries.map(([, read]) => read)) as (
    items: readonly T[],
    values: Scalar[][],
    masks: Int32Array,
  ) => void;
}

/**
 * Records of one layout: `record(item)` builds an item's record (its keys in the order of `fields`, those
 * read as undefined left out), and `columns(items)` gives the columnar form of `items.map(record)` without
 * building the records — the same columns, names and shapes, in the same order, as toColumns.
 */
export class RecordLayout<T, R extends { [K in keyof R]: Scalar | undefined }> {
  private readonly fields: ReadonlyArray<{ key: string; read: (item: T) => Scalar | undefined; bit: number }>;

  constructor(fields: Fields<T, R>) {
    const entries: Array<[string, (item: T) => Scalar | undefined]> = Object.entries(fields);
    if (entries.length > 30) throw new RangeError('at most 30 fields');
    for (const [key] of entries)
      // JSON lists integer-like keys first, whatever their order; __proto__ is not an own key.
      if (key === '__proto__' || /^(0|[1-9]\d*)$/.test(key))
        throw new RangeError(`field ${JSON.stringify(key)} would not keep its place in a record`);
    this.fields = entries.map(([key, read], f) => ({ key, read, bit: 1 << f }));
    this.record = compileRecord<T, R>(entries);
    this.readAll = compileReadAll<T>(entries);
  }

  /** Reads every field of every item: its value onto the field's list, its bit into the item's mask. */
  private readonly readAll: (items: readonly T[], values: Scalar[][], masks: Int32Array) => void;

  /** An item's record: its keys in the order of the fields, those read as undefined left out. */
  readonly record: (item: T) => R;

  columns(items: readonly T[]): Columns {
    // Each field's values, and per record the bits of the keys it has.
    const values = this.fields.map(() => new Array<Scalar>());
    const masks = new Int32Array(items.length);
    this.readAll(items, values, masks);
    // A record's shape is the set of its keys; shapes and columns are numbered as toColumns numbers them,
    // in the order first met (a record's new keys in the fields' order).
    const cols = this.fields.map(({ key, bit }, f) => ({
      key,
      bit,
      values: elementAt(values, f, 'column'),
      column: -1,
    }));
    const names: string[] = [];
    const met: typeof cols = [];
    const shapeOfMask = new Map<number, number>();
    const shapes: number[][] = [];
    const shape = new Array<number>(items.length);
    let seen = 0;
    let r = 0;
    for (const mask of masks) {
      let s = shapeOfMask.get(mask);
      if (s === undefined) {
        if (mask & ~seen)
          for (const c of cols)
            if (mask & ~seen & c.bit) {
              c.column = names.length;
              names.push(c.key);
              met.push(c);
            }
        seen |= mask;
        s = shapes.length;
        shapeOfMask.set(mask, s);
        shapes.push(cols.filter((c) => mask & c.bit).map((c) => c.column));
      }
      shape[r++] = s;
    }
    const columns = met.map((c) => encodeColumn(c.values));
    return { format: COLUMNAR_FORMAT, rows: items.length, names, columns, shapes, shape };
  }
}
