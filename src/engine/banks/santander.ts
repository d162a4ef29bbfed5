/**
 * Santander UK writes the payment type out in full at the start of every narrative and appends a card
 * payment's amount and rate: `CARD PAYMENT TO PRET A MANGER,4.80 GBP, RATE 1.00/GBP ON 12-04-2025`,
 * `BILL PAYMENT VIA FASTER PAYMENT TO J KELLY REFERENCE RENT`, `FASTER PAYMENTS RECEIPT REF.X FROM ACME`,
 * `DIRECT DEBIT PAYMENT TO DVLA REF …`, `BANK GIRO CREDIT REF ACME LTD, SALARY`.
 */
import type { BankFormat } from './format.ts';

export const SANTANDER: BankFormat = {
  bank: 'Santander UK',
  described: 'test/fixtures/narratives/banks/santander.json',
  prefixes: ['DIRECT DEBIT PAYMENT TO', 'BANK GIRO CREDIT'],
  transferPrefixes: ['BILL PAYMENT VIA FASTER PAYMENT TO', 'FASTER PAYMENTS RECEIPT'],
  // The amount clause after the payee carries no name, and its figures would otherwise be read as dates
  // or references.
  clauses: [
    {
      what: "a card payment's amount and rate clause (`,4.80 GBP, RATE 1.00/GBP`)",
      when: ',',
      pattern: /,\s*\d[\d,]*\.\d{2}\s*[A-Z]{3}\b(?:\s*,\s*RATE\s*[\d.]+\s*\/\s*[A-Z]{3})?/g,
    },
  ],
};
