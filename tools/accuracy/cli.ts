/**
 * The engine's accuracy, printed:
 *  1. on the independent corpus (test/fixtures/narratives/: UK bank statement lines and income
 *     histories written from public descriptions, apart from the rules) — the grade; the statement lines
 *     in three sets (corpus.ts, LINE_SETS: two studied during development, one held out);
 *  2. on the generated personas (tools/personas/) — a regression check, since they come from the same
 *     hands as the rules.
 * Exits 1 when a bar is missed: category accuracy ≥ 97% on the statement lines, every income history
 * within 2% of its expected income, each stable within 1% under 14 day shifts, personas in tolerance.
 *
 *   npm run accuracy -- [--seeds 30] [--failures] [--set banks] [--set holdout]   (both sets by default)
 */
import { parseArgs } from 'node:util';
import { personaAccuracy } from '../personas/accuracy.ts';
import {
  gradeBanks,
  gradeIncome,
  LINE_SETS,
  loadBanks,
  SET_TITLE,
  share,
  type LineResult,
} from './corpus.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '30' },
    failures: { type: 'boolean', default: false },
    set: { type: 'string', multiple: true },
  },
});
const seeds = Number(values.seeds);
export const BARS = { category: 0.97, income: 0.02, shift: 0.01 } as const;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);
function table(title: string, groups: Map<string, LineResult[]>): void {
  console.log(`\n${title}`);
  for (const [k, rs] of [...groups].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const s = share(rs);
    console.log(`  ${pad(k, 28)} ${lpad(s.ok, 4)} / ${lpad(s.n, 4)}   ${lpad(pct(s.rate), 6)}`);
  }
}
const groupBy = <T>(rs: readonly T[], key: (r: T) => string) => {
  const m = new Map<string, T[]>();
  for (const r of rs) m.set(key(r), [...(m.get(key(r)) ?? []), r]);
  return m;
};

let failed = false;
console.log(
  'Independent corpus: test/fixtures/narratives/ (its README says who wrote it, from which public sources)',
);
for (const set of LINE_SETS.filter((s) => !values.set || values.set.includes(s))) {
  const lines = gradeBanks(loadBanks(set));
  if (lines.length === 0) {
    console.log(`\n${SET_TITLE[set]}: absent`);
    continue;
  }
  const debits = lines.filter((r) => r.line.amount > 0);
  const credits = lines.filter((r) => r.line.amount <= 0);
  const cat = share(debits);
  console.log(
    `\n${SET_TITLE[set]}: ${lines.length} (${debits.length} debits, ${credits.length} credits) from ${groupBy(lines, (r) => r.bank).size} banks`,
  );
  console.log(
    `  category accuracy (debits):        ${pct(cat.rate)}  (${cat.ok}/${cat.n})   bar ≥ ${pct(BARS.category)}`,
  );
  const cr = share(credits);
  console.log(`  credit meaning (credits):          ${pct(cr.rate)}  (${cr.ok}/${cr.n})`);
  const risky = lines.filter((r) => r.riskOk !== undefined);
  console.log(
    `  risk signal seen (lines with one): ${pct(share(risky.map((r) => ({ ok: !!r.riskOk }))).rate)}  (${risky.filter((r) => r.riskOk).length}/${risky.length})`,
  );
  if (cat.rate < BARS.category) failed = true;
  table(
    '  Category accuracy per bank (debits)',
    groupBy(debits, (r) => r.bank),
  );
  table(
    '  Category accuracy per accepted category (debits, by the preferred one)',
    groupBy(debits, (r) => r.line.accept?.[0] ?? '?'),
  );
  const wrong = lines.filter((r) => !r.ok || r.riskOk === false);
  if (wrong.length) {
    console.log(
      `\n  Lines the engine got wrong (${wrong.length})${values.failures ? '' : ' — first 40; --failures for all'}:`,
    );
    for (const r of values.failures ? wrong : wrong.slice(0, 40)) {
      const want = r.line.amount > 0 ? r.line.accept?.join(' | ') : r.line.credit;
      const risk = r.riskOk === false ? `  [risk ${r.line.risk} not seen]` : '';
      console.log(
        `    ${pad(r.bank, 12)} ${pad(JSON.stringify(r.line.description ?? r.line.merchant_name), 58)} got ${pad(r.got, 26)} want ${want}${risk}  (${r.line.what})`,
      );
    }
  }
}

const income = gradeIncome();
console.log(
  `\nIncome histories: ${income.length}   bars: within ${pct(BARS.income)} of the expected income; within ${pct(BARS.shift)} of itself under 14 day shifts`,
);
console.log(
  `  ${pad('history', 52)} ${pad('class', 13)} ${lpad('expected', 10)} ${lpad('engine', 10)} ${lpad('error', 7)} ${lpad('shifts', 7)}`,
);
for (const r of income) {
  const bad = r.error > BARS.income || r.shiftSpread > BARS.shift || r.problems.length > 0;
  if (bad) failed = true;
  console.log(
    `${bad ? '✗' : ' '} ${pad(r.id, 52)} ${pad(r.class, 13)} ${lpad(r.expected.toFixed(2), 10)} ${lpad(r.got.toFixed(2), 10)} ${lpad(pct(r.error), 7)} ${lpad(Number.isFinite(r.shiftSpread) ? pct(r.shiftSpread) : '0→>0', 7)}${r.problems.length ? '  ' + r.problems.join('; ') : ''}`,
  );
}
console.log('\nWorst income error per class:');
for (const [cls, rs] of groupBy(income, (r) => r.class)) {
  const worst = Math.max(...rs.map((r) => r.error)),
    spread = Math.max(...rs.map((r) => r.shiftSpread));
  console.log(
    `  ${pad(cls, 14)} ${lpad(rs.length, 3)} histories   worst error ${lpad(pct(worst), 6)}   worst shift spread ${Number.isFinite(spread) ? pct(spread) : '0→>0'}`,
  );
}

const p = personaAccuracy(seeds);
console.log(
  `\nGenerated personas (a regression check: same hands as the rules): ${p.runs} histories (${seeds} seeds × 8), ${p.misses} outside tolerance; worst income error ${(p.worstIncome * 100).toFixed(3)}%, worst category error ${(p.worstCategory * 100).toFixed(2)}%`,
);
for (const l of p.lines) console.log(`  ${l}`);
if (p.misses) failed = true;

console.log(
  `\n${failed ? 'FAIL: a bar is missed' : 'PASS: every bar is met'}. reproduce: npm run accuracy -- --seeds ${seeds}`,
);
process.exit(failed ? 1 : 0);
