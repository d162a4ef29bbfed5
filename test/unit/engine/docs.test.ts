import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { DOC, render } from '../../../tools/docs/engine-tables.ts';
import { THRESHOLDS } from '../../../src/engine/index.ts';
import { RISK_FLAG_CODES } from '../../../src/engine/explanations.ts';

describe('docs/engine.md', () => {
  const doc = readFileSync(DOC, 'utf8');
  it('has reference tables that match the code (run `npm run docs` after changing kinds, hints or thresholds)', () => {
    expect(render(doc)).to.equal(doc);
  });
  it('documents every threshold and every risk flag code the engine can raise (the list explanations.ts keeps)', () => {
    for (const k of Object.keys(THRESHOLDS)) expect(doc, k).to.include(`\`${k}\``);
    for (const c of RISK_FLAG_CODES) expect(doc, c).to.include(`| \`${c}\` |`);
  });
});
