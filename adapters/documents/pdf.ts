/**
 * Opening a PDF with pdf.js (the library pdf-parse is built on) and taking what the reader needs: each
 * text item with its position, size and font, the document's metadata, and cheap facts about the file
 * (image XObjects, incremental updates). Nothing here knows about statements.
 *
 * Hostile input: the byte and page limits are checked before any page is parsed; pdf.js runs with eval
 * and font loading off; time and memory are bounded by the worker that runs the reader (worker.ts).
 */
import { errorMessage, isRecord } from '../../src/lib/narrow.ts';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as PdfjsApi from 'pdfjs-dist';
import type { DocumentFailure } from './types.ts';

type Pdfjs = typeof PdfjsApi;

declare global {
  /** pdf.js's worker half, when it runs in this thread ("fake worker"): pdf.js looks for it here. */
  var pdfjsWorker: unknown;
}

/** A transform matrix's entries (pdf.js types it as any[]): numbers, or undefined where not one. */
const numbers = (xs: readonly unknown[]): Array<number | undefined> =>
  xs.map((x) => (typeof x === 'number' ? x : undefined));

/** One run of text as the PDF draws it, in points from the page's top-left corner. */
export interface TextItem {
  str: string;
  x: number;
  /** Baseline, from the top of the page. */
  y: number;
  width: number;
  /** Font size (the text matrix's vertical scale). */
  size: number;
  /** pdf.js's id for the font resource: different ids are different fonts (or different subsets). */
  font: string;
  /** The font's family as pdf.js reports it. */
  family: string;
}

export interface PageText {
  number: number;
  width: number;
  height: number;
  items: TextItem[];
}

export interface PdfText {
  pages: PageText[];
  info: { producer: string | null; creator: string | null; created: string | null; modified: string | null };
  sha256: string;
  /** How many image XObjects the file declares (a scanned statement is images and no text). */
  images: number;
  /** How many times the file was saved: more than one `%%EOF` is an incremental update (an edit). */
  revisions: number;
  encryptedWithoutPassword: boolean;
}

export const DEFAULT_MAX_PAGES = 50;
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

let loaded: Promise<Pdfjs> | undefined;

/**
 * pdf.js's legacy build (it carries the polyfills Node 20 needs), minified: the unminified build with its
 * source maps takes several times as long to load. The worker half runs in this thread ("fake worker").
 */
export function loadPdfjs(): Promise<Pdfjs> {
  loaded ??= (async () => {
    // @ts-expect-error -- the minified build has no type declarations of its own; it is the same API.
    globalThis.pdfjsWorker ??= await import('pdfjs-dist/legacy/build/pdf.worker.min.mjs');
    // @ts-expect-error -- as above
    const pdfjs: unknown = await import('pdfjs-dist/legacy/build/pdf.min.mjs');
    // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- pdfjs-dist's own declarations, for the minified build of the same version that has none
    return pdfjs as Pdfjs;
  })();
  return loaded;
}

const pdfjsDir = (() => {
  try {
    return dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  } catch {
    return undefined;
  }
})();

const fail = (reason: DocumentFailure['reason'], detail: string): DocumentFailure => ({
  ok: false,
  reason,
  detail,
});

/** The PDF header may sit anywhere in the first 1,024 bytes (ISO 32000-1, 7.5.2; readers accept that). */
export function looksLikePdf(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).toString(
    'latin1',
  );
  return head.includes('%PDF-');
}

function countMatches(text: string, re: RegExp): number {
  let n = 0;
  for (const _ of text.matchAll(re)) n++;
  return n;
}

/** Facts read from the raw bytes: stream dictionaries are never compressed, so image XObjects show. */
function rawFacts(bytes: Uint8Array): { images: number; revisions: number } {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const images = countMatches(text, /\/Subtype\s*\/Image\b/g);
  // A linearized file has two %%EOF from its first save; count what follows the first startxref chain.
  const eofs = countMatches(text, /%%EOF/g);
  const linearized = /\/Linearized\s/.test(text.slice(0, 2048));
  return { images, revisions: Math.max(1, linearized ? eofs - 1 : eofs) };
}

