/** Royal Bank of Scotland: NatWest Group's layout (see natwest.ts); told apart by its legal name and BIC. */
import type { BankProfile } from './profile.ts';
import { natwest } from './natwest.ts';

export const rbs: BankProfile = {
  ...natwest,
  id: 'rbs',
  name: 'Royal Bank of Scotland',
  identify: [/Royal Bank of Scotland plc/i, /\bRBOSGB2L\b/, /rbs\.co\.uk/i],
  source: 'As NatWest (same group and statement system).',
};
