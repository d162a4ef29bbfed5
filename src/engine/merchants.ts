/**
 * Merchant intelligence: the dictionary's two layers (data/curated/*.json by hand, data/brands.json
 * generated from name-suggestion-index; data/README.md) and a matcher over each.
 * The matcher indexes every alias by its first token and finds, anywhere in a narrative's tokens, the
 * longest alias (most tokens, then most characters, then earliest position): "TESCO MOBILE" beats
 * "TESCO", "STATE PENSION" beats "PENSION".
 */
import type { Category } from '../model/assessment.ts';
import { CATEGORIES } from '../model/assessment.ts';
import brands from './data/brands.json' with { type: 'json' };
import everyday from './data/curated/everyday.json' with { type: 'json' };
import finance from './data/curated/finance.json' with { type: 'json' };
import household from './data/curated/household.json' with { type: 'json' };
import generic from './data/generic.json' with { type: 'json' };
import { KINDS, isKind, type CreditMeaning, type Kind } from './kinds.ts';
import { aliasTokens } from './normalise.ts';

export interface MerchantEntry {
  id: string;
  name: string;
  kind: Kind;
  category: Category;
  credit: CreditMeaning;
  benefit?: string;
  aliases: string[];
}

export interface MerchantMatch {
  entry: MerchantEntry;
  alias: string;
}

interface RawEntry {
  name: string;
  kind: string;
  aliases?: string[];
  category?: string;
  credit?: string;
  benefit?: string;
}

interface IndexedAlias {
  tokens: string[];
  chars: number;
  alias: string;
  entry: MerchantEntry;
}

export interface MerchantDictionary {
  readonly version: string;
  readonly entries: readonly MerchantEntry[];
  match(tokens: readonly string[]): MerchantMatch | undefined;
}

const slug = (s: string) => s.toLowerCase().replace(/&/g, ' and ').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** Builds a dictionary from raw entries, validating kinds and categories (throws on a bad entry). */
export function buildDictionary(version: string, raw: readonly RawEntry[]): MerchantDictionary {
  const index = new Map<string, IndexedAlias[]>();
  const entries: MerchantEntry[] = [];
  const ids = new Set<string>();
  for (const r of raw) {
    if (!isKind(r.kind)) throw new Error(`merchant "${r.name}": unknown kind "${r.kind}"`);
    const info = KINDS[r.kind];
    const category = (r.category ?? info.category) as Category;
    if (!CATEGORIES.includes(category)) throw new Error(`merchant "${r.name}": unknown category "${r.category}"`);
    const id = slug(r.name);
    if (ids.has(id)) throw new Error(`merchant "${r.name}": duplicate id "${id}"`);
    ids.add(id);
    const entry: MerchantEntry = {
      id,
      name: r.name,
      kind: r.kind,
      category,
      credit: (r.credit as CreditMeaning | undefined) ?? info.credit,
      aliases: [r.name, ...(r.aliases ?? [])],
      ...(r.benefit ? { benefit: r.benefit } : {}),
    };
    entries.push(entry);
    const seen = new Set<string>();
    for (const alias of entry.aliases) {
      const tokens = aliasTokens(alias);
      const key = tokens.join(' ');
      if (tokens.length === 0 || seen.has(key)) continue;
      seen.add(key);
      const list = index.get(tokens[0]!) ?? [];
      list.push({ tokens, chars: key.length, alias, entry });
      index.set(tokens[0]!, list);
    }
  }
  return {
    version,
    entries,
    match(tokens) {
      let best: IndexedAlias | undefined;
      for (let i = 0; i < tokens.length; i++) {
        const candidates = index.get(tokens[i]!);
        if (!candidates) continue;
        for (const c of candidates) {
          if (i + c.tokens.length > tokens.length) continue;
          let ok = true;
          for (let j = 1; j < c.tokens.length; j++) if (tokens[i + j] !== c.tokens[j]) { ok = false; break; }
          if (!ok) continue;
          if (!best || c.tokens.length > best.tokens.length || (c.tokens.length === best.tokens.length && c.chars > best.chars)) best = c;
        }
      }
      return best ? { entry: best.entry, alias: best.alias } : undefined;
    },
  };
}

/**
 * Layers dictionaries: the first layer that matches a narrative decides, so a curated entry always
 * beats a generated brand, whatever their lengths.
 */
export function layered(...layers: readonly MerchantDictionary[]): MerchantDictionary {
  return {
    version: layers.map((l) => l.version).join('; '),
    entries: layers.flatMap((l) => l.entries),
    match(tokens) {
      for (const l of layers) {
        const m = l.match(tokens);
        if (m) return m;
      }
      return undefined;
    },
  };
}

const CURATED = [finance, household, everyday];
/** The hand-curated layer. */
export const CURATED_MERCHANTS: MerchantDictionary = buildDictionary(
  `curated ${CURATED.map((f) => f.version).sort().at(-1)}`,
  CURATED.flatMap((f) => f.entries as RawEntry[]),
);
/** The generated brand layer (empty until `npm run merchants` has been run). */
export const BRAND_MERCHANTS: MerchantDictionary = buildDictionary(`brands ${brands.version}`, brands.entries as RawEntry[]);
/** Generic trade words (CINEMA, HOTEL, …): the last resort before a narrative is unmatched. */
export const GENERIC_MERCHANTS: MerchantDictionary = buildDictionary(`generic ${generic.version}`, generic.entries as RawEntry[]);
/** The built-in UK dictionary: curated, then brands, then generic trade words. */
export const UK_MERCHANTS: MerchantDictionary = layered(CURATED_MERCHANTS, BRAND_MERCHANTS, GENERIC_MERCHANTS);
