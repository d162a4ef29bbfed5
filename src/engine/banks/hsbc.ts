/**
 * HSBC UK puts a short code before the counterparty: `VIS`, `)))`, `DD`, `SO`, `CR` (a credit), and `BP`
 * for a bill payment the customer sent (`BP J KOWALSKI RENT FLAT 2`), which is not BP the fuel company.
 */
import type { BankFormat } from './format.ts';

/** BP's own forecourt words: a card payment at a BP station never starts with BP on an HSBC line (it starts with VIS or `)))`). */
const BP_OWN_WORDS = new Set([
  'CONNECT',
  'EXPRESS',
  'SERVICE',
  'FUEL',
  'PETROL',
  'GARAGE',
  'OIL',
  'PULSE',
  'PFS',
  'SHOP',
]);
const HAS_DIGIT = /\d/;

export const HSBC: BankFormat = {
  bank: 'HSBC UK',
  described: 'test/fixtures/narratives/banks/hsbc.json',
  prefixes: ['CR'],
  leadingTransfer: {
    what: "`BP` (a bill payment sent) as the first of three or more words, unless the next is a number or one of BP's forecourt words",
    take: (tokens) =>
      tokens.length > 2 &&
      tokens[0] === 'BP' &&
      tokens[1] !== undefined &&
      !BP_OWN_WORDS.has(tokens[1]) &&
      !HAS_DIGIT.test(tokens[1])
        ? 1
        : 0,
  },
};
