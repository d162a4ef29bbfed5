/**
 * The bars on the independent corpus (test/fixtures/narratives/, written from public descriptions of
 * UK banks and payrolls by people who did not write the rules). `npm run accuracy` prints the full
 * report; this holds the bars in CI.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CORPUS_DIR,
  gradeBanks,
  gradeIncome,
  loadBanks,
  loadIncome,
  share,
  type LineSet,
} from '../../../tools/accuracy/corpus.ts';

describe('engine on the independent corpus', function () {
  this.timeout(120_000);

  it('grades well-formed files: every statement-line set passes its validator (format, sizes, no repeats of an earlier set)', () => {
    const run = spawnSync(process.execPath, [join(CORPUS_DIR, 'validate.mjs')], { encoding: 'utf8' });
    expect(run.status, `${run.stdout}\n${run.stderr}`).to.equal(0);
  });

  // Each set was graded blind once and then studied (tools/accuracy/corpus.ts); each now holds the bar.
  const BARS: { set: LineSet; bar: number; minLines: number }[] = [
    { set: 'banks', bar: 0.97, minLines: 600 },
    { set: 'holdout', bar: 0.97, minLines: 400 },
    { set: 'holdout2', bar: 0.97, minLines: 300 },
  ];
  for (const { set, bar, minLines } of BARS) {
    it(`categorises at least ${bar * 100}% of the ${set}/ statement lines (debits) as accepted, with at least ${minLines} lines from 12 banks`, function () {
      if (!existsSync(join(CORPUS_DIR, set))) this.skip();
      const lines = gradeBanks(loadBanks(set));
      expect(lines.length).to.be.at.least(minLines);
      expect(new Set(lines.map((l) => l.bank)).size).to.be.at.least(12);
      const debits = share(lines.filter((r) => r.line.amount > 0));
      const wrong = lines
        .filter((r) => r.line.amount > 0 && !r.ok)
        .map((r) => `${r.bank}: ${r.line.description ?? r.line.merchant_name} → ${r.got}`);
      expect(debits.rate, wrong.join('\n')).to.be.at.least(bar);
    });
  }

  it("finds every income history's income within 2%, its flags and its committed payments", () => {
    const results = gradeIncome(loadIncome(), 1);
    expect(results.length).to.be.at.least(30);
    const off = results
      .filter((r) => r.error > 0.02 || r.problems.length > 0)
      .map((r) => `${r.id}: ${r.got} vs ${r.expected} ${r.problems.join('; ')}`);
    expect(off, off.join('\n')).to.deep.equal([]);
  });

  it('gives each income history the same income within 1% under 14 day shifts', () => {
    const unstable = gradeIncome(loadIncome(), 14)
      .filter((r) => r.shiftSpread > 0.01)
      .map((r) => `${r.id}: spread ${r.shiftSpread}`);
    expect(unstable, unstable.join('\n')).to.deep.equal([]);
  });
});
