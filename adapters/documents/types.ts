/**
 * The documents library's public types: what `readStatement`, `readPayslip`, `reconcileStatements` and
 * `matchPayslips` return. Money is integer minor units (pence); dates are ISO `YYYY-MM-DD`.
 */
import type { Transaction } from '../../src/model/transaction.ts';

/** The banks whose layouts have a profile (banks/); `generic` is the fallback that finds any dated money table. */
export type BankId =
  | 'barclays'
  | 'hsbc'
  | 'lloyds'
  | 'halifax'
  | 'natwest'
  | 'rbs'
  | 'santander'
  | 'nationwide'
  | 'monzo'
  | 'starling'
  | 'tsb'
  | 'coop'
  | 'metro'
  | 'generic';

/** Why a document could not be read. Every failure carries a `detail` for people. */
export type FailureReason =
  | 'not_pdf'
  | 'corrupt'
  | 'encrypted'
  | 'image_only'
  | 'not_a_statement'
  | 'not_a_payslip'
  | 'too_many_pages'
  | 'too_large'
  | 'timeout'
  | 'out_of_memory'
  | 'worker_failed';

export interface DocumentFailure {
  ok: false;
  reason: FailureReason;
  detail: string;
}

export interface ReadOptions {
  /** More pages than this is a `too_many_pages` failure before any page is read. Default 50. */
  maxPages?: number;
  /** More bytes than this is a `too_large` failure. Default 20 MiB. */
  maxBytes?: number;
  /** The account id the transactions carry. Default: sort code and last four digits when printed, else "statement". */
  accountId?: string;
  /** Force a layout instead of detecting the bank (the detected bank is still reported). */
  bank?: BankId;
  /** Currency of the amounts. Default GBP. */
  currency?: string;
  /**
   * Scanned (image-only) statements: refused (`image_only`) unless this is given, then read by OCR with
   * these limits. Off by default: on synthetic scans OCR misreads enough figures that few statements
   * reconcile (README has the figures).
   */
  ocr?: OcrOptions | false;
  /** Called when a scan's OCR starts, with its page count (the worker extends its deadline by it). */
  onOcr?: (pages: number) => void;
}

export interface OcrOptions {
  /** A scan of more pages than this is refused (`image_only`) before any is read. Default 5. */
  maxPages?: number;
  /** Time allowed for one page's rendering and OCR; past it the read fails with `timeout`. Default 30 s. */
  pageTimeoutMs?: number;
}

/** How a scanned statement was read (present only when OCR read it). */
export interface OcrQuality {
  pages: number;
  /** OCR's own confidence in its words: the character-weighted mean, 0–1. */
  word_confidence: number;
  /** Words OCR read with a confidence under 60%. */
  doubtful_words: number;
  words: number;
  /** Rendering and OCR time per page, ms. */
  ms_per_page: number[];
}

export interface Period {
  start: string;
  end: string;
}

export interface AccountDetails {
  /** `NN-NN-NN` when printed. */
  sort_code: string | null;
  /** The last four digits of the account number when printed (never the whole number). */
  last4: string | null;
  /** The account holder's name when printed. */
  holder: string | null;
}

/** A place where the balance chain or a printed total does not add up. */
export interface ReconciliationBreak {
  /**
   * Index in `transactions` of the row whose printed balance disagrees (`running_balance`), of the last
   * row (`closing_balance`), or null for a printed total.
   */
  row: number | null;
  kind: 'running_balance' | 'closing_balance' | 'total_in' | 'total_out' | 'opening_balance';
  /** What the opening balance and the amounts say it should be. */
  expected: number;
  /** What the statement prints. */
  printed: number;
  /** The page the printed figure is on (1-based). */
  page: number;
}

export interface Reconciliation {
  /** Every printed balance and total agrees with opening + money in − money out. */
  ok: boolean;
  breaks: ReconciliationBreak[];
  /** How many printed running balances were checked against the chain. */
  balances_checked: number;
  /** How many printed totals (money in, money out) were checked against the rows. */
  totals_checked: number;
  /** The opening balance was not printed and was worked back from the first printed balance. */
  opening_derived: boolean;
}

export interface TamperSignal {
  code:
    | 'editor_metadata'
    | 'modified_after_creation'
    | 'incremental_update'
    | 'font_change_in_column'
    | 'overlapping_text'
    | 'impossible_running_balance';
  detail: string;
  /** Rows of `transactions` concerned, when the signal is about rows. */
  rows?: number[];
  page?: number;
}

export interface StatementRead {
  ok: true;
  bank: BankId;
  /** The layout the rows were read with: the bank's own, or `generic`. */
  layout: BankId;
  account: AccountDetails;
  period: Period;
  opening_balance_minor: number;
  closing_balance_minor: number;
  currency: string;
  transactions: Transaction[];
  reconciliation: Reconciliation;
  /**
   * 0–1: 1 is a statement whose every printed balance and total reconciles, read with its bank's layout.
   * A scan read by OCR has at most 0.9 of that, times OCR's word confidence (README).
   */
  confidence: number;
  /** The statement was a scan, read by OCR (absent for a text-layer PDF). */
  ocr?: true;
  ocr_quality?: OcrQuality;
  warnings: string[];
  tamper_signals: TamperSignal[];
  pages: number;
  /** The PDF's SHA-256 (hex): the same file read twice is the same document. */
  document_sha256: string;
  metadata: {
    producer: string | null;
    creator: string | null;
    created: string | null;
    modified: string | null;
  };
}

export type StatementResult = StatementRead | DocumentFailure;

export interface PayslipRead {
  ok: true;
  employer: string | null;
  employee: string | null;
  pay_date: string;
  /** The pay period when printed as dates; `tax_period` when printed as a month or week number. */
  period: Period | null;
  tax_period: string | null;
  gross_minor: number;
  net_minor: number;
  tax_minor: number | null;
  ni_minor: number | null;
  pension_minor: number | null;
  /** Gross less the printed deductions equals net (null when the deductions are not all printed). */
  adds_up: boolean | null;
  currency: string;
  warnings: string[];
  tamper_signals: TamperSignal[];
  document_sha256: string;
}

export type PayslipResult = PayslipRead | DocumentFailure;

export interface StatementGap {
  account_id: string;
  /** The first and last day with no statement. */
  from: string;
  to: string;
  days: number;
}

export interface ReconciledStatements {
  /** Every statement's transactions once, in date order (rows in the overlap of two statements counted once). */
  transactions: Transaction[];
  duplicates_removed: number;
  gaps: StatementGap[];
  /** The period covered per account (first start, last end). */
  accounts: { account_id: string; bank: BankId; period: Period; statements: number }[];
  warnings: string[];
}

export interface PayslipMatch {
  /** Index into the payslips given. */
  payslip: number;
  status: 'matched' | 'unmatched';
  /** The credit that carries the pay, when matched. */
  transaction?: Transaction;
  /** Working days between the pay date and the credit (matched only). */
  days_apart?: number;
  warning?: string;
}
