/**
 * How a bank writes its statement narratives, as far as the engine reads them: the type codes it puts
 * before the payee, the text it adds that names nobody, a leading code that means a payment only in
 * some places, its code for a returned payment. The default format (default.ts) holds what UK statements share; a bank's own file holds
 * only what that bank writes its own way, over the default (the shape of actualbudget/actual's bank
 * adapters: one small file per bank over a fallback). The engine is not told which bank a statement
 * comes from, so it reads every narrative with the default and every bank's additions together
 * (normalise.ts UK_NORMALISER, signals.ts readSignals); a bank's test reads its lines with the default and
 * its own file alone.
 */
export interface BankFormat {
  /** The bank, or the banks of one platform. */
  readonly bank: string;
  /** Where its formats are described: a file of the independent corpus, whose `sources` cite the public descriptions. */
  readonly described: string;
  /** Transaction-type codes or words before the payee (`DEB`, `CARD PAYMENT TO`); whole tokens, upper case. */
  readonly prefixes?: readonly string[];
  /** Type codes or words that also say the money went to, or came from, a person or an account (`FPO`, `OUTWARD PAYMENT`). */
  readonly transferPrefixes?: readonly string[];
  /**
   * Text that names nobody and whose figures would be read as dates or references, removed before the
   * narrative is split into words. `pattern` (global) runs on the upper-cased narrative, and only when it
   * contains `when`; `what` says what it is, for the reference (docs/engine.md).
   */
  readonly clauses?: readonly { readonly what: string; readonly when: string; readonly pattern: RegExp }[];
  /**
   * A code at the very start that is a payment to a person or an account only in some narratives (HSBC's
   * `BP`, a bill payment, is also BP the fuel company): `take` says how many tokens it is, 0 when it is
   * not that code here; `what` says when it is, for the reference (docs/engine.md).
   */
  readonly leadingTransfer?: { readonly what: string; readonly take: (tokens: readonly string[]) => number };
  /**
   * The bank's own codes for a returned or unpaid payment, beside the words any bank may use (signals.ts):
   * regular-expression alternatives matched as whole words in any case.
   */
  readonly returnedCodes?: readonly string[];
}
