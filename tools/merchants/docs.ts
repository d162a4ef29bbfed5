/**
 * The generated sections of docs/merchants.md: the tag → kind table (from tags.ts) and the counts
 * (from the generated file). `npm run merchants` rewrites them; a unit test fails when they drift.
 */
import { fileURLToPath } from 'node:url';
import { KINDS } from '../../src/engine/kinds.ts';
import type { BrandsFile } from './generate.ts';
import { SKIPPED_TAGS, TAG_KINDS } from './tags.ts';

export const DOC_PATH = fileURLToPath(new URL('../../docs/merchants.md', import.meta.url));

export function tagTable(): string {
  const rows = TAG_KINDS.map(
    (r, i) =>
      `| ${i + 1} | \`${r.tag}\` | \`${r.kind}\`${r.twoWords ? ' (two words or more)' : ''} | ${KINDS[r.kind].category} | ${r.note ?? ''} |`,
  );
  const skipped = SKIPPED_TAGS.map((s) => `| \`${s.tag}\` | ${s.why} |`);
  return [
    '| precedence | OSM tag | kind | SFS category | why |',
    '|---|---|---|---|---|',
    ...rows,
    '',
    'Not taken (any tag absent from the table above is not taken either):',
    '',
    '| OSM tag | why not |',
    '|---|---|',
    ...skipped,
  ].join('\n');
}

export function countsTable(file: BrandsFile): string {
  const c = file.counts;
  const lines = [
    `name-suggestion-index ${file.version} (data generated ${file.source.generated ?? 'unknown'}):`,
    '',
    '| | count |',
    '|---|---|',
    `| NSI brands (all countries) | ${c.nsi_brands} |`,
    `| trading in the UK | ${c.uk_brands} |`,
    `| … under a tag in the table | ${c.uk_brands_taken} |`,
    `| groups dropped as car makers | ${c.dropped_car_makers} |`,
    `| groups dropped for want of a safe name | ${c.dropped_no_safe_name} |`,
    `| **entries written** | **${c.entries}** |`,
    `| names and aliases written | ${c.aliases} |`,
    '',
    'Name spellings rejected (one count per spelling per NSI item):',
    '',
    '| reason | count |',
    '|---|---|',
    ...Object.entries(c.aliases_rejected).map(([k, v]) => `| \`${k}\` | ${v} |`),
    '',
    'Entries per kind:',
    '',
    '| kind | entries |',
    '|---|---|',
    ...Object.entries(c.by_kind).map(([k, v]) => `| \`${k}\` | ${v} |`),
  ];
  return lines.join('\n');
}

/** Replaces the text between `<!-- name:begin -->` and `<!-- name:end -->`. */
export function replaceSection(doc: string, name: string, body: string): string {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const i = doc.indexOf(begin);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`docs/merchants.md has no ${begin} … ${end} section`);
  return `${doc.slice(0, i + begin.length)}\n${body}\n${doc.slice(j)}`;
}

/** The document with both generated sections brought up to date. */
export function renderDoc(doc: string, file: BrandsFile): string {
  return replaceSection(replaceSection(doc, 'tags', tagTable()), 'counts', countsTable(file));
}
