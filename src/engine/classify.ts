/**
 * Stage 1: every transaction becomes a `Row` — validated, put in canonical order (so the result never
 * depends on input order), tokenised, matched against the dictionary, given its signals and category,
 * and own-account transfer pairs are found.
 */
import { present } from '../lib/narrow.ts';
import type { Category } from '../model/assessment.ts';
import type { Transaction } from '../model/transaction.ts';
import { dayNumber } from './calendar.ts';
import { CATEGORY_CLASS, KINDS, isKind, type SpendClass } from './kinds.ts';
import type { MerchantDictionary, MerchantMatch } from './merchants.ts';
import { counterpartyKey, tokenise } from './normalise.ts';
import { resolveHint, type HintMeaning } from './plaid.ts';
import { orSignals, readSignals, type Signals } from './signals.ts';
import { THRESHOLDS } from './thresholds.ts';
import { verdicts } from './verdicts.ts';
import type { CategorisationRule, ExclusionReason, Treatment } from './types.ts';

export class EngineInputError extends Error {
  constructor(
    readonly code: 'invalid_date' | 'invalid_amount' | 'mixed_currency',
    message: string,
  ) {
    super(message);
    this.name = 'EngineInputError';
  }
}

export interface Row {
  ref: string;
  tx: Transaction;
  day: number;
  /** Money out (a debit). */
  out: boolean;
  /** Absolute amount, pence. */
  abs: number;
  match: MerchantMatch | undefined;
  hint: HintMeaning | undefined;
  signals: Signals;
  /** Groups payments to/from the same counterparty: a dictionary id, or `u:` + the normalised name. */
  key: string;
  payee: string;
  rule: CategorisationRule;
  kind: string | undefined;
  category: Category;
  cls: SpendClass;
  treatment: Treatment | undefined;
  reason: ExclusionReason | undefined;
  stream: string | undefined;
}

/** Kinds of a regulated credit firm: what a payment to or from one is cannot be a mere transfer. */
const CREDIT_KINDS: ReadonlySet<string> = new Set([
  'lender',
  'credit_card',
  'bnpl',
  'catalogue_credit',
  'payday',
  'high_cost_credit',
  'debt_collector',
]);

/**
 * A provider's category hint is generic (TRANSFER_IN, INCOME, GENERAL_SERVICES…) when it names no kind.
 * Such a hint does not outweigh a named credit firm from the dictionary: a payday lender's credit tagged
 * TRANSFER_IN is still a loan paid in, and a debit to it a credit commitment. A hint that names a kind
 * of its own (LOAN_PAYMENTS_CAR_PAYMENT, BANK_FEES_OVERDRAFT_FEES) keeps deciding (docs/engine.md § Signals).
 */
function dictionaryBeatsHint(match: MerchantMatch | undefined, hint: HintMeaning): boolean {
  return (
    match !== undefined &&
    match.entry.tier === 0 &&
    CREDIT_KINDS.has(match.entry.kind) &&
    hint.kind === undefined
  );
}

/** What the engine reads from a merchant name, cached per distinct name. */
interface NameReading extends Narrative {
  tokens: string[];
  /** The tokens joined: the name's part of a narrative's key among the dictionary's verdicts (verdicts.ts). */
  norm: string;
  /** Readings of this name with each distinct description. */
  withDescription: Map<string, Narrative>;
  /** The last description read with this name and its reading (see `sameButDigits`). */
  last: { description: string; n: Narrative } | undefined;
}

/**
 * Two descriptions that differ only in their digits ("… ON 01 MAY" and "… ON 02 MAY", store and
 * terminal numbers) or in the month of a date ("… ON 30 MAY" and "… ON 02 JUN") read the same: the
 * tokeniser removes such a date whole, and no signal word or alias can tell digits apart. Checking this
 * costs far less than reading the description again, which matters because a payee's descriptions are
 * mostly distinct strings but few distinct shapes.
 */
function sameButDigits(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y || (isDigit(x) && isDigit(y))) continue;
    const end = dateMonthEnd(a, i);
    if (end < 0 || dateMonthEnd(b, i) !== end) return false;
    i = end - 1;
  }
  return true;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const MONTHS = new Set(['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']);
