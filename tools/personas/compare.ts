/** Prints the engine's figures beside each persona's truth: `node --import tsx tools/personas/compare.ts [seed]`. */
import { assess } from '../../src/engine/index.ts';
import { fromVeqtrx, toMinor } from '../../src/model/index.ts';
import { isCategory } from '../../src/model/assessment.ts';
import { generateAll } from './personas.ts';

const seed = Number(process.argv[2] ?? 1);
for (const p of generateAll(seed)) {
  const { assessment: a, evidence: e } = assess({
    transactions: p.transactions.map((t) => fromVeqtrx(t)),
    circumstances: p.circumstances,
    declared_income_minor: toMinor(p.declared_income),
    now: new Date(p.now),
  });
  console.log(
    `\n== ${p.id} (${p.transactions.length} tx) months=${a.months_analyzed} conf=${a.confidence_score} fca=${a.fca_compliant}/${p.truth.fca_compliant}`,
  );
  console.log(
    `income verified ${e.income.verified_monthly} truth ${p.truth.monthly_income}  used ${a.monthly_income}`,
  );
  const cats = new Set([...Object.keys(a.categories), ...Object.keys(p.truth.categories)]);
  for (const c of cats) {
    const got = (isCategory(c) ? a.categories[c] : undefined) ?? 0,
      want = (isCategory(c) ? p.truth.categories[c] : undefined) ?? 0;
    const off = want ? ((got - want) / want) * 100 : got ? Infinity : 0;
    console.log(
      `  ${Math.abs(off) > 5 ? '!!' : '  '} ${c.padEnd(26)} ${String(got).padStart(9)} ${String(want).padStart(9)} ${off.toFixed(1)}%`,
    );
  }
  console.log(`  risk  got ${JSON.stringify(a.risk_flags)} want ${JSON.stringify(p.truth.risk_flags)}`);
  console.log(
    `  vuln  got ${JSON.stringify(a.vulnerability_flags)} want ${JSON.stringify(p.truth.detected_vulnerabilities)}`,
  );
  for (const s of e.income.streams)
    console.log(
      `  stream ${s.id} ${s.type} ${s.cadence} ${s.status} n=${s.payments} monthly=${s.monthly_amount} var=${s.variability}`,
    );
  if (!a.fca_compliant) console.log('  fca', JSON.stringify(e.fca.checks.filter((c) => !c.passed)));
}
