/**
 * A small statement with known truth, and scans of it (tools/statements/scan.ts), for the OCR tests: an
 * HSBC month of eight rows, scanned clean or with one digit of one amount smudged out (a misread OCR
 * cannot avoid, which the balance chain must catch at that row).
 */
import { isFailure, readPdfText } from '../../adapters/documents/pdf.ts';
import { renderStatement, type Rendered } from '../../tools/statements/render.ts';
import { scanPdf, type ScanOptions } from '../../tools/statements/scan.ts';

/** The smudged row: `CARD PAYMENT TO NEXT RETAIL LTD`, 42.50. */
export const SMUDGED_ROW = 2;

export function eightRowStatement(): Promise<Rendered> {
  return renderStatement({
    layout: 'hsbc',
    holder: 'MR J EXAMPLE',
    sortCode: '20-45-77',
    accountNumber: '41234567',
    period: { start: '2026-05-01', end: '2026-05-31' },
    opening_minor: 120_000,
    rows: [
      { date: '2026-05-02', description: 'CARD PAYMENT TO TESCO STORES', amount_minor: 1_899 },
      { date: '2026-05-05', description: 'CARD PAYMENT TO BOOTS 1187', amount_minor: 715 },
      { date: '2026-05-08', description: 'CARD PAYMENT TO NEXT RETAIL LTD', amount_minor: 4_250 },
      { date: '2026-05-09', description: 'BGC ACME LOGISTICS LTD SALARY', amount_minor: -210_000 },
      { date: '2026-05-12', description: 'CARD PAYMENT TO GREGGS PLC', amount_minor: 626 },
      { date: '2026-05-15', description: 'DD OCTOPUS ENERGY', amount_minor: 9_500 },
      { date: '2026-05-21', description: 'CARD PAYMENT TO ASDA STORES 4412', amount_minor: 3_318 },
      { date: '2026-05-28', description: 'SO RENT FLAT 2', amount_minor: 85_000 },
    ],
  });
}

/** A scan of `statement` with the first digit of the row SMUDGED_ROW's amount painted over. */
export async function smudgedScan(statement: Rendered, scan: ScanOptions): Promise<Uint8Array> {
  const doc = await readPdfText(new Uint8Array(statement.pdf));
  const item = isFailure(doc) ? undefined : doc.pages[0]?.items.find((it) => it.str === '42.50');
  if (!item) throw new Error('the amount to smudge was not found on the statement');
  const erase = [
    { page: 1, x: item.x - 1, y: item.y - item.size, width: item.width * 0.22 + 1, height: item.size * 1.3 },
  ];
  return new Uint8Array(await scanPdf(new Uint8Array(statement.pdf), { ...scan, erase }));
}