/** The months as numbers made of their letters' codes, so that three ASCII letters are looked up without a string. */
const code3 = (a: number, b: number, c: number) => (a << 16) | (b << 8) | c;
const MONTH_CODES = new Set([...MONTHS].map((m) => code3(m.charCodeAt(0), m.charCodeAt(1), m.charCodeAt(2))));
const upper = (c: number) => (c >= 97 ? c - 32 : c);

/** The three characters at `start` name a month, in any case. */
function isMonth(s: string, start: number): boolean {
  const a = s.charCodeAt(start),
    b = s.charCodeAt(start + 1),
    c = s.charCodeAt(start + 2);
  if (isLetter(a) && isLetter(b) && isLetter(c)) return MONTH_CODES.has(code3(upper(a), upper(b), upper(c)));
  // Letters beyond ASCII, upper-cased as the tokeniser upper-cases them (ſ is S).
  return MONTHS.has(s.slice(start, start + 3).toUpperCase());
}

/**
 * When position `i` lies in a three-letter month that follows a one- or two-digit day ("12 MAY",
 * "3JUN") and ends its word, the index after the month; otherwise -1. Such a date is removed whole by
 * the tokeniser (normalise.ts, DATE), so the month's letters never reach the matcher.
 */
function dateMonthEnd(s: string, i: number): number {
  let start = i;
  while (start > 0 && isLetter(s.charCodeAt(start - 1))) start--;
  const end = start + 3;
  if (end > s.length || (end < s.length && isLetter(s.charCodeAt(end))) || i >= end) return -1;
  if (!isMonth(s, start)) return -1;
  let d = start - 1;
  if (d >= 0 && s.charCodeAt(d) === 32) d--;
  let digits = 0;
  while (d >= 0 && isDigit(s.charCodeAt(d))) {
    d--;
    digits++;
  }
  if (digits < 1 || digits > 2 || (d >= 0 && (isLetter(s.charCodeAt(d)) || isDigit(s.charCodeAt(d)))))
    return -1;
  return end;
}

/** What the engine reads from one narrative (merchant name + description). */
interface Narrative {
  match: MerchantMatch | undefined;
  signals: Signals;
  key: string;
  payee: string;
  /** Its category without a category hint, once asked for. */
  plain: Categorised | undefined;
  /** Its category with each category hint it came with. */
  hinted: Map<string, Categorised> | undefined;
}

/** How a narrative is categorised with a given category hint (the same for every row that has both). */
interface Categorised {
  rule: CategorisationRule;
  category: Category;
  kind: string | undefined;
  cls: SpendClass;
  /** The hint as the row keeps it: set aside when a named credit firm outweighs it. */
  hint: HintMeaning | undefined;
}

