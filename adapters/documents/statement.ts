/**
 * `readStatement`: a bank statement PDF (text layer) → its bank, account, period, opening and closing
 * balances, transactions in the one model, the reconciliation of the balance chain, warnings and
 * tamper signals; or a typed failure saying why it cannot be read.
 */
import { at, present } from '../../src/lib/narrow.ts';
import { DEFAULT_ACCOUNT_ID, type Transaction } from '../../src/model/transaction.ts';
import { detectBank, profileFor, type BankProfile } from './banks/index.ts';
import { findAccount, findPeriod, findStatementDate, findSummary } from './facts.ts';
import type { OcrRead } from './ocr.ts';
import { isFailure, noTextFailure, readPdfText, type PdfText } from './pdf.ts';
import { reconcileChain } from './reconcile.ts';
import { readTables, vocabulary, type RawRow, type TableRead } from './table.ts';
import { chainSignals, fontSignals, metadataSignals, overlapSignals } from './tamper.ts';
import { inferYear, pageLines, type Line, type Money } from './text.ts';
import type { DocumentFailure, Period, ReadOptions, StatementResult } from './types.ts';

const signed = (m: Money): number => (m.sign === -1 ? -m.minor : m.minor);

/** The reading of a table with one profile, ready to be judged against the other candidates. */
interface Attempt {
  profile: BankProfile;
  table: TableRead;
}

function attempt(pages: Line[][], profile: BankProfile): Attempt {
  return { profile, table: readTables(pages, profile, vocabulary(profile)) };
}

/** Direction of each row: by column, by sign or CR/DR, or by the balance's movement when nothing else says. */
function amountsOf(rows: RawRow[], profile: BankProfile, warnings: string[]): number[] {
  const marks = new Set(rows.flatMap((r) => (r.amount?.mark ? [r.amount.mark] : [])));
  let convention = profile.signed;
  if (!convention) convention = marks.has('CR') || marks.has('C') ? 'cr_in' : 'minus_out';
  const crOnly = (marks.has('CR') || marks.has('C')) && !marks.has('DR') && !marks.has('D');
  const drOnly = (marks.has('DR') || marks.has('D')) && !marks.has('CR') && !marks.has('C');
  return rows.map((r) => {
    if (r.out && !r.in) return r.out.minor;
    if (r.in && !r.out) return -r.in.minor;
    if (r.out && r.in) {
      warnings.push(
        `a row on page ${r.page} has amounts in both the paid out and the paid in columns; the difference is used`,
      );
      return r.out.minor - r.in.minor;
    }
    const a = present(r.amount, 'amount'); // a row has an amount in one column at least
    if (a.sign === -1) return a.minor;
    if (a.sign === 1) return a.mark ? -a.minor : convention === 'cr_in' ? a.minor : -a.minor;
    if (convention === 'cr_in' || crOnly) return a.minor;
    if (drOnly) return -a.minor;
    return -a.minor;
  });
}

/** Fills in directions the amounts do not show from the printed balances before and after. */
function directionFromBalances(rows: RawRow[], amounts: number[], opening: number | null): void {
  let prev = opening;
  for (let i = 0; i < rows.length; i++) {
    const r = at(rows, i);
    if (r.amount && r.amount.sign === 0 && !r.amount.mark && prev !== null && r.balance) {
      const after = signed(r.balance);
      if (prev - r.amount.minor === after) amounts[i] = r.amount.minor;
      else if (prev + r.amount.minor === after) amounts[i] = -r.amount.minor;
    }
    prev = r.balance ? signed(r.balance) : prev === null ? null : prev - at(amounts, i);
  }
}

const fail = (reason: DocumentFailure['reason'], detail: string): DocumentFailure => ({
  ok: false,
  reason,
  detail,
});

export async function readStatement(pdf: Uint8Array, opts: ReadOptions = {}): Promise<StatementResult> {
  const doc = await readPdfText(pdf, {
    ...(opts.maxPages ? { maxPages: opts.maxPages } : {}),
    ...(opts.maxBytes ? { maxBytes: opts.maxBytes } : {}),
  });
  if (isFailure(doc)) return doc;
  const none = noTextFailure(doc, 'statement');
  if (none?.reason === 'image_only' && opts.ocr) {
    // A scan, and OCR asked for (off by default: README): OCR (loaded now, never before) gives positioned
    // words to the same reader, so the same profiles, reconciliation and checks apply.
    const { ocrPdf } = await import('./ocr.ts');
    const scan = await ocrPdf(pdf, doc, {
      ...(opts.ocr || {}),
      ...(opts.onOcr ? { onStart: opts.onOcr } : {}),
    });
    if (isFailure(scan)) return scan;
    return readStatementText(scan.text, opts, scan);
  }
  return readStatementText(doc, opts);
}

