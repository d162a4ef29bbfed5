/**
 * Writes the seeded personas, each with its ground truth, as JSON files; or prints one persona as a
 * `POST /assess` body.
 *
 *   npm run personas -- [--seed N] [--out DIR] [--now today|YYYY-MM-DD]   (default: seed 1, ./personas-out, the personas' own dates)
 *   npm run -s personas -- --body <persona> [--seed N] [--now today|YYYY-MM-DD]   (the /assess body on stdout)
 *
 * Each file is `{ id, description, seed, now, circumstances, declared_income, transactions, truth }`;
 * `transactions` are in the Veqtrx wire shape, so a file's fields can be POSTed to /assess as they are.
 * The histories end on 2026-11-02; `--now` moves them by whole weeks to end in the week before that day
 * (`today`: the current UTC date), so that an assessment made today does not find them stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generateAll, PERSONA_IDS, shiftPersona, type Persona } from './personas.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    out: { type: 'string', default: 'personas-out' },
    now: { type: 'string' },
    body: { type: 'string' },
  },
});
const seed = Number(values.seed);
if (!Number.isInteger(seed) || seed < 0) {
  console.error('--seed must be a non-negative integer');
  process.exit(2);
}
let to: Date | undefined;
if (values.now !== undefined) {
  to =
    values.now === 'today'
      ? new Date()
      : /^\d{4}-\d{2}-\d{2}$/.test(values.now)
        ? new Date(`${values.now}T12:00:00Z`)
        : new Date(NaN);
  if (Number.isNaN(to.getTime())) {
    console.error('--now must be today or a date, YYYY-MM-DD');
    process.exit(2);
  }
}
const personas: Persona[] = generateAll(seed).map((p) => (to ? shiftPersona(p, to) : p));

if (values.body !== undefined) {
  const p = personas.find((x) => x.id === values.body);
  if (!p) {
    console.error(`--body must name a persona: ${PERSONA_IDS.join(', ')}`);
    process.exit(2);
  }
  console.log(
    JSON.stringify({
      customer_ref: `${p.id}-${p.seed}`,
      transactions: p.transactions,
      circumstances: p.circumstances,
      declared_income: p.declared_income,
    }),
  );
} else {
  const dir = resolve(values.out);
  mkdirSync(dir, { recursive: true });
  for (const p of personas) {
    const file = join(dir, `${p.id}.json`);
    writeFileSync(file, JSON.stringify(p, null, 2) + '\n');
    console.log(
      `${file}  ${p.transactions.length} transactions to ${p.now.slice(0, 10)}, truth income £${p.truth.monthly_income.toFixed(2)}/month, flags [${p.truth.risk_flags.join(', ')}]`,
    );
  }
}
