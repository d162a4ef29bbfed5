/**
 * `npm run merchants`: regenerates src/engine/data/brands.json from the installed name-suggestion-index
 * (tools/merchants/generate.ts) and the generated sections of docs/merchants.md. Deterministic; a unit test fails when the committed
 * file differs from what this writes.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DOC_PATH, renderDoc } from './docs.ts';
import { generate, type BrandsFile } from './generate.ts';
import { loadNsi, loadRules, nsiPackageVersion } from './inputs.ts';

export const BRANDS_PATH = fileURLToPath(new URL('../../src/engine/data/brands.json', import.meta.url));

/** The file's exact text: two-space JSON with a final newline. */
export function render(): string {
  const data = loadNsi();
  const pkg = nsiPackageVersion();
  if (data._meta.version !== pkg)
    throw new Error(`nsi.json says ${data._meta.version} but the package is ${pkg}`);
  return `${JSON.stringify(generate(data, loadRules()), null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = render();
  writeFileSync(BRANDS_PATH, text);
  const file = JSON.parse(text) as BrandsFile;
  writeFileSync(DOC_PATH, renderDoc(readFileSync(DOC_PATH, 'utf8'), file));
  console.log(`wrote ${BRANDS_PATH} and the generated sections of ${DOC_PATH}`);
  console.log(JSON.stringify(file.counts, null, 2));
}
