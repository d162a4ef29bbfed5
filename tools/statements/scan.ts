/**
 * Scanned statements with known truth (dev-only): a text statement drawn by render.ts is rendered page by
 * page to a greyscale image as a scanner would take it — at a scan resolution (200–300 dpi), on a grey
 * paper tone, with a skew of up to a degree and sensor noise — and wrapped back, one JPEG per page, into
 * a PDF that has no text layer. The truth is the text statement's.
 *
 * Rendering is pdf.js with @napi-rs/canvas (the canvas pdf.js uses in Node); the wrapping is pdfkit.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import PDFDocument from 'pdfkit';
import { loadPdfjs } from '../../adapters/documents/pdf.ts';

export interface ScanOptions {
  /** Scan resolution. Default 300. */
  dpi?: number;
  /** Skew in degrees (a scanner's: |skew| ≤ 1). Default 0. Each page alternates the sign. */
  skewDeg?: number;
  /** Standard deviation of the grey-level noise (0–255 scale). Default 0. */
  noise?: number;
  /** The paper's grey (255 = white). Default 255. */
  paper?: number;
  /** JPEG quality 0–100. Default 85. */
  quality?: number;
  /** Seed of the noise. Default 1. */
  seed?: number;
  /**
   * Smudges: boxes painted over in the paper's tone before the page is scanned, in points from the
   * page's top-left corner (e.g. a digit of one amount, for a misread OCR cannot avoid).
   */
  erase?: { page: number; x: number; y: number; width: number; height: number }[];
}

/** A small deterministic generator (mulberry32), so the same options make the same scan. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Renders each page of a text PDF as a scanner would and returns an image-only PDF of the same pages. */
export async function scanPdf(pdf: Uint8Array, o: ScanOptions = {}): Promise<Buffer> {
  const dpi = o.dpi ?? 300;
  const scale = dpi / 72;
  const rnd = random(o.seed ?? 1);
  const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const pdfjs = await loadPdfjs();
  // pdf.js's own data for the standard 14 fonts (Helvetica …): without it the canvas draws them in a
  // system font that looks nothing like the statement.
  const dir = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(pdf),
    isEvalSupported: false,
    verbosity: 0,
    standardFontDataUrl: join(dir, 'standard_fonts') + '/',
  }).promise;
  const out = new PDFDocument({ autoFirstPage: false, info: { Producer: 'Scanner 3000 Image Services' } });
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve) => out.on('end', resolve));
  try {
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const viewport = page.getViewport({ scale });
      const w = Math.ceil(viewport.width);
      const h = Math.ceil(viewport.height);
      // The page as printed, on white.
      const printed = createCanvas(w, h);
      const pctx = printed.getContext('2d');
      pctx.fillStyle = '#ffffff';
      pctx.fillRect(0, 0, w, h);
      // @napi-rs/canvas is the HTML canvas API pdf.js draws on in Node.
      await page.render({ canvas: printed, viewport }).promise;
      pctx.fillStyle = '#ffffff';
      for (const e of o.erase ?? [])
        if (e.page === n) pctx.fillRect(e.x * scale, e.y * scale, e.width * scale, e.height * scale);
      // Scanned: skewed on the glass (alternating sign), on grey paper.
      const scan = createCanvas(w, h);
      const sctx = scan.getContext('2d');
      const paper = o.paper ?? 255;
      sctx.fillStyle = `rgb(${paper},${paper},${paper})`;
      sctx.fillRect(0, 0, w, h);
      sctx.globalCompositeOperation = 'multiply';
      sctx.translate(w / 2, h / 2);
      sctx.rotate(((n % 2 ? 1 : -1) * (o.skewDeg ?? 0) * Math.PI) / 180);
      sctx.translate(-w / 2, -h / 2);
      sctx.drawImage(printed, 0, 0);
      sctx.setTransform(1, 0, 0, 1, 0, 0);
      sctx.globalCompositeOperation = 'source-over';
      // Greyscale and sensor noise.
      const img = sctx.getImageData(0, 0, w, h);
      const d = img.data;
      const sigma = o.noise ?? 0;
      for (let i = 0; i < d.length; i += 4) {
        let g = 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!;
        if (sigma) g += sigma * gauss();
        g = g < 0 ? 0 : g > 255 ? 255 : g;
        d[i] = d[i + 1] = d[i + 2] = g;
      }
      sctx.putImageData(img, 0, 0);
      const jpeg = await scan.encode('jpeg', o.quality ?? 85);
      const pw = viewport.width / scale;
      const ph = viewport.height / scale;
      out.addPage({ size: [pw, ph], margin: 0 });
      out.image(jpeg, 0, 0, { width: pw, height: ph });
      page.cleanup();
    }
  } finally {
    await doc.destroy();
  }
  out.end();
  await ended;
  return Buffer.concat(chunks);
}
