/**
 * Writes the reference tables of docs/engine.md from the code (kinds, Plaid mapping, thresholds, bank
 * formats), so the document cannot drift from what the engine does. `npm run docs` rewrites; a test checks it is current.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UK_FORMATS } from '../../src/engine/banks/index.ts';
import { KINDS } from '../../src/engine/kinds.ts';
import { PLAID_DETAILED, PLAID_PRIMARY } from '../../src/engine/plaid.ts';
import { THRESHOLDS } from '../../src/engine/thresholds.ts';
import { UK_MERCHANTS } from '../../src/engine/merchants.ts';

export const DOC = fileURLToPath(new URL('../../docs/engine.md', import.meta.url));
const BEGIN = '<!-- BEGIN GENERATED TABLES (npm run docs) -->';
const END = '<!-- END GENERATED TABLES -->';

export function tables(): string {
  const out: string[] = [];
  const counts = new Map<string, number>();
  for (const e of UK_MERCHANTS.entries) counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1);
  out.push(
    '### Kinds (src/engine/kinds.ts)',
    '',
    '| kind | default category | class of a debit | a credit from it is | dictionary entries |',
    '|---|---|---|---|---|',
  );
  for (const [k, v] of Object.entries(KINDS))
    out.push(`| \`${k}\` | ${v.category} | ${v.class} | ${v.credit} | ${counts.get(k) ?? 0} |`);
  out.push(
    '',
    `Dictionary version ${UK_MERCHANTS.version}: ${UK_MERCHANTS.entries.length} entries, ${UK_MERCHANTS.entries.reduce((n, e) => n + e.aliases.length, 0)} names and aliases.`,
    '',
  );
  const row = (k: string, v: { category: string | null; credit: string | null; kind?: string }) =>
    `| \`${k}\` | ${v.category ?? '*merchant intelligence, else Other*'} | ${v.credit ?? '*as untagged*'} | ${v.kind ?? ''} |`;
  out.push(
    '### Plaid primary categories (src/engine/plaid.ts)',
    '',
    '| category_hint | debit category | a credit is | implied kind |',
    '|---|---|---|---|',
  );
  for (const [k, v] of Object.entries(PLAID_PRIMARY)) out.push(row(k, v));
  out.push(
    '',
    '### Plaid detailed categories with their own mapping',
    '',
    '| category_hint | debit category | a credit is | implied kind |',
    '|---|---|---|---|',
  );
  for (const [k, v] of Object.entries(PLAID_DETAILED)) out.push(row(k, v));
  out.push('', '### Thresholds (src/engine/thresholds.ts)', '', '| name | value |', '|---|---|');
  for (const [k, v] of Object.entries(THRESHOLDS)) out.push(`| \`${k}\` | ${v} |`);
  const codes = (xs: readonly string[] | undefined) => (xs ?? []).map((x) => `\`${x}\``).join(', ');
  out.push(
    '',
    '### Bank formats (src/engine/banks/)',
    '',
    '| format | type prefixes | transfer prefixes | also | described in |',
    '|---|---|---|---|---|',
  );
  for (const f of UK_FORMATS) {
    const also = [
      ...(f.clauses ?? []).map((c) => `removes ${c.what}`),
      ...(f.leadingTransfer ? [`transfer prefix: ${f.leadingTransfer.what}`] : []),
      ...(f.returnedCodes?.length ? [`returned-payment codes ${codes(f.returnedCodes)}`] : []),
    ];
    out.push(
      `| ${f.bank} | ${codes(f.prefixes)} | ${codes(f.transferPrefixes)} | ${also.join('; ')} | \`${f.described}\` |`,
    );
  }
  return out.join('\n');
}

export function render(doc: string): string {
  const a = doc.indexOf(BEGIN),
    b = doc.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/engine.md lacks the ${BEGIN} … ${END} markers`);
  return `${doc.slice(0, a + BEGIN.length)}\n${tables()}\n${doc.slice(b)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(DOC, render(readFileSync(DOC, 'utf8')));
  console.log('docs/engine.md tables rewritten');
}
