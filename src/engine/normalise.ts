/**
 * Normalising bank narratives so that "CARD PAYMENT TO TESCO STORES 3297 ON 12 JAN LONDON GB" and
 * "Tesco Stores" meet on the same tokens. Pure string work; see docs/engine.md § Merchant intelligence.
 * What each bank writes its own way (type codes, clauses) is in banks/, one file a bank over the default
 * format; this module is the normaliser they configure.
 */
import { at } from '../lib/narrow.ts';
import { UK_FORMATS, type BankFormat } from './banks/index.ts';

const DOMAIN = /\.(?:CO\.UK|ORG\.UK|COM|ORG|NET|UK|IO)\b/g;
const APOSTROPHE = /['’`]/g;
// Masked or partial card numbers: "****1234", "XXXX1234", "4567****1234", "CARD 1234", long PANs.
const CARD =
  /(?:(?<![A-Z])X{2,}|\*{2,})\s?\d{2,4}\b|\b\d{4}[*X]{2,}\d{0,4}\b|\b(?:CARD|CD)\s?(?:NO\s?)?\d{4}\b|\b\d{12,19}\b/g;
// Dates and times: 12/01/24, 12-01-2024, 12.01, 12JAN, 12 JAN 24, 12JAN2024, 14:32, 14:32:05.
const DATE =
  /\b\d{1,2}(?:ST|ND|RD|TH)\s+(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]*\b|\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b|\b\d{1,2}\s?(?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|SEPT|OCT|NOV|DEC)[A-Z]{0,6}(?:\s?\d{2,4})?\b|\b\d{1,2}:\d{2}(?::\d{2})?\b/g;
const NON_WORD = /[^A-Z0-9&]+/g;
/**
 * Card-acquirer prefixes that stand before the real merchant's name and are not merchants themselves:
 * Square (SQ *), SumUp, iZettle/Zettle (IZ *, ZETTLE_*), Creditcall (CRV*), Shopify (SP *), Toast (TST*).
 * Only the marked form (with its asterisk or underscore) is removed, so a name that merely starts with
 * those letters is untouched. Processors that are also a fallback payee (PAYPAL *, GOOGLE *, AMZN MKTP)
 * keep their name: the dictionary prefers the merchant behind them (data/README.md, `processor`).
 */
const ACQUIRER = /\b(?:SQ|SQU|SUMUP|IZ|IZETTLE|ZETTLE|CRV|SP|TST|WPY)\s*[*_]+\s*/g;

/** Where a narrative's payee starts, and whether its type prefix is a payment to a person or account. */
export interface PayeeStart {
  /** Index of the first token after the transaction-type prefixes. */
  start: number;
  /** A transfer-type prefix (FPO, SO, HSBC's BP, TRANSFER TO, …) was among them. */
  transfer: boolean;
  /**
   * Index after the last token that can name the payee: trailing towns, country codes and store or
   * terminal numbers ("… HALIFAX GB", "… 0655 NOTTINGHAM GB") are where, not who. At least one token is kept.
   */
  end: number;
  /**
   * In a payment to a person, the index of its `REF`/`REFERENCE` marker (else the length): what follows
   * is the payer's note ("REFERENCE FOOTBALL BOOTS"), where a brand names what was bought, not the payee.
   */
  note: number;
}

/**
 * Common UK given names (ONS baby-name lists and the commonest adult forenames): a one-word brand right
 * after one of these in a payment to a person is that person's surname (TO HARRY SAINSBURY), and a
 * brand made of two of them (JOHN LEWIS) is a person there too.
 */
export const GIVEN_NAMES: ReadonlySet<string> = new Set(
  (
    'AARON ABBIE ADAM ADRIAN AIDAN ALAN ALBERT ALEX ALEXANDER ALFIE ALI ALICE ALISON AMANDA AMBER AMELIA AMIR AMY ANDREA ANDREW ANGELA ' +
    'ANN ANNA ANNE ANTHONY ARCHIE ARTHUR ASHLEY AVA BARBARA BARRY BEN BENJAMIN BETHANY BETTY BILLY BRIAN BRUCE CALLUM CAMERON CARL ' +
    'CAROL CAROLINE CATHERINE CHARLES CHARLIE CHARLOTTE CHLOE CHRIS CHRISTINE CHRISTOPHER CLAIRE CONNOR CRAIG DANIEL DANNY DARREN DAVE ' +
    'DAVID DEAN DEBORAH DENISE DONNA DOROTHY DYLAN EDWARD ELEANOR ELIZABETH ELLA ELLIE ELSIE EMILY EMMA ERIN ETHAN EVA EVIE FAITH FATIMA ' +
    'FINLEY FIONA FRANCES FRANCESCA FRANK FREDDIE FREYA GAIL GARY GEMMA GEORGE GEORGIA GORDON GRACE GRAHAM HANNAH HARRIET HARRY HARVEY ' +
    'HAYLEY HAZEL HEATHER HELEN HENRY HOLLY IAN IMOGEN ISAAC ISABELLA ISLA IVY JACK JACOB JADE JAKE JAMES JAMIE JANE JANET JASMINE JASON ' +
    'JAYDEN JEAN JENNIFER JESSICA JOAN JOANNE JOE JOEL JOHN JONATHAN JORDAN JOSEPH JOSH JOSHUA JUDITH JULIA JULIE KAREN KATE KATHERINE ' +
    'KATIE KAYLA KEITH KELLY KEVIN KIERAN KIRSTY LAURA LAUREN LEAH LEE LEO LEON LEWIS LIAM LILY LINDA LISA LOGAN LOUISE LUCY LUKE MADISON ' +
    'MARGARET MARIA MARK MARTIN MARY MASON MATTHEW MAX MEGAN MIA MICHAEL MICHELLE MILLIE MOHAMMED MOHAMMAD MUHAMMAD NATALIE NATHAN NEIL ' +
    'NICHOLAS NICOLA NOAH OLIVER OLIVIA OSCAR OWEN PATRICIA PAUL PAULINE PETER PHILIP PHOEBE POPPY RACHEL REBECCA RICHARD RILEY ROBERT ' +
    'ROBYN ROSE ROSIE ROSS RUBY RYAN SAM SAMANTHA SAMUEL SANDRA SARAH SCARLETT SCOTT SEAN SHARON SHAUN SIENNA SIMON SOPHIE STACEY ' +
    'STEPHEN STEVEN STUART SUSAN TERRY THEO THOMAS TIM TIMOTHY TOBY TOM TONY TRACEY TYLER VICTORIA WAYNE WILLIAM ZACHARY ZARA ZOE'
  ).split(' '),
);

const DIGITS = /^\d+$/;
const isTrailingPlace = (t: string) => DIGITS.test(t) || PLACE_TOKENS.has(t) || COUNTRY_CODES.has(t);

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

/** Words that never distinguish one payer or payee from another. */
const NOISE_TOKENS = new Set(
  (
    'LTD LIMITED PLC LLP ON AT REF SALARY SAL WAGES WAGE PAYROLL PAY NET MONTHLY WEEKLY ' +
    'JAN FEB MAR APR MAY JUN JUL AUG SEP SEPT OCT NOV DEC'
  ).split(' '),
);

/** Words after which a narrative carries a reference, not the counterparty's name. */
const REFERENCE_MARKERS = new Set(['REF', 'REFERENCE']);
const HAS_DIGIT = /\d/;

/** ISO country codes card schemes append to a merchant's town (two- and three-letter forms seen on UK statements). */
const COUNTRY_CODES = new Set(
  'GB GBR UK IE IRL US USA FR FRA ES ESP DE DEU NL NLD IT ITA PT PRT BE BEL LU LUX HU HUN PL POL SE SWE DK DNK NO NOR CH CHE AT AUT CA CAN AU AUS SG SGP HK'.split(
    ' ',
  ),
);
const LEGAL_SUFFIXES = new Set('LTD LIMITED PLC LLP CO INC UK GROUP SERVICES'.split(' '));

/** What is left of a card line's date once the date itself is removed: "… LEON ON 12 MAY" ends in ON. */
const DATE_WORDS = new Set(['ON']);

/**
 * A token that says where or under which legal form a named payee trades, never who it is: a town, a
 * country code, a legal suffix, a store or terminal number, a date's leftover `ON`. The matcher looks
 * past these when it asks whether a name stands on its own (merchants.ts, `person`).
 */
export function isPlaceOrFormToken(token: string): boolean {
  return (
    HAS_DIGIT.test(token) ||
    PLACE_TOKENS.has(token) ||
    COUNTRY_CODES.has(token) ||
    LEGAL_SUFFIXES.has(token) ||
    DATE_WORDS.has(token)
  );
}

/** A normaliser for some bank formats (banks/format.ts). */
export interface Normaliser {
  /**
   * Upper-case, strip the formats' clauses, domains, card numbers, dates, times and punctuation; returns
   * word tokens. Reference-like tokens are kept here (brands such as BET365 or JET2 look like references)
   * and are dropped only from counterparty keys.
   */
  tokenise: (raw: string) => string[];
  /** Finds the transaction-type prefixes at the front of a narrative (repeatedly; never all of it). */
  payeeStart: (tokens: readonly string[]) => PayeeStart;
  /** Tokens with the transaction-type prefixes removed from the front (repeatedly). */
  stripPrefixes: (tokens: readonly string[]) => string[];
  /**
   * A stable key for an unrecognised counterparty: prefixes, noise words, places and legal suffixes
   * removed, and everything that changes from payment to payment — a reference after `REF`, pay periods
   * and payroll numbers (`P06`, `WK23`, any token with a digit) — so one payer's credits meet on one key.
   */
  counterpartyKey: (tokens: readonly string[]) => string;
}

const HAS_QUOTE = /['’`]/;
const NONE: readonly string[][] = [];

/**
 * The normaliser that reads the default format and the banks' additions together. A type code listed by
 * two formats must agree on whether it is a transfer.
 */
export function buildNormaliser(formats: readonly BankFormat[]): Normaliser {
  const transfers = new Map<string, boolean>();
  for (const f of formats) {
    for (const [list, transfer] of [
      [f.prefixes, false],
      [f.transferPrefixes, true],
    ] as const) {
      for (const p of list ?? []) {
        if (transfers.get(p) === !transfer)
          throw new Error(`${f.bank}: "${p}" is a transfer prefix in one format and not in another`);
        transfers.set(p, transfer);
      }
    }
  }
  // Prefixes by their first token, longest first within each, so a narrative tries only its own and the
  // longest that fits wins.
  const byFirst = new Map<string, string[][]>();
  for (const p of [...transfers.keys()].map((x) => x.split(' ')).sort((a, b) => b.length - a.length)) {
    const head = at(p, 0, 'word'); // split gives at least one
    const list = byFirst.get(head) ?? [];
    list.push(p);
    byFirst.set(head, list);
  }
  const clauses = formats.flatMap((f) => f.clauses ?? []);
  const leading = formats.flatMap((f) => (f.leadingTransfer ? [f.leadingTransfer.take] : []));

  const tokenise = (raw: string): string[] => {
    // Each pattern runs only when the character it needs is there: most narratives have no comma,
    // asterisk, dot or apostrophe, and this runs once per distinct name and description shape.
    let s = raw.toUpperCase();
    for (const c of clauses) if (s.includes(c.when)) s = s.replace(c.pattern, ' ');
    if (s.includes('*') || s.includes('_')) s = s.replace(ACQUIRER, ' ');
    if (s.includes('.')) s = s.replace(DOMAIN, ' ');
    if (HAS_QUOTE.test(s)) s = s.replace(APOSTROPHE, '');
    if (HAS_DIGIT.test(s)) s = s.replace(CARD, ' ').replace(DATE, ' ');
    s = s.replace(NON_WORD, ' ');
    const out: string[] = [];
    for (const t of s.split(' ')) if (t) out.push(t);
    return out;
  };

  const payeeStart = (tokens: readonly string[]): PayeeStart => {
    let start = 0;
    let transfer = false;
    for (const l of leading) {
      const n = l(tokens);
      if (n > 0) {
        start = n;
        transfer = true;
        break;
      }
    }
    let again = true;
    while (again && start < tokens.length) {
      again = false;
      for (const p of byFirst.get(at(tokens, start, 'token')) ?? NONE) {
        if (start + p.length >= tokens.length) continue; // never strip everything
        let ok = true;
        for (let i = 0; i < p.length; i++)
          if (tokens[start + i] !== p[i]) {
            ok = false;
            break;
          }
        if (ok) {
          start += p.length;
          if (transfers.get(p.join(' '))) transfer = true;
          again = true;
          break;
        }
      }
    }
    let end = tokens.length;
    while (end > start + 1 && isTrailingPlace(at(tokens, end - 1, 'token'))) end--;
    let note = tokens.length;
    if (transfer)
      for (let i = start + 1; i < tokens.length; i++)
        if (REFERENCE_MARKERS.has(at(tokens, i, 'token'))) {
          note = i;
          break;
        }
    return { start, transfer, end, note };
  };

  const stripPrefixes = (tokens: readonly string[]): string[] => tokens.slice(payeeStart(tokens).start);

  const counterpartyKey = (tokens: readonly string[]): string => {
    const stripped = stripPrefixes(tokens);
    const marker = stripped.findIndex((x, i) => i > 0 && REFERENCE_MARKERS.has(x));
    const named = marker > 0 ? stripped.slice(0, marker) : stripped;
    const t = named.filter((x) => !NOISE_TOKENS.has(x) && !HAS_DIGIT.test(x));
    if (t.length === 0) return stripped.join(' ');
    let end = t.length;
    while (end > 1 && PLACE_TOKENS.has(at(t, end - 1, 'token'))) end--;
    return t.slice(0, end).join(' ');
  };

  return { tokenise, payeeStart, stripPrefixes, counterpartyKey };
}

/** The engine's normaliser: the default format and every bank's additions (the engine is not told the bank). */
export const UK_NORMALISER: Normaliser = buildNormaliser(UK_FORMATS);
export const { tokenise, payeeStart, stripPrefixes, counterpartyKey } = UK_NORMALISER;

/** Normalises a dictionary alias the same way as a narrative (without prefix or place stripping). */
export function aliasTokens(alias: string): string[] {
  return tokenise(alias);
}
