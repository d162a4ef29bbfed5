/**
 * Writes the seeded personas, each with its ground truth, as JSON files.
 *
 *   npm run personas -- [--seed N] [--out DIR]     (default: seed 1, ./personas-out)
 *
 * Each file is `{ id, description, seed, now, circumstances, declared_income, transactions, truth }`;
 * `transactions` are in the Veqtrx wire shape, so a file's fields can be POSTed to /assess as they are.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateAll } from './personas.ts';

const { values } = parseArgs({ options: { seed: { type: 'string', default: '1' }, out: { type: 'string', default: 'personas-out' } } });
const seed = Number(values.seed);
if (!Number.isInteger(seed) || seed < 0) {
  console.error('--seed must be a non-negative integer');
  process.exit(2);
}
const dir = resolve(values.out!);
mkdirSync(dir, { recursive: true });
for (const p of generateAll(seed)) {
  const file = join(dir, `${p.id}.json`);
  writeFileSync(file, JSON.stringify(p, null, 2) + '\n');
  console.log(`${file}  ${p.transactions.length} transactions, truth income £${p.truth.monthly_income.toFixed(2)}/month, flags [${p.truth.risk_flags.join(', ')}]`);
}
