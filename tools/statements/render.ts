/**
 * Draws a bank statement PDF with pdfkit in one of the layouts (layouts.ts), and returns the truth the
 * reader must find: every transaction as it was meant, the opening and closing balances, the period.
 * Options make the faults the reader must notice: a corrupted balance, a printed total that does not
 * add up, an amount in another font, an editor's metadata, a password.
 */
import { at, present } from '../../src/lib/narrow.ts';
import PDFDocument from 'pdfkit';
import { LAYOUTS, plain, pound, type GenColumn, type GenLayout } from './layouts.ts';

export interface StatementRow {
  date: string;
  description: string;
  /** Positive = money out (the gateway's sign). */
  amount_minor: number;
}

export interface StatementSpec {
  layout: GenLayout | keyof typeof LAYOUTS;
  holder: string;
  address?: string[];
  sortCode: string;
  accountNumber: string;
  period: { start: string; end: string };
  opening_minor: number;
  rows: StatementRow[];
  /** PDF metadata. Default: a bank-like document system. */
  producer?: string;
  creator?: string;
  created?: Date;
  modified?: Date;
  /** Faults to draw. */
  faults?: {
    /** Print this row's balance off by `by` minor units. */
    balance?: { row: number; by: number };
    /** Print the summary's money-out total off by this much. */
    totalOut?: number;
    /** Draw this row's amount in another font. */
    fontRow?: number;
    /** Cover this row's printed balance with a white box and print this text over it. */
    overprint?: { row: number; text: string };
    /** Encrypt with this user password. */
    password?: string;
  };
  rowsPerPage?: number;
}

export interface TruthRow {
  date: string;
  amount_minor: number;
  description: string;
  balance_minor?: number;
}

export interface Rendered {
  pdf: Buffer;
  pages: number;
  truth: {
    transactions: TruthRow[];
    opening_minor: number;
    closing_minor: number;
    period: { start: string; end: string };
    bank: string;
  };
}

const BOTTOM = 760;

function wrap(doc: PDFKit.PDFDocument, text: string, width: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = cur ? `${cur} ${word}` : word;
    if (cur && doc.widthOfString(next) > width) {
      out.push(cur);
      cur = word;
    } else cur = next;
  }
  if (cur) out.push(cur);
  return out.length ? out : [''];
}

function cell(doc: PDFKit.PDFDocument, c: GenColumn, text: string, y: number): void {
  const w = doc.widthOfString(text);
  const x = c.align === 'right' ? c.x + c.w - w : c.x;
  doc.text(text, x, y, { lineBreak: false });
}

interface Line {
  cells: Partial<Record<GenColumn['key'], string>>;
  font?: Partial<Record<GenColumn['key'], string>>;
  bold?: boolean;
  overprint?: string;
}

