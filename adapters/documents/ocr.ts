/**
 * Reading a scanned (image-only) PDF by OCR: each page rendered by pdf.js (with @napi-rs/canvas, the
 * canvas pdf.js uses in Node) at 300 dpi, in greyscale, and read by tesseract.js with the English LSTM
 * model shipped in the npm package `@tesseract.js-data/eng` — offline: the model and the WebAssembly core
 * are read from node_modules, nothing is fetched. The words OCR finds, with their boxes, become text items
 * in points, as the text layer's are, so the same table reader, bank profiles and reconciliation apply.
 *
 * Everything here is loaded on the first scan only (a process that never sees one pays nothing), and runs
 * in the reading worker thread (worker.ts); tesseract.js starts one thread of its own beside it, ended
 * when the document is read.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as PdfjsApi from 'pdfjs-dist';
import { loadPdfjs, type PageText, type PdfText, type TextItem } from './pdf.ts';
import type { DocumentFailure, OcrOptions } from './types.ts';

export const OCR_DEFAULTS = { maxPages: 5, pageTimeoutMs: 30_000, dpi: 300 } as const;

/** What OCR read: the pages as text items, and how sure it was. */
export interface OcrRead {
  text: PdfText;
  /** Character-weighted mean of OCR's word confidences, 0–1. */
  confidence: number;
  /** Words OCR read with a confidence under 60%. */
  doubtfulWords: number;
  words: number;
  /** Time per page (render + OCR), ms. */
  pageMs: number[];
}

interface OcrBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
interface OcrWord {
  text: string;
  confidence: number;
  bbox: OcrBox;
  symbols?: { bbox: OcrBox }[];
}
interface OcrLine {
  words: OcrWord[];
  bbox: OcrBox;
  baseline: OcrBox;
}

const fail = (reason: DocumentFailure['reason'], detail: string): DocumentFailure => ({
  ok: false,
  reason,
  detail,
});

/** Where the English model is: the package's LSTM-only integer model (`4.0.0_best_int`). */
function langPath(): string {
  const dir = dirname(createRequire(import.meta.url).resolve('@tesseract.js-data/eng/package.json'));
  return join(dir, '4.0.0_best_int');
}

/**
 * A greyscale image as a binary PGM (P5), which Leptonica reads without decoding anything, smoothed by a
 * 3×3 box filter: a scan's grain and JPEG noise make the model misread digits (a 1 for a 7, a dropped
 * minus); smoothed, more of a page's figures read right (bench/ocr.bench.ts: statements that reconcile
 * 1 → 8 of 14 on 300 dpi scans).
 */
function pgm(rgba: Uint8ClampedArray, w: number, h: number): Buffer {
  const grey = new Uint8Array(w * h);
  for (let i = 0, o = 0; i < rgba.length; i += 4, o++)
    grey[o] = (77 * (rgba[i] ?? 0) + 150 * (rgba[i + 1] ?? 0) + 29 * (rgba[i + 2] ?? 0)) >> 8;
  // Separable: sums of three across, then of three of those down (edges keep their value).
  const across = new Uint16Array(w * h);
  for (let y = 0; y < h; y++) {
    const r = y * w;
    for (let x = 1; x < w - 1; x++)
      across[r + x] = (grey[r + x - 1] ?? 0) + (grey[r + x] ?? 0) + (grey[r + x + 1] ?? 0);
  }
  const head = Buffer.from(`P5\n${w} ${h}\n255\n`, 'latin1');
  const out = Buffer.allocUnsafe(head.length + w * h);
  head.copy(out, 0);
  out.set(grey, head.length);
  for (let y = 1; y < h - 1; y++) {
    const r = y * w;
    for (let x = 1; x < w - 1; x++)
      out[head.length + r + x] =
        ((across[r - w + x] ?? 0) + (across[r + x] ?? 0) + (across[r + w + x] ?? 0) + 4) / 9;
  }
  return out;
}

/** The lines of a tesseract.js result (blocks → paragraphs → lines). */
function linesOf(blocks: { paragraphs: { lines: OcrLine[] }[] }[] | null): OcrLine[] {
  const out: OcrLine[] = [];
  for (const b of blocks ?? []) for (const p of b.paragraphs) for (const l of p.lines) out.push(l);
  return out;
}

/**
 * OCR words as text items in points, top-left origin, deskewed: a scan is seldom straight (a degree
 * across a page moves a row's right end by several points, which would split it into two lines), so the
 * page's skew is the median slope of its long baselines and every word is turned back by it. A word's
 * y is its line's baseline under the word; its size is the line's cap height over 0.72 (Helvetica's).
 */
