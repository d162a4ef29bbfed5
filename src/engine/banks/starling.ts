/**
 * Starling Bank says how a card was used: `CHIP AND PIN`, `APPLE PAY`, `CARD SUBSCRIPTION` (beside
 * CONTACTLESS and ONLINE PAYMENT, which other banks write too).
 */
import type { BankFormat } from './format.ts';

export const STARLING: BankFormat = {
  bank: 'Starling Bank',
  described: 'test/fixtures/narratives/banks/starling.json',
  prefixes: ['CHIP AND PIN', 'APPLE PAY', 'CARD SUBSCRIPTION'],
};
