/**
 * Finding and reading a statement's transaction table from positioned lines: the header row and its
 * column spans, then each line's words put in the column they sit under, then lines grouped into rows
 * (multi-line descriptions; amounts on a transaction's first or last line; a date printed once a day;
 * brought and carried forward rows; printed totals).
 */
import { at, entriesOf } from '../../src/lib/narrow.ts';
import { COMMON_BALANCE_ROWS, COMMON_HEADERS, TABLE_SKIPS, TABLE_STOPS } from './banks/common.ts';
import type { BankProfile, ColumnKind } from './banks/profile.ts';
import {
  isMoneyMark,
  leadingDate,
  norm,
  parseMoney,
  type Line,
  type Money,
  type PrintedDate,
  type Word,
} from './text.ts';

export interface Label {
  kind: ColumnKind;
  x0: number;
  x1: number;
  text: string;
}

export interface Header {
  page: number;
  /** The header's lowest baseline: the table starts below it. */
  y: number;
  labels: Label[];
  lines: Line[];
}

const MONEY_KINDS: readonly ColumnKind[] = ['out', 'in', 'amount', 'balance'];
const isMoneyKind = (k: ColumnKind) => MONEY_KINDS.includes(k);

export interface Vocabulary {
  phrases: { kind: ColumnKind; words: string[] }[];
}

export function vocabulary(profile: BankProfile): Vocabulary {
  const phrases: Vocabulary['phrases'] = [];
  for (const [kind, list] of entriesOf(COMMON_HEADERS)) {
    for (const p of [...list, ...(profile.headers?.[kind] ?? [])])
      phrases.push({ kind, words: p.split(' ') });
  }
  phrases.sort((a, b) => b.words.length - a.words.length);
  return { phrases };
}

/** Matches a header's words against the vocabulary, longest phrase first. */
function matchLabels(words: Word[], vocab: Vocabulary): { labels: Label[]; unmatched: number } {
  const toks = words
    .flatMap((w) =>
      norm(w.s)
        .split(' ')
        .map((n) => ({ w, n })),
    )
    .filter((t) => t.n !== '' && t.n !== '-' && t.n !== '/');
  const labels: Label[] = [];
  let unmatched = 0;
  for (let i = 0; i < toks.length;) {
    let hit: { kind: ColumnKind; k: number } | null = null;
    for (const p of vocab.phrases) {
      const k = p.words.length;
      if (i + k > toks.length) continue;
      // A token may hold two header words ("In(£)" is "in"; "Paid" "In" are two tokens).
      const got = toks
        .slice(i, i + k)
        .map((t) => t.n)
        .join(' ');
      if (got === p.words.join(' ')) {
        hit = { kind: p.kind, k };
        break;
      }
    }
    if (hit) {
      const ws = [...new Set(toks.slice(i, i + hit.k).map((t) => t.w))];
      labels.push({
        kind: hit.kind,
        x0: Math.min(...ws.map((w) => w.x0)),
        x1: Math.max(...ws.map((w) => w.x1)),
        text: ws.map((w) => w.s).join(' '),
      });
      i += hit.k;
    } else {
      unmatched++;
      i++;
    }
  }
  return { labels, unmatched };
}

function asHeader(labels: Label[], unmatched: number): Label[] | null {
  if (labels.length < 3 || unmatched > 2) return null;
  const kinds = labels.map((l) => l.kind);
  if (!kinds.includes('date')) return null;
  if (!kinds.includes('balance') && !kinds.includes('amount')) return null;
  if (!kinds.some((k) => k === 'out' || k === 'in' || k === 'amount')) return null;
  // Two description columns: the first is the transaction type ("Type", "Transaction" then "Details").
  const descs = labels.filter((l) => l.kind === 'description');
  if (descs.length > 1 && !kinds.includes('type')) at(descs, 0).kind = 'type';
  const seen = new Set<ColumnKind>();
  for (const l of labels) {
    if (seen.has(l.kind)) return null;
    seen.add(l.kind);
  }
  return [...labels].sort((a, b) => a.x0 - b.x0);
}

/** Two header lines stacked ("Money" over "out"): words one above the other are one label. */
function stack(a: Line, b: Line): Word[] {
  const out = a.words.map((w) => ({ ...w }));
  for (const w of b.words) {
    const c = (w.x0 + w.x1) / 2;
    const above = out.find(
      (u) =>
        (c >= u.x0 - 2 && c <= u.x1 + 2) || ((u.x0 + u.x1) / 2 >= w.x0 - 2 && (u.x0 + u.x1) / 2 <= w.x1 + 2),
    );
    if (above) {
      above.s = `${above.s} ${w.s}`;
      above.x0 = Math.min(above.x0, w.x0);
      above.x1 = Math.max(above.x1, w.x1);
    } else out.push({ ...w });
  }
  return out.sort((x, y) => x.x0 - y.x0);
}

