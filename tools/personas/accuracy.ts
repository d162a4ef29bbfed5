/**
 * Engine accuracy against the personas' ground truth over many seeds: worst income and category error,
 * and any flag or FCA mismatch. Prints figures; exits 1 if any persona misses the issue's tolerances
 * (income 2%, category 5%, flags exact).
 *
 *   npm run accuracy -- [--seeds 30]
 */
import { parseArgs } from 'node:util';
import { assess } from '../../src/engine/index.ts';
import { fromVeqtrx, toMinor } from '../../src/model/index.ts';
import { generateAll } from './personas.ts';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '30' } } });
const seeds = Number(values.seeds);
let runs = 0, misses = 0, worstIncome = 0, worstCategory = 0;
for (let seed = 1; seed <= seeds; seed++) {
  for (const p of generateAll(seed)) {
    runs++;
    const { assessment: a, evidence: e } = assess({ transactions: p.transactions.map((t) => fromVeqtrx(t)), circumstances: p.circumstances, declared_income_minor: toMinor(p.declared_income), now: new Date(p.now) });
    const inc = Math.abs(e.income.verified_monthly - p.truth.monthly_income) / p.truth.monthly_income;
    worstIncome = Math.max(worstIncome, inc);
    let bad = inc > 0.02;
    for (const c of new Set([...Object.keys(a.categories), ...Object.keys(p.truth.categories)])) {
      const got = (a.categories as Record<string, number>)[c] ?? 0, want = (p.truth.categories as Record<string, number>)[c] ?? 0;
      const off = want ? Math.abs(got - want) / want : got ? 1 : 0;
      worstCategory = Math.max(worstCategory, off);
      if (off > 0.05) { bad = true; console.log(`seed ${seed} ${p.id}: ${c} ${got} vs truth ${want}`); }
    }
    const detected = e.vulnerability.detected.map((d) => d.code);
    if (JSON.stringify(a.risk_flags) !== JSON.stringify(p.truth.risk_flags) || JSON.stringify(detected) !== JSON.stringify(p.truth.detected_vulnerabilities) || a.fca_compliant !== p.truth.fca_compliant) {
      bad = true;
      console.log(`seed ${seed} ${p.id}: flags ${a.risk_flags} / ${detected} vs truth ${p.truth.risk_flags} / ${p.truth.detected_vulnerabilities}`);
    }
    if (bad) misses++;
  }
}
console.log(`${runs} persona histories (${seeds} seeds × 8): ${misses} outside tolerance; worst income error ${(worstIncome * 100).toFixed(3)}%, worst category error ${(worstCategory * 100).toFixed(2)}%`);
console.log(`reproduce: npm run accuracy -- --seeds ${seeds}`);
process.exit(misses ? 1 : 0);