function categorise(match: MerchantMatch | undefined, hint: HintMeaning | undefined): Categorised {
  let rule: CategorisationRule;
  let category: Category;
  let kind: string | undefined;
  if (hint && hint.category && !dictionaryBeatsHint(match, hint)) {
    rule = 'category_hint';
    category = hint.category;
    kind = hint.kind ?? match?.entry.kind;
  } else if (match) {
    rule = 'merchant_dictionary';
    category = match.entry.category;
    kind = match.entry.kind;
  } else {
    rule = 'unmatched';
    category = 'Other';
  }
  const kindInfo = kind && isKind(kind) ? KINDS[kind] : undefined;
  const cls: SpendClass =
    kindInfo && (kindInfo.category === category || rule === 'merchant_dictionary')
      ? kindInfo.class
      : CATEGORY_CLASS[category];
  return {
    rule,
    category,
    kind,
    cls,
    hint: hint && match && dictionaryBeatsHint(match, hint) ? undefined : hint,
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A transaction with its day number and its account's rank among the call's accounts (in `cmp` order). */
interface Keyed {
  tx: Transaction;
  day: number;
  account: number;
}

/**
 * Canonical order: the result never depends on the order transactions arrive in. By date (compared as
 * day numbers, which order as the ISO dates do and compare faster), then by account (compared by rank,
 * which orders as the ids do), then by every other field in turn.
 */
function canonicalOrder(a: Keyed, b: Keyed): number {
  return a.day - b.day || a.account - b.account || sameAccountOrder(a.tx, b.tx);
}

function sameAccountOrder(a: Transaction, b: Transaction): number {
  return (
    a.amount_minor - b.amount_minor ||
    cmp(a.merchant_name, b.merchant_name) ||
    cmp(a.description ?? '', b.description ?? '') ||
    cmp(a.category_hint ?? '', b.category_hint ?? '') ||
    cmp(a.source, b.source) ||
    cmp(a.source_ref ?? '', b.source_ref ?? '') ||
    (a.balance_minor ?? -Infinity) - (b.balance_minor ?? -Infinity) ||
    0
  );
}

/** No value of a transaction's field: what the first transaction is compared with. */
const NONE = Symbol('none');

/** Validates, orders canonically and classifies. Throws EngineInputError on data the engine cannot assess. */
export function classify(transactions: readonly Transaction[], merchants: MerchantDictionary): Row[] {
  const currencies = new Set<string>();
  const days = new Map<string, number>();
  const accounts = new Map<string, number>();
  // Statements list a day's (and an account's) transactions together: the previous one's is reused.
  let lastCurrency = '',
    lastDay = 0;
  let lastDate: unknown = NONE,
    lastAccount: unknown = NONE;
  const keyed = transactions.map((tx, i): Keyed => {
    if (!Number.isInteger(tx.amount_minor))
      throw new EngineInputError('invalid_amount', `transaction ${i}: amount_minor must be an integer`);
    if (tx.date !== lastDate) {
      let day = days.get(tx.date);
      if (day === undefined) {
        day = dayNumber(tx.date);
        if (Number.isNaN(day))
          throw new EngineInputError(
            'invalid_date',
            `transaction ${i}: date "${tx.date}" is not a real YYYY-MM-DD date`,
          );
        days.set(tx.date, day);
      }
      lastDate = tx.date;
      lastDay = day;
    }
    if (tx.currency !== lastCurrency) {
      lastCurrency = tx.currency;
      currencies.add(tx.currency.toUpperCase());
    }
    if (tx.account_id !== lastAccount) {
      lastAccount = tx.account_id;
      accounts.set(tx.account_id, 0);
    }
    return { tx, day: lastDay, account: 0 };
  });
  if (currencies.size > 1) {
    throw new EngineInputError(
      'mixed_currency',
      `transactions are in more than one currency (${[...currencies].sort().join(', ')}); assess one currency at a time`,
    );
  }
  [...accounts.keys()].sort(cmp).forEach((id, rank) => accounts.set(id, rank));
  let rank = 0;
  lastAccount = NONE;
  for (const k of keyed) {
    if (k.tx.account_id !== lastAccount) {
      lastAccount = k.tx.account_id;
      rank = present(accounts.get(k.tx.account_id), 'account rank'); // every account was ranked above
    }
    k.account = rank;
  }
  keyed.sort(canonicalOrder);

  // Names repeat far more than descriptions do, so a name is read once; a description adds its
  // signals, and its words compete with the name's for the dictionary match (merchants.ts, `also`).
  const matchOf = verdicts(merchants);
  const names = new Map<string, NameReading>();
  const readName = (raw: string): NameReading => {
    let n = names.get(raw);
    if (!n) {
      const tokens = tokenise(raw);
      const norm = tokens.join(' ');
      const match = matchOf(norm, tokens);
      const key = counterpartyKey(tokens);
      n = {
        match,
        signals: readSignals(raw),
        key: match ? match.entry.id : `u:${key}`,
        payee: match ? match.entry.name : key || raw.trim(),
        plain: undefined,
        hinted: undefined,
        tokens,
        norm,
        withDescription: new Map(),
        last: undefined,
      };
      names.set(raw, n);
    }
    return n;
  };
  const read = (tx: Transaction): Narrative => {
    const name = readName(tx.merchant_name);
    if (!tx.description) return name;
    let n = name.withDescription.get(tx.description);
    if (n) return n;
    if (name.last && sameButDigits(name.last.description, tx.description)) return name.last.n;
    if (name.match || name.tokens.length > 0) {
      // The description is read with the name as one narrative: it may name the payee more exactly
      // (a clean "Tesco" beside "TESCO PAY AT PUMP 4031") or carry the type code (CPT, C/L) that says what it was.
      // A name the dictionary does not know leaves the description to be read alone.
      const descTokens = tokenise(tx.description);
      const descNorm = descTokens.join(' ');
      const match = name.match
        ? matchOf(`${name.norm}\u0001${descNorm}`, name.tokens, descTokens)
        : matchOf(descNorm, descTokens);
      n = {
        match,
        signals: orSignals(name.signals, readSignals(tx.description)),
        key: match ? match.entry.id : name.key,
        payee: match ? match.entry.name : name.payee,
        plain: undefined,
        hinted: undefined,
      };
    } else {
      const desc = readName(tx.description);
      n = {
        match: desc.match,
        signals: orSignals(name.signals, desc.signals),
        key: desc.key,
        payee: desc.payee,
        plain: undefined,
        hinted: undefined,
      };
    }
    name.withDescription.set(tx.description, n);
    name.last = { description: tx.description, n };
    return n;
  };
  const hints = new Map<string, HintMeaning | undefined>();
  const hintOf = (h: string) => {
    if (!hints.has(h)) hints.set(h, resolveHint(h));
    return hints.get(h);
  };
  const categorised = (n: Narrative, h: string | undefined): Categorised => {
    if (!h) return (n.plain ??= categorise(n.match, undefined));
    const byHint = (n.hinted ??= new Map<string, Categorised>());
    let c = byHint.get(h);
    if (!c) byHint.set(h, (c = categorise(n.match, hintOf(h))));
    return c;
  };

  const width = String(keyed.length).length;
  return keyed.map(({ tx, day }, i): Row => {
    const n = read(tx);
    const c = categorised(n, tx.category_hint);
    // Every field is set in one literal so that all rows share one shape (monomorphic field access).
    return {
      ref: `T${String(i + 1).padStart(width, '0')}`,
      tx,
      day,
      out: tx.amount_minor > 0,
      abs: Math.abs(tx.amount_minor),
      match: n.match,
      hint: c.hint,
      signals: n.signals,
      key: n.key,
      payee: n.payee,
      rule: c.rule,
      kind: c.kind,
      category: c.category,
      cls: c.cls,
      treatment: undefined,
      reason: undefined,
      stream: undefined,
    };
  });
}

/** Marks future-dated, zero-amount and duplicate rows; returns the rows still in play (zero-amount ones are analysed). */
export function excludeInvalid(rows: Row[], today: number): Row[] {
  const seen = new Set<string>();
  const live: Row[] = [];
  for (const r of rows) {
    if (r.day > today) {
      exclude(r, 'future_dated');
      continue;
    }
    if (r.abs === 0) {
      exclude(r, 'zero_amount');
      continue;
    }
    if (r.tx.source_ref) {
      const id = `${r.tx.source}\u0000${r.tx.account_id}\u0000${r.tx.source_ref}`;
      if (seen.has(id)) {
        exclude(r, 'duplicate');
        continue;
      }
      seen.add(id);
    }
    live.push(r);
  }
  return live;
}

export function exclude(r: Row, reason: ExclusionReason): void {
  r.treatment = 'excluded';
  r.reason = reason;
}

/** A leg may be an own-account transfer when nothing names it as a payment for something else. */
function transferCandidate(r: Row): boolean {
  if (r.abs === 0) return false;
  if (r.hint && r.tx.category_hint && !r.tx.category_hint.toUpperCase().startsWith('TRANSFER')) return false;
  return !r.match || r.match.entry.kind === 'savings';
}

/**
 * Pairs a debit on one account with a credit of the same amount on another of the customer's accounts
 * within a few days. Each leg pairs once; the closest date wins, then canonical order. Returns pair count.
 */
export function pairOwnAccountTransfers(rows: readonly Row[]): number {
  const accounts = new Set(rows.map((r) => r.tx.account_id));
  if (accounts.size < 2) return 0;
  const credits = new Map<number, Row[]>();
  for (const r of rows) {
    if (r.out || r.treatment || !transferCandidate(r)) continue;
    const list = credits.get(r.abs);
    if (list) list.push(r);
    else credits.set(r.abs, [r]);
  }
  let pairs = 0;
  for (const d of rows) {
    if (!d.out || d.treatment || !transferCandidate(d)) continue;
    let best: Row | undefined;
    for (const c of credits.get(d.abs) ?? []) {
      if (c.treatment || c.tx.account_id === d.tx.account_id) continue;
      const gap = Math.abs(c.day - d.day);
      if (gap > THRESHOLDS.ownTransferWindowDays) continue;
      if (!best || gap < Math.abs(best.day - d.day)) best = c;
    }
    if (best) {
      exclude(d, 'own_account_transfer');
      exclude(best, 'own_account_transfer');
      d.stream = best.ref;
      best.stream = d.ref;
      pairs++;
    }
  }
  return pairs;
}
