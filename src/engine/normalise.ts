/**
 * Normalising bank narratives so that "CARD PAYMENT TO TESCO STORES 3297 ON 12 JAN LONDON GB" and
 * "Tesco Stores" meet on the same tokens. Pure string work; see docs/engine.md § Merchant intelligence.
 */

const DOMAIN = /\.(?:CO\.UK|ORG\.UK|COM|ORG|NET|UK|IO)\b/g;
const APOSTROPHE = /['’`]/g;
// Masked or partial card numbers: "****1234", "XXXX1234", "4567****1234", "CARD 1234", long PANs.
const CARD = /(?:X{2,}|\*{2,})\s?\d{2,4}\b|\b\d{4}[*X]{2,}\d{0,4}\b|\bCARD\s?(?:NO\s?)?\d{4}\b|\b\d{12,19}\b/g;
// Dates and times: 12/01/24, 12-01-2024, 12.01, 12JAN, 12 JAN 24, 12JAN2024, 14:32, 14:32:05.
const DATE =
  /\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b|\b\d{1,2}\s?(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|SEPT|OCT|NOV|DEC)[A-Z]{0,6}(?:\s?\d{2,4})?\b|\b\d{1,2}:\d{2}(?::\d{2})?\b/g;
const NON_WORD = /[^A-Z0-9&]+/g;

/** Transaction-type prefixes banks put before the counterparty (longest first). */
const PREFIXES: readonly string[][] = [
  'DIRECT DEBIT PAYMENT TO', 'CARD PAYMENT TO', 'FASTER PAYMENTS RECEIPT', 'FASTER PAYMENT TO', 'FASTER PAYMENT FROM',
  'STANDING ORDER TO', 'DIRECT DEBIT TO', 'BANK GIRO CREDIT', 'BILL PAYMENT TO', 'CONTACTLESS PAYMENT', 'CARD PAYMENT',
  'CARD PURCHASE', 'DIRECT DEBIT', 'STANDING ORDER', 'FASTER PAYMENT', 'BILL PAYMENT', 'TRANSFER TO', 'TRANSFER FROM',
  'PAYMENT TO', 'PAYMENT FROM', 'CONTACTLESS', 'PURCHASE', 'DD', 'SO', 'FPI', 'FPO', 'BGC', 'TFR', 'POS', 'VIS', 'VISA',
  'DEB', 'CPT', 'MPI', 'MPO', 'COR', 'CR', 'DR', 'TO', 'FROM', 'ON',
].map((p) => p.split(' '));

/** Tokens that say where, not who: stripped from the end of a counterparty key. */
const PLACE_TOKENS = new Set(
  (
    'GB GBR UK GBP LTD LIMITED PLC LLP CO INC ' +
    'LONDON MANCHESTER BIRMINGHAM LEEDS GLASGOW EDINBURGH LIVERPOOL BRISTOL SHEFFIELD CARDIFF BELFAST NEWCASTLE ' +
    'NOTTINGHAM LEICESTER COVENTRY BRADFORD SOUTHAMPTON PORTSMOUTH READING BRIGHTON PLYMOUTH DERBY STOKE ' +
    'WOLVERHAMPTON SUNDERLAND NORWICH YORK OXFORD CAMBRIDGE EXETER BATH SWANSEA ABERDEEN DUNDEE LUTON SLOUGH ' +
    'WATFORD CROYDON ILFORD ROMFORD STRATFORD HULL PRESTON BOLTON WIGAN STOCKPORT BLACKPOOL IPSWICH GLOUCESTER ' +
    'CHELTENHAM CHESTER CARLISLE DONCASTER ROTHERHAM BARNSLEY WAKEFIELD HUDDERSFIELD HALIFAX HARROGATE DURHAM ' +
    'MIDDLESBROUGH GATESHEAD SOUTHEND CHELMSFORD COLCHESTER BASILDON MAIDSTONE CANTERBURY CRAWLEY GUILDFORD ' +
    'WOKING BASINGSTOKE BOURNEMOUTH POOLE SWINDON NORTHAMPTON PETERBOROUGH BEDFORD LINCOLN WORCESTER HEREFORD ' +
    'SHREWSBURY TELFORD WREXHAM NEWPORT INVERNESS PERTH STIRLING PAISLEY LISBURN DERRY KEYNES MILTON'
  ).split(' '),
);

/**
 * Upper-case, strip domains, card numbers, dates, times and punctuation; returns word tokens.
 * Reference-like tokens are kept here (brands such as BET365 or JET2 look like references) and are
 * dropped only from counterparty keys.
 */
export function tokenise(raw: string): string[] {
  const s = raw
    .toUpperCase()
    .replace(DOMAIN, ' ')
    .replace(APOSTROPHE, '')
    .replace(CARD, ' ')
    .replace(DATE, ' ')
    .replace(NON_WORD, ' ');
  const out: string[] = [];
  for (const t of s.split(' ')) if (t) out.push(t);
  return out;
}

/** Tokens with bank transaction-type prefixes removed from the front (repeatedly). */
export function stripPrefixes(tokens: readonly string[]): string[] {
  let start = 0;
  let again = true;
  while (again && start < tokens.length) {
    again = false;
    for (const p of PREFIXES) {
      if (start + p.length >= tokens.length) continue; // never strip everything
      let ok = true;
      for (let i = 0; i < p.length; i++) if (tokens[start + i] !== p[i]) { ok = false; break; }
      if (ok) { start += p.length; again = true; break; }
    }
  }
  return tokens.slice(start);
}

/** Words that never distinguish one payer or payee from another. */
const NOISE_TOKENS = new Set(
  ('LTD LIMITED PLC LLP ON AT REF SALARY SAL WAGES WAGE PAYROLL PAY NET MONTHLY WEEKLY ' +
    'JAN FEB MAR APR MAY JUN JUL AUG SEP SEPT OCT NOV DEC').split(' '),
);

/** Words after which a narrative carries a reference, not the counterparty's name. */
const REFERENCE_MARKERS = new Set(['REF', 'REFERENCE']);
const HAS_DIGIT = /\d/;

/**
 * A stable key for an unrecognised counterparty: prefixes, noise words, places and legal suffixes
 * removed, and everything that changes from payment to payment — a reference after `REF`, pay periods
 * and payroll numbers (`P06`, `WK23`, any token with a digit) — so one payer's credits meet on one key.
 */
export function counterpartyKey(tokens: readonly string[]): string {
  const stripped = stripPrefixes(tokens);
  const marker = stripped.findIndex((x, i) => i > 0 && REFERENCE_MARKERS.has(x));
  const named = marker > 0 ? stripped.slice(0, marker) : stripped;
  const t = named.filter((x) => !NOISE_TOKENS.has(x) && !HAS_DIGIT.test(x));
  if (t.length === 0) return stripped.join(' ');
  let end = t.length;
  while (end > 1 && PLACE_TOKENS.has(t[end - 1]!)) end--;
  return t.slice(0, end).join(' ');
}

/** Normalises a dictionary alias the same way as a narrative (without prefix or place stripping). */
export function aliasTokens(alias: string): string[] {
  return tokenise(alias);
}
