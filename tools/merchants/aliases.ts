/**
 * Turning NSI's names for a brand into dictionary aliases, and deciding which are safe to match.
 * An alias matches as a whole-word token sequence ANYWHERE in a bank narrative (src/engine/merchants.ts),
 * so a name that is also an ordinary word or a first name ("Next", "Shell", "Zara") would claim
 * narratives that have nothing to do with the brand (a transfer from "Zara Jones"). The rules below
 * are the ones docs/merchants.md states.
 */
import { aliasTokens } from '../../src/engine/normalise.ts';

/** Words that carry no identity of their own inside a name ("The Body Shop", "Pets at Home"). */
const FUNCTION_WORDS: ReadonlySet<string> = new Set(
  'THE AND & OF A AN AT IN ON BY FOR TO DE LA LE LES DES DU DEL EL Y ET'.split(' '),
);

/**
 * The most common surnames in Great Britain (the top 39 of the 1996 ranking at
 * http://expertgenealogy.com/pro/g.aspx/StephenThomas/2, which agrees with the University of the West of
 * England's 2016 count reported at https://www.independent.co.uk/news/uk/home-news/25-common-surnames-britain-family-history-university-west-england-bristol-uk-a7423196.html,
 * plus Lee and Davis). A brand called by one of these alone (Evans, Johnsons) would claim payments to
 * and from people; with its possessive `S` too.
 */
const COMMON_SURNAMES: ReadonlySet<string> = new Set(
  (
    'SMITH JONES WILLIAMS BROWN TAYLOR DAVIES WILSON EVANS THOMAS JOHNSON ROBERTS WALKER WRIGHT ROBINSON THOMPSON ' +
    'WHITE HUGHES HALL EDWARDS GREEN MARTIN WOOD HARRIS LEWIS CLARKE JACKSON CLARK TURNER HILL SCOTT MOORE COOPER ' +
    'MORRIS WARD KING WATSON BAKER HARRISON MORGAN LEE DAVIS'
  ).split(' '),
);

/** Shortest alias kept, in letters, digits and `&`: two-letter names (BP, EE) match initials and codes everywhere. */
export const MIN_ALIAS_CHARS = 3;

export interface AliasRules {
  /** Common English words, lower case (a single such word is not a safe alias). */
  commonWords: ReadonlySet<string>;
  /** First names, lower case (a single first name is not a safe alias). */
  firstNames: ReadonlySet<string>;
  /** NSI's own generic-name patterns (config/genericWords.json), case-insensitive. */
  generic: readonly RegExp[];
}

export type Rejection =
  | 'not_latin'
  | 'too_short'
  | 'digits_only'
  | 'common_word'
  | 'first_name'
  | 'generic'
  | 'foreign'
  | 'surname'
  | 'truncation'
  | 'one_word_founder_trade';

/**
 * Country words that mark a name as another country's branch ("Lidl Polska", "Subway Brasil",
 * "BP America"): such names never appear on a UK statement, and one would otherwise be picked to name
 * an entry. English and native spellings of the countries NSI qualifies brands with most often.
 */
const FOREIGN_TOKENS: ReadonlySet<string> = new Set(
  (
    'AMERICA USA US CANADA AUSTRALIA NZ BRASIL BRAZIL MEXICO ARGENTINA CHILE COLOMBIA PERU DEUTSCHLAND GERMANY ' +
    'ESPANA SPAIN FRANCE ITALIA ITALY POLSKA POLAND NEDERLAND NETHERLANDS BELGIQUE BELGIE BELGIUM SCHWEIZ SUISSE ' +
    'SWITZERLAND OSTERREICH AUSTRIA PORTUGAL DANMARK DENMARK SVERIGE SWEDEN NORGE NORWAY SUOMI FINLAND CESKO ' +
    'CZECH SLOVENSKO SLOVAKIA MAGYARORSZAG HUNGARY ROMANIA HELLAS GREECE TURKIYE TURKEY INDIA JAPAN CHINA KOREA ' +
    'SINGAPORE MALAYSIA PHILIPPINES INDONESIA THAILAND VIETNAM AFRICA NIGERIA KENYA EGYPT ARABIA UAE DUBAI QATAR ' +
    'ISRAEL RUSSIA UKRAINA UKRAINE'
  ).split(' '),
);