/** The statement reader on a document whose text has been read (`readPdfText`), or OCR's words on a scan. */
export function readStatementText(doc: PdfText, opts: ReadOptions = {}, scan?: OcrRead): StatementResult {
  const none = noTextFailure(doc, 'statement');
  if (none)
    return scan
      ? fail('image_only', "the PDF's pages are images with no text layer, and OCR found no text on them")
      : none;
  const pages = doc.pages.map(pageLines);
  const all = pages.flat();
  const text = all.map((l) => l.text).join('\n');
  const detected = detectBank(text);
  const forced = opts.bank ? profileFor(opts.bank) : null;
  const warnings: string[] = [];
  if (doc.encryptedWithoutPassword)
    warnings.push('the PDF is encrypted with an owner password only (it opens without one): read as usual');

  // The bank's own layout first; when it finds no table the generic one may still.
  let best = attempt(pages, forced ?? detected);
  if (!best.table.rows.length && best.profile.id !== 'generic') {
    const g = attempt(pages, profileFor('generic'));
    if (g.table.rows.length) best = g;
  }
  const { profile, table } = best;
  if (!table.rows.length) {
    return fail(
      'not_a_statement',
      table.headers.length
        ? 'a transaction table header was found but no rows under it'
        : 'no table of dated amounts with a balance was found',
    );
  }
  if (profile.id === 'generic' && detected.id !== 'generic')
    warnings.push(`read with the generic layout: the ${detected.name} layout found no table`);
  if (profile.id === 'generic' && detected.id === 'generic')
    warnings.push('the bank was not recognised; read with the generic layout');

  // Period: printed; else from the statement date; else from the rows.
  const firstPages = pages.slice(0, 2).flat();
  let period: Period | null = findPeriod(firstPages) ?? findPeriod(all);
  const statementDate = findStatementDate(all);
  const rowsDatedFully = table.rows.every((r) => !r.date || r.date.y !== null);
  const anchor: Period | null =
    period ??
    (statementDate ? { start: statementDate, end: statementDate } : null) ??
    (rowsDatedFully
      ? null
      : doc.info.created
        ? { start: doc.info.created.slice(0, 10), end: doc.info.created.slice(0, 10) }
        : null);
  if (!period && !statementDate && !rowsDatedFully)
    warnings.push(
      anchor
        ? 'no statement period is printed: years were taken from the PDF creation date'
        : 'no statement period is printed and the dates have no year',
    );

  // Dates: carried down from the last printed one (a date printed once a day), years from the period.
  const dates: (string | null)[] = [];
  let last: string | null = null;
  let undated = 0;
  for (const r of table.rows) {
    const d: string | null = r.date ? inferYear(r.date, anchor, last) : null;
    if (d) last = d;
    else if (!last) undated++;
    dates.push(d ?? last);
  }
  if (undated) warnings.push(`${undated} rows before the first printed date have no date`);
  const keep = table.rows.map((_, i) => dates[i] !== null);
  if (!period) {
    const ds = dates.filter((d): d is string => d !== null).sort();
    if (ds.length) {
      period = {
        start: statementDate && statementDate < at(ds, 0) ? statementDate : at(ds, 0),
        end: statementDate && statementDate > at(ds, ds.length - 1) ? statementDate : at(ds, ds.length - 1),
      };
      warnings.push('no statement period is printed: the period is taken from the first and last rows');
    } else return fail('not_a_statement', 'the table has no dates');
  }
  const outside = dates.filter(
    (d) => d && (d < addDays(period.start, -7) || d > addDays(period.end, 7)),
  ).length;
  if (outside)
    warnings.push(`${outside} rows are dated outside the statement period ${period.start} to ${period.end}`);

  const rows = table.rows.filter((_, i) => keep[i]);
  const rowDates = dates.filter((d): d is string => d !== null); // the dates of the rows kept
  const summary = findSummary(
    all.filter((l) => !table.used.has(l)),
    profile,
    period,
  );
  const amounts = amountsOf(rows, profile, warnings);
  const openingCp = table.checkpoints.find((c) => c.kind === 'opening' && c.after === 0);
  const openingPrinted = summary.opening
    ? signed(summary.opening.money)
    : openingCp
      ? signed(openingCp.balance)
      : null;
  if (rows.some((r) => r.amount && r.amount.sign === 0 && !r.amount.mark))
    directionFromBalances(rows, amounts, openingPrinted);

  // The chain.
  const closingCp = [...table.checkpoints]
    .reverse()
    .find((c) => c.kind === 'closing' && c.after === rows.length);
  const closingPrinted =
    summary.closing ?? (closingCp ? { money: closingCp.balance, page: closingCp.page } : undefined);
  const checkpoints = table.checkpoints
    .filter((c) => c !== closingCp || !!summary.closing)
    .filter((c) => !(c === openingCp && !summary.opening))
    .map((c) => ({ after: c.after, minor: signed(c.balance), page: c.page }));
  const totals = [
    ...(summary.in ? [{ kind: 'in' as const, minor: summary.in.money.minor, page: summary.in.page }] : []),
    ...(summary.out
      ? [{ kind: 'out' as const, minor: summary.out.money.minor, page: summary.out.page }]
      : []),
    ...table.totals,
  ];
  const chain = reconcileChain({
    rows: rows.map((r, i) => ({
      amount_minor: at(amounts, i),
      ...(r.balance ? { balance_minor: signed(r.balance) } : {}),
      page: r.page,
    })),
    opening: summary.opening
      ? { minor: signed(summary.opening.money), page: summary.opening.page }
      : openingCp
        ? { minor: signed(openingCp.balance), page: openingCp.page }
        : null,
    closing: closingPrinted ? { minor: signed(closingPrinted.money), page: closingPrinted.page } : null,
    checkpoints,
    totals,
  });
  const rec = chain.reconciliation;
  if (rec.opening_derived)
    warnings.push('no opening balance is printed: it was worked back from the first printed balance');
  if (!closingPrinted)
    warnings.push('no closing balance is printed: the closing balance is the last running balance');
  if (!rec.ok) {
    const first = at(rec.breaks, 0);
    warnings.push(
      `the statement does not reconcile: ${rec.breaks.length} place${rec.breaks.length === 1 ? '' : 's'} where a printed figure disagrees with opening balance + money in − money out (first: ${first.kind.replace('_', ' ')}${first.row !== null ? ` at row ${first.row}` : ''} on page ${first.page}, expected ${money(first.expected)}, printed ${money(first.printed)})`,
    );
  }
  if (rec.balances_checked === 0 && rec.totals_checked === 0)
    warnings.push('the statement prints no balance or total to check the rows against');

  // Transactions in the one model.
  const account = findAccount(firstPages);
  const accountId =
    opts.accountId ??
    (account.sort_code && account.last4 ? `${account.sort_code} ${account.last4}` : DEFAULT_ACCOUNT_ID);
  const currency = opts.currency ?? 'GBP';
  const perPage = new Map<number, number>();
  const transactions: Transaction[] = rows.map((r, i) => {
    const n = (perPage.get(r.page) ?? 0) + 1;
    perPage.set(r.page, n);
    const narrative = r.lines.join(' ').replace(/\s+/g, ' ').trim();
    const description = [r.type, narrative].filter(Boolean).join(' ');
    const tx: Transaction = {
      date: at(rowDates, i),
      amount_minor: amounts[i] === 0 ? 0 : at(amounts, i),
      currency,
      merchant_name: (r.lines[0] ?? r.type ?? '').trim() || description || 'UNKNOWN',
      account_id: accountId,
      source: 'documents',
      source_ref: `${doc.sha256.slice(0, 16)}:p${r.page}:r${n}`,
    };
    if (description) tx.description = description;
    if (r.balance) tx.balance_minor = signed(r.balance);
    return tx;
  });

  // On a scan, fonts and overlaps are OCR's, not the document's, and a figure that disagrees with the
  // balances either side is more likely a misread digit than an edit: a warning, not a tamper signal.
  const isolated = chainSignals(chain.isolated, (i) => at(rows, i).page);
  const tamper = scan
    ? metadataSignals(doc)
    : [
        ...metadataSignals(doc),
        ...fontSignals(rows, (r) => rows.indexOf(r)),
        ...overlapSignals(all),
        ...isolated,
      ];
  if (scan) {
    warnings.unshift(
      `read by OCR from a scan (${doc.pages.length} page${doc.pages.length === 1 ? '' : 's'}, OCR word confidence ${Math.round(scan.confidence * 100)}%): descriptions may hold misread characters; amounts are checked by the balance chain`,
    );
    for (const s of isolated)
      warnings.push(`${s.detail}: on a scan this is most likely an OCR misread of a digit`);
  }

  let confidence = profile.id === 'generic' ? 0.85 : 0.97;
  if (rec.balances_checked === 0 && rec.totals_checked === 0) confidence *= 0.6;
  if (rec.opening_derived) confidence -= 0.05;
  if (!rec.ok) confidence = Math.min(confidence, 0.5) - 0.05 * Math.min(rec.breaks.length, 6);
  confidence -= 0.1 * tamper.length;
  if (scan) confidence *= 0.9 * scan.confidence;
  confidence = Math.round(Math.max(0.05, Math.min(1, confidence)) * 100) / 100;

  return {
    ok: true,
    bank: detected.id,
    layout: profile.id,
    account,
    period,
    opening_balance_minor: chain.opening_minor,
    closing_balance_minor: chain.closing_minor,
    currency,
    transactions,
    reconciliation: rec,
    confidence,
    ...(scan
      ? {
          ocr: true as const,
          ocr_quality: {
            pages: doc.pages.length,
            word_confidence: scan.confidence,
            doubtful_words: scan.doubtfulWords,
            words: scan.words,
            ms_per_page: scan.pageMs,
          },
        }
      : {}),
    warnings,
    tamper_signals: tamper,
    pages: doc.pages.length,
    document_sha256: doc.sha256,
    metadata: doc.info,
  };
}

function addDays(iso: string, n: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

const money = (minor: number) => `${minor < 0 ? '-' : ''}£${(Math.abs(minor) / 100).toFixed(2)}`;
