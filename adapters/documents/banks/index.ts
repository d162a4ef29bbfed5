/** The bank profiles, and recognising a statement's bank from its printed text. */
import type { BankId } from '../types.ts';
import { barclays } from './barclays.ts';
import { coop } from './coop.ts';
import { generic } from './generic.ts';
import { halifax } from './halifax.ts';
import { hsbc } from './hsbc.ts';
import { lloyds } from './lloyds.ts';
import { metro } from './metro.ts';
import { monzo } from './monzo.ts';
import { nationwide } from './nationwide.ts';
import { natwest } from './natwest.ts';
import type { BankProfile } from './profile.ts';
import { rbs } from './rbs.ts';
import { santander } from './santander.ts';
import { starling } from './starling.ts';
import { tsb } from './tsb.ts';

export const PROFILES: readonly BankProfile[] = [
  barclays,
  hsbc,
  lloyds,
  halifax,
  natwest,
  rbs,
  santander,
  nationwide,
  monzo,
  starling,
  tsb,
  coop,
  metro,
  generic,
];

export const profileFor = (id: BankId): BankProfile => PROFILES.find((p) => p.id === id) ?? generic;

/** The profile whose identifying text appears most often in the document; `generic` when none does. */
export function detectBank(text: string): BankProfile {
  let best: { p: BankProfile; n: number } = { p: generic, n: 0 };
  for (const p of PROFILES) {
    const n = p.identify.reduce((s, re) => s + (re.test(text) ? 1 : 0), 0);
    if (n > best.n) best = { p, n };
  }
  return best.p;
}

export type { BankProfile, ColumnKind, SummaryKey } from './profile.ts';
