/**
 * Stage 1: every transaction becomes a `Row` — validated, put in canonical order (so the result never
 * depends on input order), tokenised, matched against the dictionary, given its signals and category,
 * and own-account transfer pairs are found.
 */
import type { Category } from '../model/assessment.ts';
import type { Transaction } from '../model/transaction.ts';
import { dayNumber } from './calendar.ts';
import { CATEGORY_CLASS, KINDS, isKind, type SpendClass } from './kinds.ts';
import type { MerchantDictionary, MerchantMatch } from './merchants.ts';
import { counterpartyKey, tokenise } from './normalise.ts';
import { resolveHint, type HintMeaning } from './plaid.ts';
import { THRESHOLDS } from './thresholds.ts';
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

export interface Signals {
  refund: boolean;
  returned: boolean;
  overdraft: boolean;
  unarranged: boolean;
  salary: boolean;
  /** The narrative starts with a bank-giro-credit code, the classic form of a salary credit. */
  giro: boolean;
  /** The payer's name carries a company suffix (LTD, PLC, …). */
  company: boolean;
}

export interface Row {
  ref: string;
  tx: Transaction;
  day: number;
  /** Money out (a debit). */
  out: boolean;
  /** Absolute amount, pence. */
  abs: number;
  match?: MerchantMatch;
  hint?: HintMeaning;
  signals: Signals;
  /** Groups payments to/from the same counterparty: a dictionary id, or `u:` + the normalised name. */
  key: string;
  payee: string;
  rule: CategorisationRule;
  kind?: string;
  category: Category;
  cls: SpendClass;
  treatment?: Treatment;
  reason?: ExclusionReason;
  stream?: string;
}

const RE_REFUND = /\b(?:REFUND|REFUNDED|RFND|CHARGEBACK)\b/;
const RE_RETURNED = /\b(?:UNPAID|RETURNED|RTN|RTND|BOUNCED|REFER TO DRAWER|REVERSAL|REVERSED)\b/;
const RE_OVERDRAFT = /\b(?:OVERDRAFT|OD INT|OD INTEREST|OD FEE|OD CHARGE)\b/;
const RE_UNARRANGED = /\b(?:UNARRANGED|UNPLANNED|UNAUTHORISED|UNAUTHORIZED)\b/;
const RE_SALARY = /\b(?:SALARY|SAL|WAGES?|PAYROLL|NET PAY)\b/;
const RE_GIRO = /^(?:BGC|BANK GIRO CREDIT)\b/;
const RE_COMPANY = /\b(?:LTD|LIMITED|PLC|LLP)\b/;

interface Parsed { tokens: string[]; text: string }

function canonicalKey(t: Transaction): string {
  // Fixed-width amount so that string order is numeric order within a day and account.
  const amount = (t.amount_minor < 0 ? '0' : '1') + String(Math.abs(t.amount_minor) + 1e15).slice(1);
  return [t.date, t.account_id, amount, t.merchant_name, t.description ?? '', t.category_hint ?? '', t.source, t.source_ref ?? '', t.balance_minor ?? ''].join('\u0000');
}

/** Validates, orders canonically and classifies. Throws EngineInputError on data the engine cannot assess. */
export function classify(transactions: readonly Transaction[], merchants: MerchantDictionary): Row[] {
  const currencies = new Set<string>();
  const keyed = transactions.map((tx, i) => {
    if (!Number.isInteger(tx.amount_minor)) throw new EngineInputError('invalid_amount', `transaction ${i}: amount_minor must be an integer`);
    const day = dayNumber(tx.date);
    if (Number.isNaN(day)) throw new EngineInputError('invalid_date', `transaction ${i}: date "${tx.date}" is not a real YYYY-MM-DD date`);
    currencies.add(tx.currency.toUpperCase());
    return { tx, day, key: canonicalKey(tx) };
  });
  if (currencies.size > 1) {
    throw new EngineInputError('mixed_currency', `transactions are in more than one currency (${[...currencies].sort().join(', ')}); assess one currency at a time`);
  }
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));

  const cache = new Map<string, Parsed>();
  const parse = (raw: string): Parsed => {
    let p = cache.get(raw);
    if (!p) {
      const tokens = tokenise(raw);
      p = { tokens, text: tokens.join(' ') };
      cache.set(raw, p);
    }
    return p;
  };

  const width = String(keyed.length).length;
  return keyed.map(({ tx, day }, i): Row => {
    const name = parse(tx.merchant_name);
    const desc = tx.description ? parse(tx.description) : undefined;
    const match = merchants.match(name.tokens) ?? (desc ? merchants.match(desc.tokens) : undefined);
    const text = desc ? `${name.text} ${desc.text}` : name.text;
    const signals: Signals = {
      refund: RE_REFUND.test(text),
      returned: RE_RETURNED.test(text),
      overdraft: RE_OVERDRAFT.test(text),
      unarranged: RE_UNARRANGED.test(text),
      salary: RE_SALARY.test(text),
      giro: RE_GIRO.test(name.text) || (desc ? RE_GIRO.test(desc.text) : false),
      company: RE_COMPANY.test(text),
    };
    const hint = resolveHint(tx.category_hint);
    const nameKey = counterpartyKey(name.tokens.length ? name.tokens : (desc?.tokens ?? []));
    const key = match ? match.entry.id : `u:${nameKey}`;
    const payee = match ? match.entry.name : nameKey || tx.merchant_name.trim();

    let rule: CategorisationRule;
    let category: Category;
    let kind: string | undefined;
    if (hint && hint.category) {
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
    const cls: SpendClass = kindInfo && (kindInfo.category === category || rule === 'merchant_dictionary') ? kindInfo.class : CATEGORY_CLASS[category];

    const row: Row = {
      ref: `T${String(i + 1).padStart(width, '0')}`,
      tx,
      day,
      out: tx.amount_minor > 0,
      abs: Math.abs(tx.amount_minor),
      signals,
      key,
      payee,
      rule,
      category,
      cls,
    };
    if (match) row.match = match;
    if (hint) row.hint = hint;
    if (kind) row.kind = kind;
    return row;
  });
}

/** Marks future-dated, zero-amount and duplicate rows; returns the rows still in play (zero-amount ones are analysed). */
export function excludeInvalid(rows: Row[], today: number): Row[] {
  const seen = new Set<string>();
  const live: Row[] = [];
  for (const r of rows) {
    if (r.day > today) { exclude(r, 'future_dated'); continue; }
    if (r.abs === 0) { exclude(r, 'zero_amount'); continue; }
    if (r.tx.source_ref) {
      const id = `${r.tx.source}\u0000${r.tx.account_id}\u0000${r.tx.source_ref}`;
      if (seen.has(id)) { exclude(r, 'duplicate'); continue; }
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
  for (const r of rows) if (!r.out && !r.treatment && transferCandidate(r)) credits.set(r.abs, [...(credits.get(r.abs) ?? []), r]);
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
