/**
 * Cheap refusals that run before any expensive or recursive work on a request body:
 * - `nestingFailure`: the JSON nesting depth, counted on the bytes before parsing (nothing recursive
 *   ever sees a body nested deeper than MAX_JSON_DEPTH);
 * - `stringFailure`: every string (and object key) must be well-formed Unicode (no lone surrogate)
 *   without control characters (U+0000–U+001F, U+007F): they poison storage (PostgreSQL refuses NUL;
 *   `json` operators refuse a lone surrogate) and logs, and no field of the API needs them;
 * - `countFailure`: the number of transactions (rows) a body holds, read off the arrays' lengths before
 *   any row is validated.
 * Each walks iteratively (no recursion) and returns the first problem as a path and a message.
 */
import { at, isRecord } from '../lib/narrow.ts';
import type { FieldError } from '../lib/errors.ts';

/** Deeper than any request of the API needs (an assess body nests about 6 levels). */
export const MAX_JSON_DEPTH = 32;

const OPEN_BRACE = 0x7b,
  OPEN_BRACKET = 0x5b,
  CLOSE_BRACE = 0x7d,
  CLOSE_BRACKET = 0x5d,
  QUOTE = 0x22,
  BACKSLASH = 0x5c;

/** The first depth over `max` in JSON text (UTF-8 bytes), outside strings; undefined when within. */
export function nestingFailure(bytes: Uint8Array, max = MAX_JSON_DEPTH): string | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i++) {
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- i < bytes.length: a byte; this loop reads every byte of a body, so no call per byte
    const b = bytes[i]!;
    if (inString) {
      if (b === BACKSLASH) i++;
      else if (b === QUOTE) inString = false;
    } else if (b === QUOTE) inString = true;
    else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > max) return `The request body nests objects and arrays more than ${max} levels deep`;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth--;
  }
  return undefined;
}

// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/;

declare global {
  interface String {
    /** ES2024, in Node.js since 20: no lone surrogates (the compiler's lib is older). */
    isWellFormed(): boolean;
  }
}

/** What is wrong with a string, or undefined. */
export function badString(s: string): string | undefined {
  if (!s.isWellFormed()) return 'is not well-formed Unicode (it holds a lone surrogate)';
  const m = CONTROL.exec(s);
  if (m)
    return `holds a control character (U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}), which no field accepts`;
  return undefined;
}

const pathText = (path: ReadonlyArray<string | number>, root: string): string =>
  path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '') || root;

interface Node {
  v: unknown;
  key: string | number | undefined;
  parent: Node | undefined;
}

function pathOf(n: Node, root: string, key?: string): string {
  const path: Array<string | number> = key === undefined ? [] : [key];
  for (let at: Node | undefined = n; at && at.key !== undefined; at = at.parent) path.unshift(at.key);
  return pathText(path, root);
}

/** The first ill-formed or control-character string (value or key) in a parsed JSON value. */
export function stringFailure(value: unknown, root = '(body)'): FieldError | undefined {
  const stack: Node[] = [{ v: value, key: undefined, parent: undefined }];
  for (let n = stack.pop(); n; n = stack.pop()) {
    const v = n.v;
    if (typeof v === 'string') {
      const why = badString(v);
      if (why) return { path: pathOf(n, root), message: why };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], key: i, parent: n });
    } else if (isRecord(v)) {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = at(keys, i);
        const why = badString(k);
        if (why) return { path: pathOf(n, root, k), message: `(a key) ${why}` };
        stack.push({ v: v[k], key: k, parent: n });
      }
    }
  }
  return undefined;
}

export interface CountLimits {
  /** Transactions in one assessment. */
  transactions: number;
  /** Accounts in one source, and the rows of any single list a source may send (e.g. Plaid `added`). */
  accounts: number;
  list: number;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const lengthOf = (v: unknown): number => (Array.isArray(v) ? v.length : 0);

/**
 * Too many rows, read off the arrays' lengths of a parsed `/assess` body before any row is validated:
 * raw `transactions`; a source's `accounts` and the transactions in them (summed); a source's other
 * row lists (`transactions`, `added`, `modified`, `removed`).
 */
export function countFailure(body: unknown, limits: CountLimits): FieldError | undefined {
  if (!isObject(body)) return undefined;
  const fmt = (n: number) => n.toLocaleString('en-GB');
  const n = lengthOf(body.transactions);
  if (n > limits.transactions)
    return {
      path: 'transactions',
      message: `holds ${fmt(n)} transactions; at most ${fmt(limits.transactions)} in one assessment`,
    };
  const s = body.source;
  if (!isObject(s)) return undefined;
  if (Array.isArray(s.accounts)) {
    if (s.accounts.length > limits.accounts)
      return {
        path: 'source.accounts',
        message: `holds ${fmt(s.accounts.length)} accounts; at most ${fmt(limits.accounts)}`,
      };
    const rows = s.accounts.reduce((k: number, a) => k + (isObject(a) ? lengthOf(a.transactions) : 0), 0);
    if (rows > limits.transactions)
      return {
        path: 'source.accounts',
        message: `hold ${fmt(rows)} transactions; at most ${fmt(limits.transactions)} in one assessment`,
      };
  }
  for (const list of ['transactions', 'added', 'modified', 'removed']) {
    const k = lengthOf(s[list]);
    if (k > limits.list)
      return { path: `source.${list}`, message: `holds ${fmt(k)} rows; at most ${fmt(limits.list)}` };
  }
  return undefined;
}