export function wordsToItems(lines: OcrLine[], scale: number, w: number, h: number): TextItem[] {
  const slopes = lines
    .filter((l) => l.baseline.x1 - l.baseline.x0 > 200)
    .map((l) => (l.baseline.y1 - l.baseline.y0) / (l.baseline.x1 - l.baseline.x0))
    .sort((a, b) => a - b);
  const slope = slopes.length ? (slopes[Math.floor(slopes.length / 2)] ?? 0) : 0;
  const angle = Math.atan(slope);
  const cos = Math.cos(-angle);
  const sin = Math.sin(-angle);
  const cx = w / 2;
  const cy = h / 2;
  const turn = (x: number, y: number) => ({
    x: cx + (x - cx) * cos - (y - cy) * sin,
    y: cy + (x - cx) * sin + (y - cy) * cos,
  });
  const items: TextItem[] = [];
  for (const l of lines) {
    const bl = l.baseline;
    const lineSlope = bl.x1 > bl.x0 ? (bl.y1 - bl.y0) / (bl.x1 - bl.x0) : 0;
    const baseAt = (x: number) => bl.y0 + (x - bl.x0) * lineSlope;
    const words = l.words.filter((wd) => wd.text.trim());
    if (!words.length) continue;
    const cap = Math.max(...words.map((wd) => baseAt((wd.bbox.x0 + wd.bbox.x1) / 2) - wd.bbox.y0));
    const size = Math.max(4, Math.min(30, cap / 0.72 / scale));
    for (const wd of words) {
      const mid = (wd.bbox.x0 + wd.bbox.x1) / 2;
      const a = turn(wd.bbox.x0, baseAt(wd.bbox.x0));
      const b = turn(wd.bbox.x1, baseAt(wd.bbox.x1));
      const m = turn(mid, baseAt(mid));
      items.push({
        str: fixFigure(wd.text.trim()),
        x: a.x / scale,
        y: m.y / scale,
        width: Math.max(0.1, (b.x - a.x) / scale),
        size,
        font: 'ocr',
        family: 'ocr',
      });
    }
  }
  return joinPence(items);
}

/**
 * The misreadings that are safe to undo: a zero among letters (`£0ut`, a header's `£Out`); a decimal point
 * read as a colon, semicolon or comma before the last two digits (`2:97`, `1,234;56`, `12,34`) — a
 * statement prints pence after a point, and a comma before two digits is never a thousands separator.
 * Nothing else is guessed: a figure OCR
 * gets wrong otherwise is left for the balance chain to catch.
 */
export function fixFigure(s: string): string {
  // A zero among letters is a capital O ("£0ut" is the "£Out" header); a word of digits stays as read.
  if (/^[£(]?[A-Za-z]*0[A-Za-z]+\)?:?$|^[£(]?[A-Za-z]+0[A-Za-z]*\)?:?$/.test(s)) return s.replace(/0/g, 'O');
  const m = /^([-(£]*\d{1,3}(?:,\d{3})*|[-(£]*\d+)[:;,](\d{2}\)?(?:CR|DR)?)$/.exec(s);
  return m ? `${m[1]}.${m[2]}` : s;
}

/**
 * A decimal point OCR lost between two words: `51 17` → `51.17`, when the pence are two digits on the
 * same baseline closer to the pounds than half the font size (a gap between columns is far wider).
 */
export function joinPence(items: TextItem[]): TextItem[] {
  const pounds = /^[-(£]*\d{1,3}(?:,\d{3})*$|^[-(£]*\d+$/;
  const pence = /^\d{2}\)?(?:CR|DR)?$/;
  const gone = new Set<TextItem>();
  const out: TextItem[] = [];
  for (const a of items) {
    if (gone.has(a)) continue;
    if (pounds.test(a.str)) {
      const b = items.find(
        (c) =>
          c !== a &&
          !gone.has(c) &&
          pence.test(c.str) &&
          Math.abs(c.y - a.y) < 0.3 * a.size &&
          c.x - (a.x + a.width) >= -0.1 * a.size &&
          c.x - (a.x + a.width) < 0.5 * a.size,
      );
      if (b) {
        gone.add(b);
        out.push({ ...a, str: `${a.str}.${b.str}`, width: b.x + b.width - a.x });
        continue;
      }
    }
    out.push(a);
  }
  return out;
}

/**
 * A minus OCR dropped: the word's box starts well before its first digit, and what is there is a
 * short horizontal bar at the height of a minus (LSTM models often lose a hyphen that starts a word).
 */
export function droppedMinus(word: OcrWord, grey: Buffer, head: number, w: number): boolean {
  const symbols = word.symbols ?? [];
  const first = symbols[0]?.bbox;
  if (!first || symbols.length < 3) return false;
  const h = word.bbox.y1 - word.bbox.y0;
  // The ink before the first digit: either outside every symbol, or inside a first symbol wider than a
  // digit (the minus and the digit read as one character).
  const digit = Math.max(...symbols.slice(1).map((x) => x.bbox.x1 - x.bbox.x0));
  const x0 = word.bbox.x0;
  const x1 = Math.max(first.x0, first.x1 - digit) - 1;
  if (x1 - x0 < 0.25 * h) return false;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  let dark = 0;
  for (let y = word.bbox.y0; y <= word.bbox.y1; y++)
    for (let x = x0; x <= x1; x++) {
      if ((grey[head + y * w + x] ?? 255) >= 110) continue;
      dark++;
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    }
  if (dark < 4) return false;
  const bw = maxX - minX + 1;
  const bh = maxY - minY + 1;
  const mid = ((minY + maxY) / 2 - word.bbox.y0) / h;
  return bw >= 0.2 * h && bh <= 0.25 * h && bw >= 2 * bh && mid > 0.35 && mid < 0.8;
}

const withTimeout = <T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> => {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms))),
  ]).finally(() => clearTimeout(timer));
};

