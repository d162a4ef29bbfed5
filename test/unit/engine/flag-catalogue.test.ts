import { expect } from 'chai';
import { readFileSync } from 'node:fs';

/** Every code the engine source can emit must be documented, so a new flag cannot ship undocumented. */
describe('flag catalogue', () => {
  it('lists in docs/engine.md every risk and vulnerability code that src/engine can raise', () => {
    const src = readFileSync(new URL('../../../src/engine/flags.ts', import.meta.url), 'utf8');
    const doc = readFileSync(new URL('../../../docs/engine.md', import.meta.url), 'utf8');
    const raised = [...src.matchAll(/(?:raise|add)\(\s*'([a-z_]+)'/g)].map((m) => m[1]!);
    const indicators = [...src.matchAll(/code:\s*'([a-z_]+)'/g)].map((m) => m[1]!);
    expect(raised.length).to.be.greaterThan(15);
    for (const c of new Set([...raised, ...indicators])) expect(doc, c).to.include(`\`${c}\``);
  });
});