export async function renderStatement(spec: StatementSpec): Promise<Rendered> {
  const layout = typeof spec.layout === 'string' ? present(LAYOUTS[spec.layout], 'layout') : spec.layout;
  const created = spec.created ?? new Date(Date.parse(`${spec.period.end}T18:00:00Z`) + 86_400_000);
  const info: PDFKit.DocumentInfo = {
    Title: `${layout.bank} statement`,
    Producer: spec.producer ?? `${layout.bank} Document Services`,
    Creator: spec.creator ?? 'Statement Composition Engine 4.2',
    CreationDate: created,
  };
  if (spec.modified) info.ModDate = spec.modified;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    info,
    autoFirstPage: false,
    compress: true,
    ...(spec.faults?.password
      ? {
          userPassword: spec.faults.password,
          ownerPassword: `${spec.faults.password}-owner`,
          pdfVersion: '1.7' as const,
        }
      : {}),
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  const col = (k: GenColumn['key']) => layout.columns.find((c) => c.key === k);
  const descCol = present(col('desc'), 'the description column'); // every layout has one
  const lh = layout.size * 1.45;
  const money = layout.money ?? plain;

  // Balances and truth.
  let bal = spec.opening_minor;
  const truth: TruthRow[] = [];
  const balances: number[] = [];
  for (const r of spec.rows) {
    bal -= r.amount_minor;
    balances.push(bal);
  }
  const closing = bal;
  const lastOfDay = spec.rows.map((r, i) => spec.rows[i + 1]?.date !== r.date); // the last row too

  // Lines of the table, one group per transaction (kept together on a page).
  doc.font(layout.font).fontSize(layout.size);
  const groups: Line[][] = [];
  let prevDate = '';
  spec.rows.forEach((r, i) => {
    const code = layout.typeCode?.(r.description, r.amount_minor);
    const hasTypeCol = !!col('type');
    const narrative = code && !hasTypeCol ? `${code} ${r.description}` : r.description;
    const lines = wrap(doc, narrative, descCol.w);
    const showDate = !layout.datePerDay || r.date !== prevDate;
    prevDate = r.date;
    const showBalance = layout.balance === 'row' || lastOfDay[i];
    let printed = at(balances, i, 'balance');
    if (spec.faults?.balance?.row === i) printed += spec.faults.balance.by;
    const amountCells: Line['cells'] = {};
    if (col('amount'))
      amountCells.amount = (layout.signedAmount ?? ((m: number) => (m > 0 ? `-${plain(m)}` : plain(m))))(
        r.amount_minor,
      );
    else if (r.amount_minor > 0) amountCells.out = money(r.amount_minor);
    else amountCells.in = money(-r.amount_minor);
    const balanceText = (layout.balanceText ?? ((m: number) => (m < 0 ? `-${plain(m)}` : plain(m))))(printed);
    const group: Line[] = lines.map((t) => ({ cells: { desc: t } }));
    const amountAt = layout.amountLine === 'first' ? 0 : group.length - 1;
    const balanceAt = layout.balanceOnLastLine ? group.length - 1 : amountAt;
    const firstLine = at(group, 0, 'line'); // wrap gives one line at least
    const amountLine = at(group, amountAt, 'line');
    const balanceLine = at(group, balanceAt, 'line');
    Object.assign(amountLine.cells, amountCells);
    if (showBalance) balanceLine.cells.balance = balanceText;
    if (showDate) firstLine.cells.date = layout.date(r.date);
    if (code && hasTypeCol) firstLine.cells.type = code;
    if (spec.faults?.fontRow === i)
      amountLine.font = { out: 'Times-Roman', in: 'Times-Roman', amount: 'Times-Roman' };
    if (spec.faults?.overprint?.row === i) balanceLine.overprint = spec.faults.overprint.text;
    groups.push(group);
    truth.push({
      date: r.date,
      amount_minor: r.amount_minor,
      description: code ? `${code} ${r.description}` : r.description,
      ...(showBalance ? { balance_minor: printed } : {}),
    });
  });

  // Pages.
  const totalIn = spec.rows.reduce((s, r) => s + (r.amount_minor < 0 ? -r.amount_minor : 0), 0);
  const totalOut =
    spec.rows.reduce((s, r) => s + (r.amount_minor > 0 ? r.amount_minor : 0), 0) +
    (spec.faults?.totalOut ?? 0);
  const summaryValue = { opening: spec.opening_minor, in: totalIn, out: totalOut, closing };
  let pageNo = 0;
  let y = 0;
  const pageBreaks: number[] = [];
  const newPage = () => {
    doc.addPage({ size: 'A4', margin: 0 });
    pageNo++;
    y = 40;
    doc.font(layout.bold).fontSize(16).text(layout.bank, 40, y, { lineBreak: false });
    doc.font(layout.font).fontSize(layout.size);
    y += 30;
    if (pageNo === 1) {
      const address = [spec.holder, ...(spec.address ?? ['14 Acacia Avenue', 'Leeds', 'LS6 2AB'])];
      for (const a of address) {
        doc.text(a, 40, y, { lineBreak: false });
        y += lh;
      }
      y += lh;
      for (const parts of layout.account({
        holder: spec.holder,
        sortCode: spec.sortCode,
        accountNumber: spec.accountNumber,
      })) {
        let x = 40;
        for (const p of parts) {
          doc.text(p, x, y, { lineBreak: false });
          x += Math.max(140, doc.widthOfString(p) + 30);
        }
        y += lh;
      }
      doc.text(layout.period(spec.period.start, spec.period.end), 40, y, { lineBreak: false });
      y += lh * 2;
      const labels = layout.summary.labels(spec.period.start, spec.period.end);
      if (layout.summary.style === 'inline') {
        for (const [label, key] of labels) {
          doc.text(label, 40, y, { lineBreak: false });
          const v = summaryValue[key];
          const t = key === 'out' && layout.id === 'santander' ? `-£${plain(v)}` : pound(v);
          doc.text(t, 330 - doc.widthOfString(t), y, { lineBreak: false });
          y += lh;
        }
        y += lh;
      } else if (layout.summary.style === 'stacked') {
        let x = 40;
        for (const [label, key] of labels) {
          doc.text(label, x, y, { lineBreak: false });
          doc.text(pound(summaryValue[key]), x, y + lh, { lineBreak: false });
          x += Math.max(110, doc.widthOfString(label) + 20);
        }
        y += lh * 3;
      }
    } else {
      doc.text(`${spec.holder}   Sort code ${spec.sortCode}   Account ${spec.accountNumber}`, 40, y, {
        lineBreak: false,
      });
      y += lh * 2;
    }
    // Table header.
    doc.font(layout.bold);
    const depth = Math.max(...layout.columns.map((c) => c.label.length));
    for (let k = 0; k < depth; k++) {
      for (const c of layout.columns) {
        const t = c.label[k];
        if (t) cell(doc, c, t, y);
      }
      y += lh;
    }
    doc.font(layout.font);
    y += 2;
  };
  const drawLine = (l: Line) => {
    for (const c of layout.columns) {
      const t = l.cells[c.key];
      if (t === undefined) continue;
      const f = l.font?.[c.key];
      if (f) doc.font(f);
      cell(doc, c, t, y);
      if (f) doc.font(layout.font);
      if (c.key === 'balance' && l.overprint) {
        doc
          .save()
          .rect(c.x, y - 1, c.w, lh - 1)
          .fill('#ffffff')
          .restore();
        doc.fillColor('#000000');
        cell(doc, c, l.overprint, y);
      }
    }
    y += lh;
  };
  const footer = () => {
    doc.fontSize(6).text(layout.legal, 40, 800, { lineBreak: false, width: 515 });
    doc.fontSize(layout.size);
  };
  newPage();
  let running = spec.opening_minor;
  const fwd = (label: string, value: number, date?: string) =>
    drawLine({
      cells: {
        ...(date ? { date } : {}),
        desc: label,
        balance: value < 0 ? `-${plain(value)}` : plain(value),
      },
    });
  if (layout.openingRow)
    fwd(
      layout.openingRow,
      spec.opening_minor,
      layout.openingRowDated ? layout.date(spec.period.start) : undefined,
    );
  else if (layout.pageForward) fwd(layout.pageForward.bf, spec.opening_minor, layout.date(spec.period.start));
  const perPage = spec.rowsPerPage ?? Infinity;
  let onPage = 0;
  groups.forEach((g, i) => {
    const room = BOTTOM - (layout.pageForward ? lh : 0);
    if (y + g.length * lh > room || onPage >= perPage) {
      if (layout.pageForward) fwd(layout.pageForward.cf, running);
      footer();
      pageBreaks.push(i);
      newPage();
      onPage = 0;
      if (layout.pageForward) fwd(layout.pageForward.bf, running);
    }
    for (const l of g) drawLine(l);
    running = at(balances, i, 'balance');
    onPage++;
  });
  if (layout.closingRow) fwd(layout.closingRow, closing);
  else if (layout.pageForward) fwd(layout.pageForward.cf, closing);
  footer();
  doc.end();
  const pdf = await done;
  return {
    pdf,
    pages: pageNo,
    truth: {
      transactions: truth,
      opening_minor: spec.opening_minor,
      closing_minor: closing,
      period: spec.period,
      bank: layout.id,
    },
  };
}
