/**
 * Merchant intelligence: the dictionary's layers (data/curated/*.json by hand, data/brands.json generated
 * from name-suggestion-index, data/generic.json trade words; data/README.md) and a matcher over each.
 *
 * The matcher reads a narrative's tokens once and finds every alias in them as a whole-word token
 * sequence (an index by first token keeps that to a few comparisons per token). Of the aliases found:
 *  - one that lies wholly inside the bank's type prefix (`BP` of HSBC's bill payment, `SO`, `DD`) is not a
 *    payee, unless it is anchored to the start (`^CPT`), and neither is one that starts in the trailing
 *    town, country code or store number (GREGGS HALIFAX is Greggs, not the Halifax);
 *  - one vetoed by a neighbouring `unless` word (COSTA DEL SOL), one flagged `person` that does not
 *    stand alone (FPI ZARA JONES), and, in a payment to a person, a one-word name after an initial or a
 *    given name (M COSTA, HARRY SAINSBURY) or a brand in the payer's note after REF are dropped;
 *  - a named entry beats a `defer` generic word (RENT, INSURANCE) and both beat a payment `processor`
 *    (PAYPAL *DEPOP is Depop, plain PAYPAL is PayPal); among equals the longest alias wins (most tokens,
 *    then most characters, then the earliest): TESCO MOBILE beats TESCO, STATE PENSION beats PENSION;
 *  - a generic word with `over` kinds re-reads the chosen entry when it is of one of those kinds and the
 *    word is not part of its alias: TESCO PAY AT PUMP is fuel, TESCO BANK CAR INS insurance, HSBC MORTGAGE
 *    a mortgage, CASH … CO-OP a cash withdrawal.
 * Layers (`layered`) apply the same order across dictionaries: a curated named entry, then a brand,
 * then the longest generic word of any layer (curated or the trade-word layer), then a processor.
 * `match(name, description)` reads both as one narrative (docs/engine.md § Merchant intelligence).
 */
import { at as elementAt } from '../lib/narrow.ts';
import { isCategory, type Category } from '../model/assessment.ts';
import brands from './data/brands.json' with { type: 'json' };
import everyday from './data/curated/everyday.json' with { type: 'json' };
import finance from './data/curated/finance.json' with { type: 'json' };
import household from './data/curated/household.json' with { type: 'json' };
import generic from './data/generic.json' with { type: 'json' };
import { KINDS, isCreditMeaning, isKind, type CreditMeaning, type Kind } from './kinds.ts';
import { GIVEN_NAMES, aliasTokens, isPlaceOrFormToken, payeeStart, type PayeeStart } from './normalise.ts';

export interface MerchantEntry {
  id: string;
  name: string;
  kind: Kind;
  category: Category;
  credit: CreditMeaning;
  benefit?: string;
  aliases: string[];
  /** How strongly the entry names a payee: 0 a named firm, 1 a generic word, 2 a payment processor. */
  tier: Tier;
  /** Kinds of named entry this generic word re-reads when both are in one narrative (`*` = any kind). */
  over?: ReadonlySet<string>;
  /** Only re-reads (`over`); never the match on its own. */
  onlyOver?: boolean;
}

export interface MerchantMatch {
  entry: MerchantEntry;
  alias: string;
}

/** One entry of a data file (data/README.md states the format). */
export interface RawEntry {
  name: string;
  kind: string;
  aliases?: string[];
  category?: string;
  credit?: string;
  benefit?: string;
  /** Words or phrases that veto this entry's aliases when they stand right before or right after them. */
  unless?: string[];
  /** A generic word (RENT, INSURANCE, PENSION): it decides only when no named entry matched. */
  defer?: boolean;
  /** A payment processor (PAYPAL, GOOGLE, AMZN MKTP): it decides only when nothing else matched. */
  processor?: boolean;
  /** Kinds of named entry this (generic) entry re-reads when both are in one narrative; implies `defer`. */
  over?: string[];
  /**
   * With `over`: the entry only re-reads a named entry and never matches on its own (HIGH ST makes
   * SANTANDER HIGH ST a cash machine, but HIGH ST NEWSAGENTS is still a newsagent).
   */
  onlyOver?: boolean;
  /** The name is also a person's name (LEON, ZARA): it matches only standing alone, not beside another name. */
  person?: boolean;
}

/** 0 named, 1 generic word, 2 processor. */
export type Tier = 0 | 1 | 2;