/** A PDF date (`D:20260131120000Z`, `D:20260131120000+01'00'`) as ISO 8601, or null. */
export function pdfDate(s: unknown): string | null {
  if (typeof s !== 'string') return null;
  const m = /^D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?'?/.exec(
    s.trim(),
  );
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', tz, th = '00', tm = '00'] = m;
  const zone = !tz || tz === 'Z' || tz === 'z' ? 'Z' : `${tz}${th}:${tm}`;
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${se}${zone}`);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/**
 * Reads every page's text items, or a typed failure: not a PDF, corrupt, encrypted, too large, too many
 * pages. A PDF with no text is returned as it is: the caller decides between `image_only` and not a
 * document of the kind it wants.
 */
export async function readPdfText(
  input: Uint8Array,
  limits: { maxPages?: number; maxBytes?: number } = {},
): Promise<PdfText | DocumentFailure> {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxPages = limits.maxPages ?? DEFAULT_MAX_PAGES;
  if (!(input instanceof Uint8Array)) return fail('not_pdf', 'the document is not bytes');
  if (input.byteLength === 0) return fail('not_pdf', 'the file is empty');
  if (input.byteLength > maxBytes)
    return fail('too_large', `the file is ${input.byteLength} bytes; the limit is ${maxBytes}`);
  if (!looksLikePdf(input)) return fail('not_pdf', 'the file does not start with a PDF header (%PDF-)');
  const sha256 = createHash('sha256').update(input).digest('hex');
  const facts = rawFacts(input);
  const pdfjs = await loadPdfjs();
  // pdf.js may transfer (detach) the buffer it is given: give it a copy, never the caller's bytes.
  const data = new Uint8Array(input);
  const task = pdfjs.getDocument({
    data,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
    verbosity: 0,
    // Images are never decoded for text, but keep any that are to a sane size.
    maxImageSize: 25_000_000,
    ...(pdfjsDir
      ? {
          cMapUrl: join(pdfjsDir, 'cmaps') + '/',
          cMapPacked: true,
          standardFontDataUrl: join(pdfjsDir, 'standard_fonts') + '/',
        }
      : {}),
  });
  let doc: PdfjsApi.PDFDocumentProxy;
  try {
    doc = await task.promise;
  } catch (e) {
    await task.destroy().catch(() => undefined);
    const name = isRecord(e) ? e.name : undefined;
    if (name === 'PasswordException')
      return fail('encrypted', 'the PDF is protected by a password: ask for a copy without one');
    return fail(
      'corrupt',
      `the PDF cannot be opened (${name === 'InvalidPDFException' ? 'invalid structure' : (errorMessage(e) || 'unknown error').slice(0, 120)})`,
    );
  }
  try {
    if (doc.numPages < 1) return fail('corrupt', 'the PDF has no pages');
    if (doc.numPages > maxPages)
      return fail('too_many_pages', `the PDF has ${doc.numPages} pages; the limit is ${maxPages}`);
    let info: Record<string, unknown> = {};
    try {
      const meta: { info?: unknown } = await doc.getMetadata();
      if (isRecord(meta.info)) info = meta.info;
    } catch {
      /* metadata is optional */
    }
    const pages: PageText[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      let page: PdfjsApi.PDFPageProxy;
      let content: Awaited<ReturnType<PdfjsApi.PDFPageProxy['getTextContent']>>;
      try {
        page = await doc.getPage(n);
        content = await page.getTextContent({ disableNormalization: false });
      } catch (e) {
        return fail('corrupt', `page ${n} cannot be read (${errorMessage(e).slice(0, 120)})`);
      }
      const [, , w = 0, h = 0] = page.view; // [x0, y0, x1, y1]
      const items: TextItem[] = [];
      for (const it of content.items) {
        if (!('str' in it)) continue;
        if (!it.str || !it.str.trim()) continue;
        const [a, b, , d, e, f] = numbers(it.transform);
        // Only horizontal text: statements are not rotated; rotated text is a watermark or a margin note.
        if (Math.abs(b ?? 0) > 1e-3 * Math.abs(a ?? 1)) continue;
        const size = Math.abs(d ?? 0) || Math.abs(a ?? 0) || it.height || 10;
        items.push({
          str: it.str,
          x: e ?? 0,
          y: h - (f ?? 0),
          width: it.width,
          size,
          font: it.fontName,
          family: content.styles[it.fontName]?.fontFamily ?? '',
        });
      }
      pages.push({ number: n, width: w, height: h, items });
      page.cleanup();
    }
    const encryptFilter = str(info.EncryptFilterName);
    return {
      pages,
      info: {
        producer: str(info.Producer),
        creator: str(info.Creator),
        created: pdfDate(info.CreationDate),
        modified: pdfDate(info.ModDate),
      },
      sha256,
      images: facts.images,
      revisions: facts.revisions,
      encryptedWithoutPassword: encryptFilter !== null,
    };
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}

/** True when the failure came back instead of text. */
export const isFailure = (x: unknown): x is DocumentFailure => isRecord(x) && x.ok === false;

/**
 * A document with (almost) no text: image-only when it holds images (a scan or a photo), otherwise a PDF
 * with nothing to read. `null` when there is text to read.
 */
export function noTextFailure(doc: PdfText, what: string): DocumentFailure | null {
  const chars = doc.pages.reduce((s, p) => s + p.items.reduce((t, i) => t + i.str.trim().length, 0), 0);
  if (chars >= 20 * doc.pages.length) return null;
  if (doc.images > 0) {
    return fail(
      'image_only',
      `the PDF's ${doc.pages.length === 1 ? 'page is an image' : 'pages are images'} with no text layer (a scan or a photo): scans are not read by default, as OCR misreads enough figures that many scanned statements do not reconcile; send the PDF as downloaded from the bank or employer`,
    );
  }
  return fail(what === 'statement' ? 'not_a_statement' : 'not_a_payslip', 'the PDF has no text to read');
}