/** Folds accents (Café → Cafe) and typographic apostrophes so a name meets a bank's ASCII narrative. */
export function fold(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[‘’ʼ`´]/g, "'")
    .replace(/[‐‑‒–—]/g, '-')
    .trim();
}

/** Drops a trailing disambiguation such as "Jet (UK)" or "Co-op (Canada)": NSI's label, not the name. */
export function stripQualifier(displayName: string): string {
  return displayName.replace(/\s*\([^)]*\)\s*$/, '').trim();
}

/** Tokens of a name as the engine will match them (the engine's own alias normalisation). */
export function tokensOf(name: string): string[] {
  return aliasTokens(fold(name));
}

/** The key that groups names and aliases: tokens with `&` read as AND. */
export function keyOf(tokens: readonly string[]): string {
  return tokens.map((t) => (t === '&' ? 'AND' : t)).join(' ');
}

/**
 * Spellings of one name that bank narratives use: as written, with `&` as AND and without it
 * ("MARKS & SPENCER", "MARKS AND SPENCER", "MARKS SPENCER"), and hyphenated words closed up
 * ("CO OP" → "COOP"), CamelCase split (PIZZAEXPRESS → PIZZA EXPRESS), a trailing UK or GB dropped.
 */
export function variants(name: string): string[][] {
  const folded = fold(name);
  const out: string[][] = [];
  const add = (s: string) => {
    const t = aliasTokens(s);
    if (t.length > 0) out.push(t);
  };
  add(folded);
  if (folded.includes('&')) {
    add(folded.replace(/&/g, ' and '));
    add(folded.replace(/&/g, ' '));
  }
  if (/[A-Za-z0-9]-[A-Za-z0-9]/.test(folded)) add(folded.replace(/([A-Za-z0-9])-(?=[A-Za-z0-9])/g, '$1'));
  // CamelCase brands are written as two words on statements: PizzaExpress → PIZZA EXPRESS.
  if (/[a-z][A-Z][a-z]/.test(folded)) add(folded.replace(/([a-z])(?=[A-Z][a-z])/g, '$1 '));
  // "PureGym UK", "Boots UK": the UK qualifier is NSI's label; statements carry the bare name.
  for (const t of [...out])
    if (t.length > 1 && (t.at(-1) === 'UK' || t.at(-1) === 'GB')) out.push(t.slice(0, -1));
  return out;
}

/**
 * Why a token sequence is not a safe alias (undefined when it is). `raw` is the folded source name;
 * `own` the tokens of the brand's own name.
 */
export function rejection(
  raw: string,
  tokens: readonly string[],
  rules: AliasRules,
  own: readonly string[] = [],
): Rejection | undefined {
  // Non-Latin names (Cyrillic, CJK) vanish in tokenising or leave fragments; banks print Latin.
  if (!/^[\x20-\x7E]+$/.test(raw)) return 'not_latin';
  // `&` counts: M&S and B&Q are as distinctive as any three letters.
  const letters = tokens.join('').replace(/[^A-Z0-9&]/g, '');
  if (letters.length < MIN_ALIAS_CHARS) return 'too_short';
  if (/^[0-9&]+$/.test(letters)) return 'digits_only';
  const lower = raw.toLowerCase();
  if (rules.generic.some((re) => re.test(lower))) return 'generic';
  if (tokens.some((t) => FOREIGN_TOKENS.has(t))) return 'foreign';
  // One word cut from a longer brand name ("JONES" for Jones Bootmaker): the name is long precisely
  // because the word alone is ambiguous (a surname, a place, a word).
  if (tokens.length === 1 && own.length > 1 && own.includes(tokens[0]!)) return 'truncation';
  // A lone O' surname (O'Neill, the surf brand) names people far more often than the brand; the
  // possessive (O'Neill's, the pub chain) is a business.
  if (/^O'[A-Za-z]+$/.test(raw.trim()) && !/'s$/i.test(raw.trim())) return 'surname';
  if (
    tokens.length === 1 &&
    (COMMON_SURNAMES.has(tokens[0]!) || COMMON_SURNAMES.has(tokens[0]!.replace(/S$/, '')))
  )
    return 'surname';
  const content = tokens.filter((t) => !FUNCTION_WORDS.has(t));
  if (content.length === 1) {
    const w = content[0]!.toLowerCase();
    if (rules.commonWords.has(w)) return 'common_word';
    if (rules.firstNames.has(w)) return 'first_name';
  }
  if (content.length === 0) return 'common_word';
  return undefined;
}
