/**
 * How each bank's statement looks on paper, for the generator: column order, positions and header
 * words, date style, where multi-line narratives put their amounts, when balances are printed, the
 * brought/carried forward rows and the summary box. Written from public descriptions of the banks'
 * statements (each layout names its source); deliberately NOT derived from the reader's profiles in
 * adapters/documents/banks/, so the reader is tested against layouts it was not written from.
 */

export type ColumnKey = 'date' | 'type' | 'desc' | 'out' | 'in' | 'amount' | 'balance';

export interface GenColumn {
  key: ColumnKey;
  /** One string per header line (two lines for a stacked header). */
  label: string[];
  x: number;
  w: number;
  align: 'left' | 'right';
}

export interface GenLayout {
  id: string;
  bank: string;
  /** The legal line every UK statement prints at the foot of the page. */
  legal: string;
  source: string;
  font: string;
  bold: string;
  size: number;
  columns: GenColumn[];
  date: (iso: string) => string;
  /** The date printed only on the first row of each day. */
  datePerDay: boolean;
  /** The balance printed on every row, or only on the last row of each day. */
  balance: 'row' | 'day';
  /** Where a wrapped narrative's amounts go. */
  amountLine: 'first' | 'last';
  /** Barclays: the balance on the last line of a wrapped narrative, the amount on its first. */
  balanceOnLastLine?: boolean;
  /** The type code printed for a row (its own column, or before the narrative when there is no type column). */
  typeCode?: (description: string, amountMinor: number) => string;
  /** Rows with a balance and no amount. */
  openingRow?: string;
  closingRow?: string;
  /** HSBC: BALANCE BROUGHT FORWARD at the top and BALANCE CARRIED FORWARD at the foot of every page. */
  pageForward?: { bf: string; cf: string };
  /** The balance row's date: printed (the period's first day) or not. */
  openingRowDated?: boolean;
  period: (start: string, end: string) => string;
  account: (a: { holder: string; sortCode: string; accountNumber: string }) => string[][];
  /** The summary box: `inline` label then amount on one line; `stacked` labels over amounts. */
  summary: {
    style: 'inline' | 'stacked' | 'none';
    labels: (start: string, end: string) => [string, 'opening' | 'in' | 'out' | 'closing'][];
  };
  /** Money as printed in the amount columns (unsigned) and the single signed column. */
  money?: (minor: number) => string;
  signedAmount?: (minor: number) => string;
  balanceText?: (minor: number) => string;
}

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const parts = (iso: string) => ({
  y: Number(iso.slice(0, 4)),
  m: Number(iso.slice(5, 7)),
  d: Number(iso.slice(8, 10)),
});
const dd = (n: number) => String(n).padStart(2, '0');
const ordinal = (d: number) =>
  `${d}${d % 10 === 1 && d !== 11 ? 'st' : d % 10 === 2 && d !== 12 ? 'nd' : d % 10 === 3 && d !== 13 ? 'rd' : 'th'}`;

export const fmt = {
  dMon: (iso: string) => {
    const p = parts(iso);
    return `${dd(p.d)} ${MON[p.m - 1]}`;
  },
  dMonYY: (iso: string) => {
    const p = parts(iso);
    return `${dd(p.d)} ${MON[p.m - 1]} ${String(p.y).slice(2)}`;
  },
  dMonYYYY: (iso: string) => {
    const p = parts(iso);
    return `${dd(p.d)} ${MON[p.m - 1]} ${p.y}`;
  },
  dMONYYYY: (iso: string) => {
    const p = parts(iso);
    return `${dd(p.d)} ${MON[p.m - 1]!.toUpperCase()} ${p.y}`;
  },
  ordMon: (iso: string) => {
    const p = parts(iso);
    return `${ordinal(p.d)} ${MON[p.m - 1]}`;
  },
  ordMonthYYYY: (iso: string) => {
    const p = parts(iso);
    return `${ordinal(p.d)} ${MONTH[p.m - 1]} ${p.y}`;
  },
  dMonthYYYY: (iso: string) => {
    const p = parts(iso);
    return `${p.d} ${MONTH[p.m - 1]} ${p.y}`;
  },
  slash: (iso: string) => {
    const p = parts(iso);
    return `${dd(p.d)}/${dd(p.m)}/${p.y}`;
  },
  dash: (iso: string) => {
    const p = parts(iso);
    return `${dd(p.d)}-${dd(p.m)}-${p.y}`;
  },
};

