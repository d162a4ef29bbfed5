/**
 * `node --import tsx tools/statements/cli.ts --out DIR [--persona ID] [--bank ID] [--seed N]`: writes
 * statement PDFs (one per month) with their truth as JSON, for looking at and for trying the reader.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PERSONA_IDS, type PersonaId } from '../personas/personas.ts';
import { BANK_LAYOUTS } from './layouts.ts';
import { personaStatements } from './personas.ts';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'statements-out' },
    persona: { type: 'string' },
    bank: { type: 'string' },
    seed: { type: 'string', default: '1' },
  },
});
const personas = (values.persona ? [values.persona] : PERSONA_IDS) as PersonaId[];
const banks = values.bank ? [values.bank] : BANK_LAYOUTS;
mkdirSync(values.out, { recursive: true });
for (const persona of personas) {
  for (const bank of banks) {
    const statements = await personaStatements({ bank, persona, seed: Number(values.seed) });
    for (const s of statements) {
      const name = `${persona}-${bank}-${s.truth.period.start.slice(0, 7)}`;
      writeFileSync(join(values.out, `${name}.pdf`), s.pdf);
      writeFileSync(join(values.out, `${name}.json`), JSON.stringify(s.truth, null, 2));
    }
    console.log(`${persona} ${bank}: ${statements.length} statements`);
  }
}