const hasMoney = (l: Line) => l.words.some((w) => parseMoney(w.s) !== null);

/** Every table header on a page's lines. */
export function findHeaders(lines: Line[], vocab: Vocabulary): Header[] {
  const out: Header[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = at(lines, i);
    if (l.words.length > 14 || hasMoney(l)) continue;
    const one = matchLabels(l.words, vocab);
    const h = asHeader(one.labels, one.unmatched);
    if (h) {
      out.push({ page: l.page, y: l.y, labels: h, lines: [l] });
      continue;
    }
    const next = lines[i + 1];
    if (
      one.labels.length >= 1 &&
      next &&
      next.page === l.page &&
      next.y - l.y < 1.8 * l.size &&
      !hasMoney(next) &&
      next.words.length <= 14
    ) {
      const two = matchLabels(stack(l, next), vocab);
      const h2 = asHeader(two.labels, two.unmatched);
      if (h2) {
        out.push({ page: l.page, y: next.y, labels: h2, lines: [l, next] });
        i++;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Cells

export type Cells = Record<ColumnKind, Word[]>;

interface Region {
  label: Label;
  left: number;
  right: number;
}

export interface Columns {
  labels: Label[];
  money: Region[];
  text: Label[];
}

export function columns(labels: Label[]): Columns {
  const sorted = [...labels].sort((a, b) => a.x0 - b.x0);
  const money: Region[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const l = at(sorted, i);
    if (!isMoneyKind(l.kind)) continue;
    const prev = sorted[i - 1];
    const next = sorted[i + 1];
    let left: number;
    if (!prev) left = l.x0 - 60;
    else if (isMoneyKind(prev.kind)) left = (prev.x1 + l.x0) / 2;
    else left = l.x0 - Math.min(45, 0.6 * Math.max(0, l.x0 - prev.x1));
    const right = next ? (l.x1 + next.x0) / 2 : l.x1 + 80;
    money.push({ label: l, left, right });
  }
  return { labels: sorted, money, text: sorted.filter((l) => !isMoneyKind(l.kind)) };
}

const emptyCells = (): Cells => ({
  date: [],
  type: [],
  description: [],
  out: [],
  in: [],
  amount: [],
  balance: [],
});

/** Puts each word of a line under its column. */
export function cellsOf(line: Line, cols: Columns): Cells {
  const cells = emptyCells();
  const ws = line.words;
  const where = new Map<Word, ColumnKind>();
  for (const w of ws) {
    if (parseMoney(w.s) === null) continue;
    const c = (w.x0 + w.x1) / 2;
    const r = cols.money.find((m) => c >= m.left && c <= m.right);
    if (r) where.set(w, r.label.kind);
  }
  // CR / DR / OD / £ / a lone minus beside an amount belong to it.
  for (let i = 0; i < ws.length; i++) {
    const w = at(ws, i);
    if (where.has(w) || !isMoneyMark(w.s)) continue;
    const prev = ws[i - 1];
    const next = ws[i + 1];
    const atPrev = prev && where.get(prev);
    const atNext = next && where.get(next);
    if (prev && atPrev !== undefined && w.x0 - prev.x1 < 1.2 * w.size && !/^[£(]$/.test(w.s))
      where.set(w, atPrev);
    else if (next && atNext !== undefined && next.x0 - w.x1 < 1.2 * w.size && /^[£\-(]$/.test(w.s))
      where.set(w, atNext);
  }
  for (const w of ws) {
    const k = where.get(w);
    if (k) {
      cells[k].push(w);
      continue;
    }
    const tol = 0.6 * w.size;
    let col: Label | undefined;
    for (const t of cols.text) if (t.x0 - tol <= w.x0) col = t;
    col ??= cols.text[0];
    cells[col ? col.kind : 'description'].push(w);
  }
  return cells;
}

const joined = (ws: Word[]) =>
  ws
    .map((w) => w.s)
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();

export function cellMoney(ws: Word[]): Money | null {
  if (!ws.length) return null;
  return parseMoney(ws.map((w) => w.s).join(' ')) ?? parseMoney(ws.map((w) => w.s).join(''));
}

// ---------------------------------------------------------------------------------------------------
// Rows

export interface RawRow {
  page: number;
  y: number;
  /** The date printed on the row (or on the first line of its narrative), when printed. */
  date: PrintedDate | null;
  type: string;
  lines: string[];
  out: Money | null;
  in: Money | null;
  amount: Money | null;
  balance: Money | null;
  /** The font of each amount cell, for the tamper check. */
  fonts: Partial<Record<'out' | 'in' | 'amount' | 'balance', string>>;
}

export interface Checkpoint {
  kind: 'opening' | 'closing';
  page: number;
  balance: Money;
  /** How many transaction rows came before it. */
  after: number;
}

export interface PrintedTotal {
  kind: 'in' | 'out';
  page: number;
  minor: number;
}

export interface TableRead {
  rows: RawRow[];
  checkpoints: Checkpoint[];
  totals: PrintedTotal[];
  /** Lines the tables used (the rest may hold the summary). */
  used: Set<Line>;
  amountLine: 'first' | 'last';
  headers: Header[];
}

type Kind =
  | { row: 'balance'; which: 'opening' | 'closing' }
  | { row: 'total' }
  | { row: 'skip' }
  | { row: 'stop' }
  | { row: 'line' };

function classify(text: string, cells: Cells, profile: BankProfile): Kind {
  if (TABLE_STOPS.some((r) => r.test(text))) return { row: 'stop' };
  if (TABLE_SKIPS.some((r) => r.test(text))) return { row: 'skip' };
  const desc = norm(joined([...cells.type, ...cells.description]));
  const moved = cells.out.length || cells.in.length || cells.amount.length;
  if (!moved) {
    const openings = [...COMMON_BALANCE_ROWS.opening, ...(profile.balanceRows?.opening ?? [])];
    const closings = [...COMMON_BALANCE_ROWS.closing, ...(profile.balanceRows?.closing ?? [])];
    if (openings.some((r) => r.test(desc))) return { row: 'balance', which: 'opening' };
    if (closings.some((r) => r.test(desc))) return { row: 'balance', which: 'closing' };
  }
  if (moved && /^totals?\b/.test(desc)) return { row: 'total' };
  return { row: 'line' };
}

interface TableLine {
  line: Line;
  cells: Cells;
  date: PrintedDate | null;
  kind: Kind;
  moved: boolean;
}

/** The lines of each table: from below its header to a stop, a big gap, the page's end or the next header. */
function tableLines(
  pages: Line[][],
  headers: Header[],
  profile: BankProfile,
): { header: Header; cols: Columns; lines: TableLine[] }[] {
  const out: { header: Header; cols: Columns; lines: TableLine[] }[] = [];
  let lastCols: Columns | null = null;
  for (const lines of pages) {
    if (!lines.length) continue;
    const page = at(lines, 0).page;
    const hs = headers.filter((h) => h.page === page);
    const starts: { header: Header; cols: Columns; from: number }[] = [];
    for (const h of hs) {
      const from = lines.findIndex((l) => l.y > h.y + 0.5);
      starts.push({ header: h, cols: columns(h.labels), from: from < 0 ? lines.length : from });
    }
    // A page with no header of its own continues the previous page's table (same columns), from the
    // first line that has a date and an amount where the columns are.
    if (!hs.length && lastCols) {
      const cols: Columns = lastCols;
      const from = lines.findIndex((l) => {
        const c = cellsOf(l, cols);
        return (
          (c.out.length || c.in.length || c.amount.length || c.balance.length) &&
          leadingDate(c.date.map((w) => w.s)) !== null
        );
      });
      if (from >= 0)
        starts.push({
          header: { page, y: at(lines, from).y - 1, labels: cols.labels, lines: [] },
          cols,
          from,
        });
    }
    for (let s = 0; s < starts.length; s++) {
      const { header, cols, from } = at(starts, s);
      const until =
        s + 1 < starts.length
          ? lines.indexOf(at(starts, s + 1).header.lines[0] ?? at(lines, lines.length - 1))
          : lines.length;
      const tl: TableLine[] = [];
      let prevY = header.y;
      let gapUnit = 0;
      for (let i = from; i < (until < 0 ? lines.length : until); i++) {
        const line = at(lines, i);
        const cells = cellsOf(line, cols);
        const kind = classify(line.text, cells, profile);
        if (kind.row === 'stop') break;
        if (kind.row === 'skip') continue;
        const moved = !!(cells.out.length || cells.in.length || cells.amount.length);
        const dated = leadingDate(cells.date.map((w) => w.s));
        const gap = line.y - prevY;
        // The rows' spacing, learnt from the table itself: a gap of several rows with nothing in the
        // amount columns is where the table ends (a footer, a note, the small print).
        const unit = gapUnit || 1.6 * line.size;
        if (gap > 3.2 * unit && !moved && !cells.balance.length && !dated) break;
        if (gap > 6 * unit && tl.length) break;
        if (gap > 0 && (moved || dated))
          gapUnit = gapUnit ? Math.min(gapUnit, Math.max(gap, line.size)) : Math.max(gap, line.size);
        prevY = line.y;
        tl.push({ line, cells, date: dated?.date ?? null, kind, moved });
      }
      out.push({ header, cols, lines: tl });
      lastCols = cols;
    }
  }
  return out;
}

/** Reads the transaction rows of every table in the document. */
export function readTables(pages: Line[][], profile: BankProfile, vocab: Vocabulary): TableRead {
  const headers = pages.flatMap((ls) => findHeaders(ls, vocab));
  const tables = tableLines(pages, headers, profile);
  const used = new Set<Line>();
  for (const h of headers) for (const l of h.lines) used.add(l);
  // Where a multi-line transaction's amounts are: the profile's word, else `last` when some dated
  // line carries no amount (its narrative comes first), else `first`.
  let amountLine = profile.amountLine;
  if (!amountLine) {
    const datedWithout = tables.some((t) =>
      t.lines.some((l) => l.date && !l.moved && l.kind.row === 'line' && !l.cells.balance.length),
    );
    amountLine = datedWithout ? 'last' : 'first';
  }
  const rows: RawRow[] = [];
  const checkpoints: Checkpoint[] = [];
  const totals: PrintedTotal[] = [];
  for (const t of tables) {
    let current: RawRow | null = null;
    let pending: {
      date: PrintedDate | null;
      type: string[];
      lines: string[];
      page: number;
      y: number;
    } | null = null;
    for (const tl of t.lines) {
      used.add(tl.line);
      const { cells } = tl;
      const desc = joined(cells.description);
      const type = joined(cells.type);
      if (tl.kind.row === 'balance') {
        const b = cellMoney(cells.balance) ?? cellMoney(cells.amount);
        if (b) checkpoints.push({ kind: tl.kind.which, page: tl.line.page, balance: b, after: rows.length });
        current = null;
        pending = null;
        continue;
      }
      if (tl.kind.row === 'total') {
        const o = cellMoney(cells.out);
        const i = cellMoney(cells.in);
        if (o) totals.push({ kind: 'out', page: tl.line.page, minor: o.minor });
        if (i) totals.push({ kind: 'in', page: tl.line.page, minor: i.minor });
        current = null;
        continue;
      }
      // The date column may hold only the date; anything after it is narrative.
      const dateWords = cells.date.map((w) => w.s);
      const lead = leadingDate(dateWords);
      const rest = lead ? dateWords.slice(lead.used).join(' ') : dateWords.join(' ');
      const text = [rest, desc].filter(Boolean).join(' ');
      if (tl.moved) {
        const row: RawRow = {
          page: tl.line.page,
          y: tl.line.y,
          date: tl.date ?? pending?.date ?? null,
          type: [...(pending?.type ?? []), type].filter(Boolean).join(' '),
          lines: [...(amountLine === 'last' || pending ? (pending?.lines ?? []) : []), text].filter(Boolean),
          out: cellMoney(cells.out),
          in: cellMoney(cells.in),
          amount: cellMoney(cells.amount),
          balance: cellMoney(cells.balance),
          fonts: {},
        };
        for (const k of ['out', 'in', 'amount', 'balance'] as const)
          if (cells[k].length)
            row.fonts[k] = cells[k].find((w) => parseMoney(w.s))?.font ?? at(cells[k], 0).font;
        rows.push(row);
        current = row;
        pending = null;
        continue;
      }
      // No amount on this line.
      const bal = cellMoney(cells.balance);
      if (amountLine === 'last') {
        if (bal && !text && current && !current.balance) {
          current.balance = bal;
          current.fonts.balance = at(cells.balance, 0).font;
          continue;
        }
        if (!pending || tl.date) {
          const carried: PrintedDate | null = pending ? pending.date : null;
          pending = { date: tl.date ?? carried, type: [], lines: [], page: tl.line.page, y: tl.line.y };
        }
        if (type) pending.type.push(type);
        if (text) pending.lines.push(text);
        continue;
      }
      // amountLine === 'first': a dated line without an amount opens a transaction whose amounts follow.
      if (tl.date) {
        pending = {
          date: tl.date,
          type: type ? [type] : [],
          lines: text ? [text] : [],
          page: tl.line.page,
          y: tl.line.y,
        };
        current = null;
        continue;
      }
      if (pending) {
        if (type) pending.type.push(type);
        if (text) pending.lines.push(text);
        continue;
      }
      if (current) {
        if (text) current.lines.push(text);
        if (type) current.type = [current.type, type].filter(Boolean).join(' ');
        if (bal && !current.balance) {
          current.balance = bal;
          current.fonts.balance = at(cells.balance, 0).font;
        }
      }
    }
  }
  return { rows, checkpoints, totals, used, amountLine, headers };
}