/**
 * OCRs every page of an image-only PDF (`doc` is its text read, which found none) and returns the pages
 * as text items, or a failure: more pages than `maxPages`, a page slower than `pageTimeoutMs`.
 */
export async function ocrPdf(
  pdf: Uint8Array,
  doc: PdfText,
  o: OcrOptions & { onStart?: (pages: number) => void } = {},
): Promise<OcrRead | DocumentFailure> {
  const maxPages = o.maxPages ?? OCR_DEFAULTS.maxPages;
  const pageTimeoutMs = o.pageTimeoutMs ?? OCR_DEFAULTS.pageTimeoutMs;
  const dpi = OCR_DEFAULTS.dpi;
  if (doc.pages.length > maxPages)
    return fail(
      'image_only',
      `the PDF is a scan of ${doc.pages.length} pages with no text layer; scans are read by OCR up to ${maxPages} pages: send the statement as downloaded from the bank`,
    );
  o.onStart?.(doc.pages.length);
  const [{ createCanvas }, tesseract, pdfjs] = await Promise.all([
    import('@napi-rs/canvas'),
    import('tesseract.js'),
    loadPdfjs(),
  ]);
  const worker = await tesseract.createWorker('eng', tesseract.OEM.LSTM_ONLY, {
    langPath: langPath(),
    gzip: true,
    // Never write the model to a cache directory, never look for one: the package is the only source.
    cacheMethod: 'none',
  });
  let pdfDoc: PdfjsApi.PDFDocumentProxy | undefined;
  try {
    await worker.setParameters({
      // One uniform block: a statement's table read row by row across its columns (sparse text, which
      // reads each run apart, misreads more figures in this corpus).
      tessedit_pageseg_mode: tesseract.PSM.SINGLE_BLOCK,
      preserve_interword_spaces: '1',
      // The render's resolution (a PGM carries none; tesseract would guess and say so).
      user_defined_dpi: String(dpi),
      // Marks a statement never prints, which OCR otherwise reads in place of a minus, a point or a 1.
      tessedit_char_blacklist: '|{}~§¢©®=<>[]_',
    });
    pdfDoc = await pdfjs.getDocument({
      data: new Uint8Array(pdf),
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      verbosity: 0,
    }).promise;
    const pages: PageText[] = [];
    const pageMs: number[] = [];
    let chars = 0;
    let weighted = 0;
    let doubtful = 0;
    let words = 0;
    for (let n = 1; n <= pdfDoc.numPages; n++) {
      const t0 = performance.now();
      const page = await pdfDoc.getPage(n);
      const viewport = page.getViewport({ scale: dpi / 72 });
      const w = Math.ceil(viewport.width);
      const h = Math.ceil(viewport.height);
      const canvas = createCanvas(w, h);
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, w, h);
      // @napi-rs/canvas is the HTML canvas API pdf.js draws on in Node (pdf.js's own choice there).
      await page.render({ canvas, viewport }).promise;
      const image = pgm(ctx.getImageData(0, 0, w, h).data, w, h);
      page.cleanup();
      const r = await withTimeout(worker.recognize(image, {}, { blocks: true, text: false }), pageTimeoutMs);
      if (r === 'timeout')
        return fail(
          'timeout',
          `OCR of page ${n} of the scan took longer than ${pageTimeoutMs} ms; the scan may be too large or unclear`,
        );
      const lines = linesOf(r.data.blocks);
      const head = image.indexOf(0x0a, image.indexOf(0x0a, 3) + 1) + 1;
      for (const l of lines)
        for (const wd of l.words) {
          if (/^\d[\d,]*\.\d{2}$/.test(fixFigure(wd.text.trim())) && droppedMinus(wd, image, head, w))
            wd.text = `-${wd.text.trim()}`;
        }
      for (const l of lines)
        for (const wd of l.words) {
          const k = wd.text.trim().length;
          if (!k) continue;
          chars += k;
          weighted += k * wd.confidence;
          words++;
          if (wd.confidence < 60) doubtful++;
        }
      pages.push({
        number: n,
        width: viewport.width / (dpi / 72),
        height: viewport.height / (dpi / 72),
        items: wordsToItems(lines, dpi / 72, w, h),
      });
      pageMs.push(Math.round(performance.now() - t0));
    }
    return {
      text: { ...doc, pages },
      confidence: chars ? Math.round(weighted / chars) / 100 : 0,
      doubtfulWords: doubtful,
      words,
      pageMs,
    };
  } catch (e) {
    return fail('image_only', `the scan could not be read by OCR (${String(e).slice(0, 160)})`);
  } finally {
    await pdfDoc?.destroy().catch(() => undefined);
    await worker.terminate().catch(() => undefined);
  }
}
