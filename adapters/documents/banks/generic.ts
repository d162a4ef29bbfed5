/** The fallback: any dated money table, with only the common vocabulary and per-table decisions. */
import type { BankProfile } from './profile.ts';

export const generic: BankProfile = {
  id: 'generic',
  name: 'Unrecognised bank',
  identify: [],
  source: 'common.ts only.',
};
