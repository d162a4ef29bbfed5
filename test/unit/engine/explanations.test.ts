import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { CREDIT_RULES } from '../../../src/engine/credit.ts';
import {
  CREDIT_REASON_EXPLANATIONS,
  explain,
  INDICATOR_CODES,
  INDICATOR_EXPLANATIONS,
  RISK_FLAG_CODES,
  RISK_FLAG_EXPLANATIONS,
  ruleDoc,
} from '../../../src/engine/explanations.ts';
import { SERIES_RULES } from '../../../src/engine/series.ts';
import { assess } from '../../../src/engine/index.ts';
import { fromVeqtrx, toMinor } from '../../../src/model/index.ts';
import { generatePersona, PERSONA_IDS } from '../../../tools/personas/personas.ts';

const source = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

/** Every plain-English explanation (explanations.ts) against what the engine can emit and docs/engine.md. */
describe('explanations (explanations.ts)', () => {
  it('explains every risk flag and vulnerability indicator that src/engine/flags.ts can raise, and nothing it cannot', () => {
    const src = source('src/engine/flags.ts');
    const raised = [...src.matchAll(/(?:raise|add)\(\s*'([a-z_]+)'/g)].map((m) => m[1]!);
    const indicators = [...src.matchAll(/code:\s*'([a-z_]+)'/g)].map((m) => m[1]!);
    const emitted = new Set([...raised, ...indicators]);
    expect(emitted.size).to.be.greaterThan(25);
    const explained = new Set<string>([...RISK_FLAG_CODES, ...INDICATOR_CODES]);
    for (const c of emitted) expect(explained, `${c} has no explanation`).to.include(c);
    for (const c of explained) expect(emitted, `${c} is explained but never raised`).to.include(c);
    expect(Object.keys(RISK_FLAG_EXPLANATIONS).sort()).to.deep.equal([...RISK_FLAG_CODES].sort());
    expect(Object.keys(INDICATOR_EXPLANATIONS).sort()).to.deep.equal([...INDICATOR_CODES].sort());
  });

  it("explains every reason a proposed credit's verdict can give", () => {
    const reasons = Object.values(CREDIT_RULES).filter((r) => r !== CREDIT_RULES.repayment);
    expect(Object.keys(CREDIT_REASON_EXPLANATIONS).sort()).to.deep.equal([...reasons].sort());
    const src = source('src/engine/credit.ts');
    // Every reason pushed in credit.ts is a CREDIT_RULES value (so the Record covers it).
    for (const m of src.matchAll(/reasons\.push\(([^)]+)\)/g))
      expect(m[1]).to.match(/^(CREDIT_RULES\.\w+|s\.rule)$/);
  });

  it("cites an anchor of docs/engine.md for each, and each indicator's FCA driver matches its code", () => {
    const doc = source('docs/engine.md');
    const anchors = new Set([...doc.matchAll(/<a id="([a-z0-9-]+)"><\/a>/g)].map((m) => m[1]!));
    const all = { ...RISK_FLAG_EXPLANATIONS, ...INDICATOR_EXPLANATIONS, ...CREDIT_REASON_EXPLANATIONS };
    for (const [code, e] of Object.entries(all)) {
      expect(e.doc, code).to.match(/^docs\/engine\.md#[a-z0-9-]+$/);
      expect(anchors, `${code}: ${e.doc}`).to.include(e.doc.split('#')[1]);
      expect(e.title, code).to.match(/^[A-Z]/);
      expect(e.text, code).to.match(/^[A-Z].*[.)]$/);
      expect(e.text, code).to.not.match(/undefined|NaN|\[object/);
    }
    for (const [code, e] of Object.entries(INDICATOR_EXPLANATIONS))
      expect(code.startsWith(e.driver), code).to.equal(true);
    // The rule ids the series and the proposed credit give (each a `rule` in the evidence) have anchors too.
    for (const rule of [...Object.values(SERIES_RULES), ...Object.values(CREDIT_RULES)])
      expect(anchors, rule).to.include(ruleDoc(rule).split('#')[1]);
  });

  it('gives every flag, indicator and credit reason of each seeded persona its explanation in the evidence', () => {
    let seen = 0;
    for (const id of PERSONA_IDS) {
      const p = generatePersona(id, 1);
      const { assessment: a, evidence: e } = assess({
        transactions: p.transactions.map((t) => fromVeqtrx(t)),
        circumstances: p.circumstances,
        declared_income_minor: toMinor(p.declared_income),
        now: new Date(p.now),
        proposed_credit: { amountMinor: 500_000, termMonths: 36, apr: 0.199 },
      });
      const codes = [
        ...a.risk_flags,
        ...e.vulnerability.detected.map((d) => d.code),
        ...(e.proposed_credit?.reasons ?? []),
      ];
      expect(Object.keys(e.explanations), id).to.deep.equal([...new Set(codes)]);
      for (const c of codes) {
        const x = explain(c);
        expect(e.explanations[c], `${id} ${c}`).to.deep.equal(
          x && { title: x.title, text: x.text, doc: x.doc },
        );
      }
      seen += codes.length;
    }
    expect(seen).to.be.greaterThan(20);
    expect(explain('a_partner_declared_code')).to.equal(undefined);
  });
});