interface IndexedAlias {
  tokens: string[];
  chars: number;
  alias: string;
  entry: MerchantEntry;
  /** Must start at the narrative's first token (alias written with a leading `^`). */
  anchored: boolean;
  unless: string[][] | undefined;
  person: boolean;
}

/** An alias found in a narrative, at token `at` of segment `seg` (0 the name, 1 the description). */
interface Found {
  a: IndexedAlias;
  at: number;
  seg: number;
}

/** What one dictionary finds in one narrative: the best alias of each tier, and the `over` words. */
export interface Scan {
  best: [Found | undefined, Found | undefined, Found | undefined];
  qualifiers: Found[];
  /**
   * Places (`seg:at:length`) where an alias was found and refused (a person's name, an `unless` veto):
   * a later layer may not match the same words there (a brand list's WILLIAM HILL in WILLIAM HILL
   * DECORATING, which the curated layer read as a person).
   */
  vetoed: ReadonlySet<string>;
}

const NO_VETOES: ReadonlySet<string> = new Set();

export interface MerchantDictionary {
  readonly version: string;
  readonly entries: readonly MerchantEntry[];
  /**
   * The entry a narrative names. `also` is a second narrative of the same payment (a statement line's
   * description beside its cleaned merchant name): its aliases compete with the name's, so "Tesco" with
   * "TESCO PAY AT PUMP 4031" is fuel and "Sainsbury's" with "SAINSBURYS PETROL" the forecourt.
   */
  match(tokens: readonly string[], also?: readonly string[]): MerchantMatch | undefined;
  /** Every candidate this dictionary finds in one segment (used to layer dictionaries); `where` from `payeeStart`. */
  scan(tokens: readonly string[], where: PayeeStart, seg?: number, vetoed?: ReadonlySet<string>): Scan;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** Longest first: most tokens, then most characters, then the earliest position. */
function better(x: Found, y: Found | undefined): boolean {
  if (!y) return true;
  if (x.a.tokens.length !== y.a.tokens.length) return x.a.tokens.length > y.a.tokens.length;
  if (x.a.chars !== y.a.chars) return x.a.chars > y.a.chars;
  return x.at < y.at;
}

const seqAt = (tokens: readonly string[], at: number, seq: readonly string[]): boolean => {
  if (at < 0 || at + seq.length > tokens.length) return false;
  for (let j = 0; j < seq.length; j++) if (tokens[at + j] !== seq[j]) return false;
  return true;
};

/**
 * Statements print the payee in a fixed-width field (Barclays' and TSB's are 18 characters), cutting its
 * last word: `THE THREE HORSESHO`, `FIRST SOUTH YORKSH`, `ARNOLD CLARK FINAN`. An alias of two or more
 * words matches such a payee when every word but its last is there whole and the payee's last word, of at
 * least three letters, begins the alias's last word and ends the payee (only a date's `ON` or the trailing
 * place may follow).
 */
function cutAt(tokens: readonly string[], at: number, alias: readonly string[], where: PayeeStart): boolean {
  const n = alias.length;
  if (n < 2 || at + n > tokens.length) return false;
  const last = tokens[at + n - 1];
  const whole = alias[n - 1];
  if (last === undefined || whole === undefined) return false; // (within bounds: checked above)
  if (last.length < 3 || whole.length <= last.length || !whole.startsWith(last)) return false;
  const next = at + n;
  if (next < where.end && tokens[next] !== 'ON') return false;
  for (let j = 0; j < n - 1; j++) if (tokens[at + j] !== alias[j]) return false;
  return true;
}

/** `part` occurs as a run of tokens inside `whole`. */
function contains(whole: readonly string[], part: readonly string[]): boolean {
  for (let i = 0; i + part.length <= whole.length; i++) if (seqAt(whole, i, part)) return true;
  return false;
}

/** An `unless` phrase right before or right after the alias found at `at`. */
function vetoed(tokens: readonly string[], f: Found): boolean {
  const end = f.at + f.a.tokens.length;
  for (const u of f.a.unless ?? [])
    if (seqAt(tokens, end, u) || seqAt(tokens, f.at - u.length, u)) return true;
  return false;
}

const isGivenName = (t: string | undefined): boolean => t !== undefined && GIVEN_NAMES.has(t);

/** Kinds a trade word in a transfer's note may still name: what people pay to other people. */
const NOTE_KINDS: ReadonlySet<string> = new Set(['rent', 'social_rent', 'childcare', 'school', 'savings']);

/**
 * Reads a name as a person's: a `person` entry beside another word of the payee (LEON SMITH, HARRY
 * SAINSBURY), or — in a payment to a person — any one-word named entry right after an initial
 * (FASTER PAYMENT M COSTA LUNCH). Generic words are exempt (SO J SMITH RENT is rent), and so is a word
 * after a full name (SO J SMITH RENT again): only `person` entries are read that strictly. Towns, country codes, legal forms and numbers do not count as words.
 */
function personal(tokens: readonly string[], f: Found, where: PayeeStart): boolean {
  const named = f.a.entry.tier === 0;
  // What the payer's note of a transfer names was bought or shared (REFERENCE FOOTBALL BOOTS, REF TAXI
  // SHARE): the payee is the person. Except the costs people do pay to people: rent to a landlord, a
  // childminder, school money, savings (FPO J SMITH REF RENT is rent).
  if (where.transfer && f.at >= where.note) return !NOTE_KINDS.has(f.a.entry.kind);
  if (named && where.transfer) {
    // A brand made of two given names (JOHN LEWIS) sent money by transfer is a person: BP JOHN LEWIS.
    if (f.a.tokens.length === 2 && isGivenName(f.a.tokens[0]) && isGivenName(f.a.tokens[1])) return true;
  }
  // A transfer to a name that is also a first name (FASTER PAYMENT TO LEON) went to a person.
  if (f.a.person && where.transfer) return true;
  if (!f.a.person && !(named && where.transfer && f.a.tokens.length === 1)) return false;
  const before = f.at - 1 >= where.start ? tokens[f.at - 1] : undefined;
  const beforeIsName = before !== undefined && !isPlaceOrFormToken(before);
  if (!f.a.person) return beforeIsName && (before.length === 1 || GIVEN_NAMES.has(before));
  const after = tokens[f.at + f.a.tokens.length];
  return beforeIsName || (after !== undefined && !isPlaceOrFormToken(after));
}

/** Builds a dictionary from raw entries, validating kinds and categories (throws on a bad entry). */
export function buildDictionary(
  version: string,
  raw: readonly RawEntry[],
  defaultTier: Tier = 0,
): MerchantDictionary {
  const index = new Map<string, IndexedAlias[]>();
  const entries: MerchantEntry[] = [];
  const ids = new Set<string>();
  for (const r of raw) {
    if (!isKind(r.kind)) throw new Error(`merchant "${r.name}": unknown kind "${r.kind}"`);
    const info = KINDS[r.kind];
    const category = r.category ?? info.category;
    if (!isCategory(category)) throw new Error(`merchant "${r.name}": unknown category "${r.category}"`);
    if (r.credit !== undefined && !isCreditMeaning(r.credit))
      throw new Error(`merchant "${r.name}": unknown credit meaning "${r.credit}"`);
    for (const k of r.over ?? [])
      if (k !== '*' && !isKind(k)) throw new Error(`merchant "${r.name}": unknown kind "${k}" in over`);
    const id = slug(r.name);
    if (ids.has(id)) throw new Error(`merchant "${r.name}": duplicate id "${id}"`);
    ids.add(id);
    const tier: Tier = r.processor ? 2 : r.defer || r.over ? 1 : defaultTier;
    const entry: MerchantEntry = {
      id,
      name: r.name,
      kind: r.kind,
      category,
      credit: r.credit ?? info.credit,
      aliases: [r.name, ...(r.aliases ?? [])],
      tier,
      ...(r.benefit ? { benefit: r.benefit } : {}),
      ...(r.over ? { over: new Set(r.over) } : {}),
      ...(r.over && r.onlyOver ? { onlyOver: true } : {}),
    };
    entries.push(entry);
    const unless = r.unless?.map((u) => aliasTokens(u)).filter((u) => u.length > 0);
    const nameTokens = r.person ? aliasTokens(r.name) : undefined;
    const seen = new Set<string>();
    for (const alias of entry.aliases) {
      const anchored = alias.startsWith('^');
      const tokens = aliasTokens(anchored ? alias.slice(1) : alias);
      const key = (anchored ? '^' : '') + tokens.join(' ');
      const head = tokens[0];
      if (head === undefined || seen.has(key)) continue;
      seen.add(key);
      const list = index.get(head) ?? [];
      // `person` guards the forms a person's name can take: one or two words of the entry's own name
      // (CORAL, WILLIAM HILL). An alias with a trade word (CORAL INTERACTIVE, WILLIAM HILL ORGANIZATION)
      // or a fused form (WILLIAMHILL) already says it is the firm.
      const person =
        nameTokens !== undefined && tokens.length <= 2 && tokens.every((t) => nameTokens.includes(t));
      list.push({
        tokens,
        chars: tokens.join(' ').length,
        alias,
        entry,
        anchored,
        unless: unless?.length ? unless : undefined,
        person,
      });
      index.set(head, list);
    }
  }
  const scan = (
    tokens: readonly string[],
    where: PayeeStart,
    seg = 0,
    earlier?: ReadonlySet<string>,
  ): Scan => {
    // Vetoes are rare: the set is copied only when this scan adds one.
    const out: Scan = {
      best: [undefined, undefined, undefined],
      qualifiers: [],
      vetoed: earlier ?? NO_VETOES,
    };
    for (let i = 0; i < tokens.length; i++) {
      const candidates = index.get(elementAt(tokens, i, 'token'));
      if (!candidates) continue;
      for (const a of candidates) {
        if (a.anchored ? i !== 0 : i + a.tokens.length <= where.start || i >= where.end) continue;
        if (!seqAt(tokens, i, a.tokens) && !cutAt(tokens, i, a.tokens, where)) continue;
        const f: Found = { a, at: i, seg };
        const place = `${seg}:${i}:${a.tokens.length}`;
        if (earlier?.has(place) || (a.unless && vetoed(tokens, f)) || personal(tokens, f, where)) {
          if (!out.vetoed.has(place)) out.vetoed = new Set([...out.vetoed, place]);
          continue;
        }
        if (a.entry.over) out.qualifiers.push(f);
        if (a.entry.onlyOver) continue;
        const t = a.entry.tier;
        if (better(f, out.best[t])) out.best[t] = f;
      }
    }
    return out;
  };
  return {
    version,
    entries,
    scan,
    match(tokens, also) {
      const [where, whereAlso] = places(tokens, also);
      const scans = [scan(tokens, where)];
      if (whereAlso && also) scans.push(scan(also, whereAlso, 1));
      return decide([merge(scans)]);
    },
  };
}

/**
 * Decides among the scans of one narrative by each layer: the first layer's named entry, else the next
 * layer's, …; then the longest generic word of any layer, then the longest processor. The choice is re-read
 * by a generic word that lists its kind in `over` and is not part of its alias (the longest such word wins).
 */
function decide(scans: readonly Scan[]): MerchantMatch | undefined {
  let chosen: Found | undefined;
  for (const s of scans) if ((chosen = s.best[0])) break;
  // Generic words and processors carry no layer precedence: the longest one found in any layer wins
  // (PARKING CHARGE is parking, whichever file holds PARKING and CHARGE).
  for (let t = 1; t < 3 && !chosen; t++)
    for (const s of scans) {
      const b = s.best[t];
      if (b && better(b, chosen)) chosen = b;
    }
  if (!chosen) return undefined;
  if (chosen.a.entry.tier < 2) {
    const kind = chosen.a.entry.kind;
    let q: Found | undefined;
    for (const s of scans) {
      for (const f of s.qualifiers) {
        if (f.a.entry === chosen.a.entry) continue;
        const over = f.a.entry.over; // a qualifier is an entry with `over`
        if (!over || (!over.has(kind) && !over.has('*'))) continue;
        if (contains(chosen.a.tokens, f.a.tokens)) continue; // part of the name itself: PLATFORM HOME LOANS
        if (better(f, q)) q = f;
      }
    }
    if (q) chosen = q;
  }
  return { entry: chosen.a.entry, alias: chosen.a.alias };
}

/**
 * Where the payee is in a name and its description. Both are one payment: when either one's prefix
 * says it went to a person (FASTER PAYMENT, BP, TRANSFER TO), both are read as such ("Sarah Boots"
 * beside "Faster payment — CONCERT TICKET").
 */
function places(
  tokens: readonly string[],
  also: readonly string[] | undefined,
): [PayeeStart, PayeeStart | undefined] {
  const where = payeeStart(tokens);
  if (!also?.length) return [where, undefined];
  const whereAlso = payeeStart(also);
  if (where.transfer === whereAlso.transfer) return [where, whereAlso];
  return [
    { ...where, transfer: true },
    { ...whereAlso, transfer: true },
  ];
}

/** One layer's scans of several segments as one: the longest alias of each tier, every qualifier. */
function merge(scans: readonly Scan[]): Scan {
  const only = scans.length === 1 ? scans[0] : undefined;
  if (only) return only;
  const out: Scan = {
    best: [undefined, undefined, undefined],
    qualifiers: scans.flatMap((s) => s.qualifiers),
    vetoed: scans.every((s) => s.vetoed.size === 0)
      ? NO_VETOES
      : new Set(scans.flatMap((s) => [...s.vetoed])),
  };
  for (let t = 0; t < 3; t++)
    for (const s of scans) {
      const b = s.best[t];
      if (b && better(b, out.best[t])) out.best[t] = b;
    }
  return out;
}

/**
 * Layers dictionaries: named entries of an earlier layer beat those of a later one whatever their
 * lengths (a curated entry always beats a generated brand), and any named entry beats any generic word.
 */
export function layered(...layers: readonly MerchantDictionary[]): MerchantDictionary {
  /** Each layer's scan in order, a layer seeing the places the layers before it refused. */
  const scanEach = (
    tokens: readonly string[],
    where: PayeeStart,
    seg: number,
    earlier?: ReadonlySet<string>,
  ): Scan[] => {
    const scans: Scan[] = [];
    let vetoed = earlier;
    for (const l of layers) {
      const sc = l.scan(tokens, where, seg, vetoed);
      scans.push(sc);
      vetoed = sc.vetoed;
    }
    return scans;
  };
  /**
   * A merchant name is matched beside each of its descriptions, so its scans are kept (per token array,
   * which the caller reuses for one name, and per reading as a transfer or not) rather than redone.
   * Scans are never mutated after they are made.
   */
  const named = new WeakMap<readonly string[], [Scan[] | undefined, Scan[] | undefined]>();
  const namedScans = (tokens: readonly string[], where: PayeeStart): Scan[] => {
    let entry = named.get(tokens);
    if (!entry) named.set(tokens, (entry = [undefined, undefined]));
    const i = where.transfer ? 1 : 0;
    return (entry[i] ??= scanEach(tokens, where, 0));
  };
  const scan = (
    tokens: readonly string[],
    where: PayeeStart,
    seg = 0,
    earlier?: ReadonlySet<string>,
  ): Scan => {
    // A layered dictionary inside another is flattened: its layers' scans are merged tier by tier.
    const scans = scanEach(tokens, where, seg, earlier);
    const out: Scan = {
      best: [undefined, undefined, undefined],
      qualifiers: scans.flatMap((s) => s.qualifiers),
      vetoed: scans.at(-1)?.vetoed ?? earlier ?? NO_VETOES,
    };
    for (const s of scans) if (!out.best[0] && s.best[0]) out.best[0] = s.best[0];
    for (let t = 1; t < 3; t++)
      for (const s of scans) {
        const b = s.best[t];
        if (b && better(b, out.best[t])) out.best[t] = b;
      }
    return out;
  };
  return {
    version: layers.map((l) => l.version).join('; '),
    entries: layers.flatMap((l) => l.entries),
    scan,
    match(tokens, also) {
      const [where, whereAlso] = places(tokens, also);
      // Per layer, the name's and the description's candidates compete as one narrative.
      const named = namedScans(tokens, where);
      if (!whereAlso || !also) return decide(named);
      const described = scanEach(also, whereAlso, 1);
      return decide(named.map((n, i) => merge([n, elementAt(described, i, 'scan')])));
    },
  };
}

const CURATED = [finance, household, everyday];
/** The hand-curated layer. */
export const CURATED_MERCHANTS: MerchantDictionary = buildDictionary(
  `curated ${CURATED.map((f) => f.version)
    .sort()
    .at(-1)}`,
  CURATED.flatMap((f): readonly RawEntry[] => f.entries),
);
/** The generated brand layer (empty until `npm run merchants` has been run). */
export const BRAND_MERCHANTS: MerchantDictionary = buildDictionary(
  `brands ${brands.version}`,
  brands.entries,
);
/** Generic trade words (CINEMA, HOTEL, …): the last resort before a narrative is unmatched. */
export const GENERIC_MERCHANTS: MerchantDictionary = buildDictionary(
  `generic ${generic.version}`,
  generic.entries,
  1,
);
/** The built-in UK dictionary: curated, then brands, then generic trade words. */
export const UK_MERCHANTS: MerchantDictionary = layered(
  CURATED_MERCHANTS,
  BRAND_MERCHANTS,
  GENERIC_MERCHANTS,
);