/** `1,234.56` */
export const plain = (minor: number) =>
  (Math.abs(minor) / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const pound = (minor: number) => `${minor < 0 ? '-' : ''}£${plain(minor)}`;

type Kind = 'card' | 'dd' | 'so' | 'credit' | 'cash' | 'transfer';
const kindOf = (desc: string, minor: number): Kind => {
  if (minor < 0) return 'credit';
  if (/^DD\b|DIRECT DEBIT/.test(desc)) return 'dd';
  if (/^SO\b|STANDING ORDER/.test(desc)) return 'so';
  if (/^CARD PAYMENT|^CONTACTLESS/.test(desc)) return 'card';
  if (/CASH|ATM/.test(desc)) return 'cash';
  return 'transfer';
};
const codes = (m: Record<Kind, string>) => (desc: string, minor: number) => m[kindOf(desc, minor)];

const moneyCols = (
  order: ('out' | 'in' | 'balance' | 'amount')[],
  labels: Record<string, string[]>,
  xs: number[],
  w = 62,
): GenColumn[] =>
  order.map((key, i) => ({ key, label: labels[key]!, x: xs[i]!, w, align: 'right' as const }));

const cols = (...c: GenColumn[][]) => c.flat();
const L = (key: ColumnKey, label: string[] | string, x: number, w: number): GenColumn => ({
  key,
  label: Array.isArray(label) ? label : [label],
  x,
  w,
  align: 'left',
});

const fcaLegal = (entity: string) =>
  `${entity}. Authorised by the Prudential Regulation Authority and regulated by the Financial Conduct Authority and the Prudential Regulation Authority.`;

const LLOYDS: GenLayout = {
  id: 'lloyds',
  bank: 'Lloyds Bank',
  legal: fcaLegal(
    'Lloyds Bank plc. Registered Office: 25 Gresham Street, London EC2V 7HN. Registered in England and Wales no. 2065',
  ),
  source:
    'Public descriptions: Date | Description | Type | Money In (£) | Money Out (£) | Balance (£); "03 Jan 23"; type codes; "Balance on <date>" summary.',
  font: 'Helvetica',
  bold: 'Helvetica-Bold',
  size: 8,
  columns: cols(
    [L('date', 'Date', 40, 46), L('desc', 'Description', 90, 170), L('type', 'Type', 266, 30)],
    moneyCols(
      ['in', 'out', 'balance'],
      { in: ['Money In (£)'], out: ['Money Out (£)'], balance: ['Balance (£)'] },
      [302, 382, 470],
      72,
    ),
  ),
  date: fmt.dMonYY,
  datePerDay: false,
  balance: 'row',
  amountLine: 'first',
  typeCode: codes({ card: 'DEB', dd: 'DD', so: 'SO', credit: 'FPI', cash: 'CPT', transfer: 'FPO' }),
  period: (s, e) => `${fmt.dMonthYYYY(s)} to ${fmt.dMonthYYYY(e)}`,
  account: (a) => [[`Sort Code ${a.sortCode}`, `Account Number ${a.accountNumber}`], [a.holder]],
  summary: {
    style: 'stacked',
    labels: (s, e) => [
      [`Balance on ${fmt.dMonthYYYY(s)}`, 'opening'],
      ['Money In', 'in'],
      ['Money Out', 'out'],
      [`Balance on ${fmt.dMonthYYYY(e)}`, 'closing'],
    ],
  },
};

const NATWEST: GenLayout = {
  id: 'natwest',
  bank: 'NatWest',
  legal: fcaLegal(
    'National Westminster Bank Plc. Registered in England and Wales No. 929027. Registered Office: 250 Bishopsgate, London',
  ),
  source:
    'Public descriptions: Date | Description | Paid In(£) | Withdrawn(£) | Balance(£); "18 DEC 2024"; BROUGHT FORWARD; Previous Balance / Paid In / Withdrawn / New Balance; "Period Covered".',
  font: 'Helvetica',
  bold: 'Helvetica-Bold',
  size: 8,
  columns: cols(
    [L('date', 'Date', 40, 58), L('desc', 'Description', 104, 210)],
    moneyCols(
      ['in', 'out', 'balance'],
      { in: ['Paid In(£)'], out: ['Withdrawn(£)'], balance: ['Balance(£)'] },
      [322, 400, 478],
      72,
    ),
  ),
  date: fmt.dMONYYYY,
  datePerDay: true,
  balance: 'row',
  amountLine: 'first',
  openingRow: 'BROUGHT FORWARD',
  openingRowDated: true,
  period: (s, e) => `Period Covered: ${fmt.dMONYYYY(s)} to ${fmt.dMONYYYY(e)}`,
  account: (a) => [
    [`Account Name: ${a.holder}`],
    [`Account No: ${a.accountNumber}`, `Sort Code: ${a.sortCode}`],
  ],
  summary: {
    style: 'inline',
    labels: () => [
      ['Previous Balance', 'opening'],
      ['Paid In', 'in'],
      ['Withdrawn', 'out'],
      ['New Balance', 'closing'],
    ],
  },
};

export const LAYOUTS: Record<string, GenLayout> = {
  barclays: {
    id: 'barclays',
    bank: 'BARCLAYS',
    legal: fcaLegal('Barclays Bank UK PLC. Registered in England. Registered No. 9740322'),
    source:
      'Public descriptions: Date | Description | Money out | Money in | Balance; "13 Dec"; balance on the last line of a wrapped narrative; Start/End balance.',
    font: 'Helvetica',
    bold: 'Helvetica-Bold',
    size: 8.5,
    columns: cols(
      [L('date', 'Date', 40, 40), L('desc', 'Description', 88, 230)],
      moneyCols(
        ['out', 'in', 'balance'],
        { out: ['Money out £'], in: ['Money in £'], balance: ['Balance £'] },
        [328, 405, 482],
        70,
      ),
    ),
    date: fmt.dMon,
    datePerDay: true,
    balance: 'day',
    amountLine: 'first',
    balanceOnLastLine: true,
    openingRow: 'Start balance',
    openingRowDated: true,
    period: (s, e) => `Your statement ${fmt.dMonthYYYY(s)} - ${fmt.dMonthYYYY(e)}`,
    account: (a) => [[`Sort code ${a.sortCode}`, `Account no ${a.accountNumber}`], [a.holder]],
    summary: {
      style: 'inline',
      labels: () => [
        ['Start balance', 'opening'],
        ['Money in', 'in'],
        ['Money out', 'out'],
        ['End balance', 'closing'],
      ],
    },
  },
  hsbc: {
    id: 'hsbc',
    bank: 'HSBC UK',
    legal: fcaLegal(
      'HSBC UK Bank plc. Registered in England and Wales number 9928412. Registered Office: 1 Centenary Square, Birmingham',
    ),
    source:
      'Public descriptions: Date | Payment type and details | Paid out | Paid in | Balance; date once a day; type codes; amounts on the last line; BALANCE BROUGHT/CARRIED FORWARD.',
    font: 'Helvetica',
    bold: 'Helvetica-Bold',
    size: 8,
    columns: cols(
      [L('date', 'Date', 40, 48), L('desc', 'Payment type and details', 92, 200)],
      moneyCols(
        ['out', 'in', 'balance'],
        { out: ['Paid out'], in: ['Paid in'], balance: ['Balance'] },
        [300, 380, 470],
        72,
      ),
    ),
    date: fmt.dMonYY,
    datePerDay: true,
    balance: 'day',
    amountLine: 'last',
    typeCode: codes({ card: 'VIS', dd: 'DD', so: 'SO', credit: 'CR', cash: 'ATM', transfer: 'BP' }),
    pageForward: { bf: 'BALANCE BROUGHT FORWARD', cf: 'BALANCE CARRIED FORWARD' },
    period: (s, e) => `${Number(s.slice(8))} ${MONTH[Number(s.slice(5, 7)) - 1]} to ${fmt.dMonthYYYY(e)}`,
    account: (a) => [
      ['Account Name', 'Sortcode', 'Account Number'],
      [a.holder, a.sortCode, a.accountNumber],
    ],
    summary: {
      style: 'inline',
      labels: () => [
        ['Opening Balance', 'opening'],
        ['Payments In', 'in'],
        ['Payments Out', 'out'],
        ['Closing Balance', 'closing'],
      ],
    },
  },
  lloyds: LLOYDS,
  halifax: {
    ...LLOYDS,
    id: 'halifax',
    bank: 'HALIFAX',
    legal:
      'Halifax is a division of Bank of Scotland plc. Registered in Scotland No. SC327000. Authorised by the Prudential Regulation Authority.',
    source: 'Public descriptions: the Lloyds Banking Group layout; "02 Dec 24"; one line per transaction.',
    account: (a) => [
      [`Sort Code ${a.sortCode}`, `Account Number ${a.accountNumber}`],
      [`Document requested by: ${a.holder}`],
    ],
  },
  natwest: NATWEST,
  rbs: {
    ...NATWEST,
    id: 'rbs',
    bank: 'Royal Bank of Scotland',
    legal: fcaLegal(
      'The Royal Bank of Scotland plc. Registered in Scotland No. SC083026. Registered Office: 36 St Andrew Square, Edinburgh',
    ),
    source: 'As NatWest (NatWest Group).',
  },
  santander: {
    id: 'santander',
    bank: 'Santander',
    legal: fcaLegal(
      "Santander UK plc. Registered Office: 2 Triton Square, Regent's Place, London NW1 3AN. Registered Number 2294747",
    ),
    source:
      'Public descriptions: Date | Description | Money in | Money out | £ Balance; "9th Jan"; "Balance brought forward from previous statement"; "Total money in:".',
    font: 'Helvetica',
    bold: 'Helvetica-Bold',
    size: 8,
    columns: cols(
      [L('date', 'Date', 40, 44), L('desc', 'Description', 88, 240)],
      moneyCols(
        ['in', 'out', 'balance'],
        { in: ['Money in'], out: ['Money out'], balance: ['£ Balance'] },
        [336, 410, 484],
        70,
      ),
    ),
    date: fmt.ordMon,
    datePerDay: false,
    balance: 'row',
    amountLine: 'first',
    openingRow: 'Balance brought forward from previous statement',
    openingRowDated: false,
    period: (s, e) => `Your account summary for ${fmt.ordMonthYYYY(s)} to ${fmt.ordMonthYYYY(e)}`,
    account: (a) => [
      [a.holder],
      [`Account number: ${a.accountNumber}`, `Sort Code: ${a.sortCode.replace(/-/g, ' ')}`],
    ],
    summary: {
      style: 'inline',
      labels: (_s, e) => [
        ['Balance brought forward from previous statement', 'opening'],
        ['Total money in:', 'in'],
        ['Total money out:', 'out'],
        [`Your balance at close of business ${fmt.ordMonthYYYY(e)}`, 'closing'],
      ],
    },
  },
  nationwide: {
    id: 'nationwide',
    bank: 'Nationwide',
    legal:
      'Nationwide Building Society. Head Office: Nationwide House, Pipers Way, Swindon SN38 1NW. Authorised by the Prudential Regulation Authority.',
    source:
      'Public descriptions: Date | Description | £Out | £In | £Balance; "15 Jan"; "Balance from statement"; Start/End balance; statement date.',
    font: 'Helvetica',
    bold: 'Helvetica-Bold',
    size: 8.5,
    columns: cols(
      [L('date', 'Date', 40, 44), L('desc', 'Description', 88, 250)],
      moneyCols(
        ['out', 'in', 'balance'],
        { out: ['£Out'], in: ['£In'], balance: ['£Balance'] },
        [345, 415, 485],
        66,
      ),
    ),
    date: fmt.dMon,
    datePerDay: false,
    balance: 'row',
    amountLine: 'first',
    openingRow: 'Balance from statement',
    openingRowDated: false,
    period: (_s, e) => `Statement date: ${fmt.dMonthYYYY(e)}`,
    account: (a) => [[a.holder], [`Sort code ${a.sortCode}`, `Account no ${a.accountNumber}`]],
    summary: {
      style: 'inline',
      labels: () => [
        ['Start balance', 'opening'],
        ['End balance', 'closing'],
      ],
    },
  },
  monzo: {
    id: 'monzo',
    bank: 'monzo',
    legal:
      'Monzo Bank Limited is a company registered in England No. 09446231. Authorised by the Prudential Regulation Authority.',
    source:
      'Public descriptions: Date | Description | (GBP) Amount | (GBP) Balance; dd/mm/yyyy; signed amounts; period dd/mm/yyyy - dd/mm/yyyy.',
    font: 'Helvetica',
    bold: 'Helvetica-Bold',
    size: 8,
    columns: cols(
      [L('date', 'Date', 40, 60), L('desc', 'Description', 106, 270)],
      moneyCols(
        ['amount', 'balance'],
        { amount: ['(GBP) Amount'], balance: ['(GBP) Balance'] },
        [390, 480],
        75,
      ),
    ),
    date: fmt.slash,
    datePerDay: false,
    balance: 'row',
    amountLine: 'first',
    signedAmount: (minor) => `${minor > 0 ? '-' : ''}${plain(minor)}`,
    period: (s, e) => `${fmt.slash(s)} - ${fmt.slash(e)}`,
    account: (a) => [[a.holder], [`Sort code: ${a.sortCode}`, `Account number: ${a.accountNumber}`]],
    summary: { style: 'none', labels: () => [] },
  },
  starling: {
    id: 'starling',
    bank: 'Starling Bank',
    legal:
      'Starling Bank Limited is registered in England and Wales (No. 09092149). Authorised by the Prudential Regulation Authority.',
    source: 'Public parsers: Date | Type | Transaction | In | Out | Account Balance; dd/mm/yyyy.',
    font: 'Helvetica',
    bold: 'Helvetica-Bold',
    size: 8,
    columns: cols(
      [L('date', 'DATE', 40, 52), L('type', 'TYPE', 96, 74), L('desc', 'TRANSACTION', 174, 170)],
      moneyCols(
        ['in', 'out', 'balance'],
        { in: ['IN'], out: ['OUT'], balance: ['ACCOUNT', 'BALANCE'] },
        [350, 420, 490],
        66,
      ),
    ),
    date: fmt.slash,
    datePerDay: false,
    balance: 'row',
    amountLine: 'first',
    typeCode: codes({
      card: 'CARD',
      dd: 'DIRECT DEBIT',
      so: 'STANDING ORDER',
      credit: 'FASTER PAYMENT',
      cash: 'CASH',
      transfer: 'FASTER PAYMENT',
    }),
    period: (s, e) => `Statement period ${fmt.slash(s)} - ${fmt.slash(e)}`,
    account: (a) => [[a.holder], [`Sort code ${a.sortCode}`, `Account number ${a.accountNumber}`]],
    summary: {
      style: 'inline',
      labels: () => [
        ['Opening Balance', 'opening'],
        ['Money In', 'in'],
        ['Money Out', 'out'],
        ['Closing Balance', 'closing'],
      ],
    },
  },
  tsb: {
    id: 'tsb',
    bank: 'TSB',
    legal:
      'TSB Bank plc. Registered Office: Henry Duncan House, 120 George Street, Edinburgh EH2 4LH. Registered in Scotland No. SC95237. Authorised by the Prudential Regulation Authority.',
    source:
      'Public descriptions: Date | Payment type | Details | Money out | Money in | Balance; "15 Oct 23"; STATEMENT OPENING BALANCE; "Effective from".',
    font: 'Helvetica',
    bold: 'Helvetica-Bold',
    size: 8,
    columns: cols(
      [L('date', 'Date', 40, 46), L('type', 'Payment type', 90, 76), L('desc', 'Details', 170, 160)],
      moneyCols(
        ['out', 'in', 'balance'],
        { out: ['Money out'], in: ['Money in'], balance: ['Balance'] },
        [340, 412, 484],
        68,
      ),
    ),
    date: fmt.dMonYY,
    datePerDay: false,
    balance: 'row',
    amountLine: 'first',
    typeCode: codes({
      card: 'DEBIT CARD',
      dd: 'DIRECT DEBIT',
      so: 'STANDING ORDER',
      credit: 'TRANSFER',
      cash: 'CASH',
      transfer: 'TRANSFER',
    }),
    openingRow: 'STATEMENT OPENING BALANCE',
    openingRowDated: true,
    closingRow: 'STATEMENT CLOSING BALANCE',
    period: (s, e) => `Effective from: ${fmt.dMonthYYYY(s)} to ${fmt.dMonthYYYY(e)}`,
    account: (a) => [[a.holder], [`Sort Code: ${a.sortCode}`, `Account Number: ${a.accountNumber}`]],
    summary: {
      style: 'inline',
      labels: () => [
        ['Money in', 'in'],
        ['Money out', 'out'],
      ],
    },
  },
  coop: {
    id: 'coop',
    bank: 'co-operative bank',
    legal:
      'The Co-operative Bank p.l.c., P.O. Box 101, 1 Balloon Street, Manchester M60 4EP. Authorised by the Prudential Regulation Authority.',
    source: 'Public parsers: Date | Transaction | Money out | Money in | Balance; "01 Jan 2024".',
    font: 'Times-Roman',
    bold: 'Times-Bold',
    size: 9,
    columns: cols(
      [L('date', 'Date', 40, 58), L('desc', 'Transaction', 104, 220)],
      moneyCols(
        ['out', 'in', 'balance'],
        { out: ['Money out'], in: ['Money in'], balance: ['Balance'] },
        [334, 408, 482],
        70,
      ),
    ),
    date: fmt.dMonYYYY,
    datePerDay: false,
    balance: 'row',
    amountLine: 'first',
    openingRow: 'BALANCE BROUGHT FORWARD',
    openingRowDated: true,
    period: (s, e) => `Statement period ${fmt.dMonYYYY(s)} to ${fmt.dMonYYYY(e)}`,
    account: (a) => [[a.holder], [`Sort code ${a.sortCode}`, `Account number ${a.accountNumber}`]],
    summary: { style: 'none', labels: () => [] },
  },
  metro: {
    id: 'metro',
    bank: 'metro bank',
    legal:
      'Metro Bank PLC. Registered in England and Wales. Company number: 6419578. Authorised by the Prudential Regulation Authority.',
    source:
      'Public descriptions: Date | Transaction type | Description | Paid out | Paid in | Balance; dd/mm/yyyy.',
    font: 'Helvetica',
    bold: 'Helvetica-Bold',
    size: 8,
    columns: cols(
      [
        L('date', 'Date', 40, 52),
        L('type', ['Transaction', 'type'], 96, 70),
        L('desc', 'Description', 170, 165),
      ],
      moneyCols(
        ['out', 'in', 'balance'],
        { out: ['Paid out'], in: ['Paid in'], balance: ['Balance'] },
        [342, 414, 486],
        68,
      ),
    ),
    date: fmt.slash,
    datePerDay: false,
    balance: 'row',
    amountLine: 'first',
    typeCode: codes({
      card: 'Card',
      dd: 'Direct Debit',
      so: 'Standing Order',
      credit: 'Faster Payment',
      cash: 'Cash',
      transfer: 'Faster Payment',
    }),
    period: (s, e) => `Statement period: ${fmt.slash(s)} to ${fmt.slash(e)}`,
    account: (a) => [[a.holder], [`Sort code: ${a.sortCode}`, `Account number: ${a.accountNumber}`]],
    summary: {
      style: 'inline',
      labels: () => [
        ['Opening balance', 'opening'],
        ['Closing balance', 'closing'],
      ],
    },
  },
  /** An unbranded statement (a credit union, a small building society): the reader's generic fallback. */
  unbranded: {
    id: 'unbranded',
    bank: 'Riverside Community Credit Union',
    legal: 'Riverside Community Credit Union Limited is authorised by the Prudential Regulation Authority.',
    source: 'A generic statement: Date | Details | Debit | Credit | Balance; dd-mm-yyyy.',
    font: 'Courier',
    bold: 'Courier-Bold',
    size: 8,
    columns: cols(
      [L('date', 'Date', 40, 62), L('desc', 'Details', 108, 210)],
      moneyCols(
        ['out', 'in', 'balance'],
        { out: ['Debit'], in: ['Credit'], balance: ['Balance'] },
        [330, 405, 480],
        70,
      ),
    ),
    date: fmt.dash,
    datePerDay: false,
    balance: 'row',
    amountLine: 'first',
    openingRow: 'Opening balance',
    openingRowDated: true,
    period: (s, e) => `Statement from ${fmt.dash(s)} to ${fmt.dash(e)}`,
    account: (a) => [[`Member: ${a.holder}`], [`Account number ${a.accountNumber}`]],
    summary: { style: 'none', labels: () => [] },
  },
};

export const BANK_LAYOUTS = Object.keys(LAYOUTS);
export { pound };
