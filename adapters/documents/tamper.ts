/**
 * Signs of tampering that a reader can see cheaply. None proves an edit and none stops the read: each is
 * reported for a person to weigh. Banks produce statements with their own document systems; a file last
 * written by a PDF editor, saved again after it was made, with a different font in one amount, with text
 * drawn over other text, or whose running balances cannot be true, deserves a look.
 */
import { at } from '../../src/lib/narrow.ts';
import type { PdfText } from './pdf.ts';
import type { RawRow } from './table.ts';
import type { Line } from './text.ts';
import type { TamperSignal } from './types.ts';

/**
 * Producers and creators that are editors or converters a person uses on a finished document — not the
 * systems banks print statements with. Public product names.
 */
const EDITORS: RegExp[] = [
  /photoshop/i,
  /illustrator/i,
  /acrobat (pro|standard)|adobe acrobat(?! distiller)(?! pdf library)/i,
  /pdf-?xchange/i,
  /foxit (phantom|editor|pdf editor)/i,
  /nitro/i,
  /sejda/i,
  /smallpdf/i,
  /ilovepdf/i,
  /pdfescape/i,
  /pdffiller/i,
  /pdfelement|wondershare/i,
  /able2extract/i,
  /soda pdf/i,
  /pdf candy/i,
  /dochub/i,
  /pdf24/i,
  /inkscape/i,
  /gimp/i,
  /canva/i,
  /microsoft.{0,10}word/i,
  /libreoffice|openoffice/i,
  /\bpages\b.*mac|macos.*quartz/i,
  /pdf editor/i,
  /master pdf/i,
  /pdfsam/i,
  /qoppa/i,
  /icecream pdf/i,
  /preview/i,
];

export function metadataSignals(doc: PdfText): TamperSignal[] {
  const out: TamperSignal[] = [];
  for (const [field, value] of [
    ['producer', doc.info.producer],
    ['creator', doc.info.creator],
  ] as const) {
    if (value && EDITORS.some((r) => r.test(value)))
      out.push({
        code: 'editor_metadata',
        detail: `the PDF's ${field} is "${value.slice(0, 80)}", an editor or converter rather than a bank's statement system`,
      });
  }
  if (doc.info.created && doc.info.modified) {
    const dt = Date.parse(doc.info.modified) - Date.parse(doc.info.created);
    if (dt > 60_000)
      out.push({
        code: 'modified_after_creation',
        detail: `the PDF was modified ${Math.round(dt / 60_000)} minutes after it was created (${doc.info.created} → ${doc.info.modified})`,
      });
  }
  if (doc.revisions > 1)
    out.push({
      code: 'incremental_update',
      detail: `the file was saved ${doc.revisions} times (incremental updates append changes to a finished PDF)`,
    });
  return out;
}

/**
 * An amount column whose cells are nearly all in one font, with a few in another, on the same page:
 * typed-over figures often come in the editor's font.
 */
export function fontSignals(rows: RawRow[], index: (r: RawRow) => number): TamperSignal[] {
  const out: TamperSignal[] = [];
  const byPage = new Map<number, RawRow[]>();
  for (const r of rows) {
    let list = byPage.get(r.page);
    if (!list) byPage.set(r.page, (list = []));
    list.push(r);
  }
  // Money columns are compared together per page: banks print all figures in one face.
  for (const [page, rs] of byPage) {
    const counts = new Map<string, number>();
    const cells: { row: RawRow; font: string }[] = [];
    for (const r of rs) {
      for (const f of Object.values(r.fonts)) {
        if (!f) continue;
        counts.set(f, (counts.get(f) ?? 0) + 1);
        cells.push({ row: r, font: f });
      }
    }
    if (counts.size < 2 || cells.length < 4) continue;
    const [major] = at(
      [...counts].sort((a, b) => b[1] - a[1]),
      0,
    ); // two fonts at least: checked above
    const odd = cells.filter((c) => c.font !== major);
    if (odd.length && odd.length <= Math.max(1, Math.floor(cells.length / 5))) {
      const rowsHit = [...new Set(odd.map((c) => index(c.row)))].sort((a, b) => a - b);
      out.push({
        code: 'font_change_in_column',
        detail: `${odd.length} of ${cells.length} amounts on page ${page} are in a different font from the rest`,
        rows: rowsHit,
        page,
      });
    }
  }
  return out;
}

/** Words drawn on top of other words (a figure covered and retyped). */
export function overlapSignals(lines: Line[]): TamperSignal[] {
  const out: TamperSignal[] = [];
  const pages = new Map<number, number>();
  for (const l of lines) {
    for (let i = 0; i < l.words.length; i++) {
      for (let j = i + 1; j < l.words.length; j++) {
        const a = at(l.words, i);
        const b = at(l.words, j);
        if (b.x0 >= a.x1) break;
        const overlap = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
        const narrower = Math.min(a.x1 - a.x0, b.x1 - b.x0);
        if (narrower > 0 && overlap > 0.5 * narrower && a.s !== b.s)
          pages.set(l.page, (pages.get(l.page) ?? 0) + 1);
      }
    }
  }
  for (const [page, n] of pages)
    out.push({
      code: 'overlapping_text',
      detail: `${n} place${n === 1 ? '' : 's'} on page ${page} where text is drawn over other text`,
      page,
    });
  return out;
}

export function chainSignals(isolated: number[], pageOf: (row: number) => number): TamperSignal[] {
  if (!isolated.length) return [];
  return [
    {
      code: 'impossible_running_balance',
      detail: `${isolated.length} row${isolated.length === 1 ? '' : 's'} whose amount or printed balance cannot be true: the balances either side agree with each other but not with ${isolated.length === 1 ? 'it' : 'them'}`,
      rows: isolated,
      page: pageOf(at(isolated, 0)),
    },
  ];
}
