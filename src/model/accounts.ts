/**
 * What a source says about the accounts behind the transactions, and the warnings that follow.
 *
 * An affordability assessment reads the customer's own current account(s): that is where wages land
 * and bills are paid. When a source states that an account is something else — a business account,
 * one operated by an attorney or deputy, a savings account, a card or loan — the figures may not be
 * the customer's own day-to-day finances, and the lender should know. The gateway only warns: it never
 * guesses an account's nature from its transactions, and it never drops an account's transactions.
 */
import { present } from '../lib/narrow.ts';

/** The kind of account, as a source states it. `current` is a personal current (checking) account. */
export const ACCOUNT_TYPES = [
  'current',
  'savings',
  'business',
  'credit_card',
  'loan',
  'investment',
  'other',
] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

/**
 * Who holds or operates the account. `joint_with_attorney`: held jointly with, or operated by, someone
 * acting under a power of attorney (or a deputy); `attorney`: the customer's account operated by their
 * attorney alone; `other`: someone else's account.
 */
export const ACCOUNT_HOLDERS = [
  'sole',
  'joint',
  'joint_with_attorney',
  'attorney',
  'business',
  'other',
] as const;
export type AccountHolder = (typeof ACCOUNT_HOLDERS)[number];

export interface AccountFacts {
  account_id: string;
  type?: AccountType | undefined;
  holder?: AccountHolder | undefined;
  /** The source's own words for the type or holder, quoted in the warning when it was read from text. */
  stated?: string | undefined;
}

export const ACCOUNT_WARNING_CODES = [
  'business_account',
  'attorney_account',
  'third_party_account',
  'savings_account',
  'not_current_account',
  'no_current_account',
  // Documents (POST /assess/documents): about the documents read, not an account.
  'statement_not_reconciled',
  'document_edit_signals',
  'statement_gaps',
  'payslip_unmatched',
  'document_unreadable',
  'rows_left_out',
  'statement_read_by_ocr',
] as const;
export type AccountWarningCode = (typeof ACCOUNT_WARNING_CODES)[number];

export interface AccountWarning {
  code: AccountWarningCode;
  detail: string;
  /** The account the warning is about; null when it is about the assessment as a whole. */
  account_id: string | null;
}

const TYPE_WORDS: Record<Exclude<AccountType, 'current' | 'business' | 'savings'>, string> = {
  credit_card: 'a credit card account',
  loan: 'a loan account',
  investment: 'an investment account',
  other: 'not a current account',
};

const quoted = (f: AccountFacts) => (f.stated ? ` (the source says "${f.stated.slice(0, 100)}")` : '');

/** The warnings for one account's stated facts, most serious first. */
function warningsFor(f: AccountFacts): AccountWarning[] {
  const out: AccountWarning[] = [];
  const id = f.account_id;
  const warn = (code: AccountWarningCode, detail: string) =>
    out.push({ code, detail: `Account ${id}${quoted(f)}: ${detail}`, account_id: id });
  if (f.type === 'business' || f.holder === 'business') {
    warn(
      'business_account',
      "a business account — its income and spending may be the business's, not the customer's own; assess the customer's personal accounts",
    );
  }
  if (f.holder === 'attorney' || f.holder === 'joint_with_attorney') {
    warn(
      'attorney_account',
      'operated under a power of attorney (or by a deputy) — the customer may not manage this money themselves; check who makes the decision and whether the customer may be vulnerable',
    );
  } else if (f.holder === 'other') {
    warn('third_party_account', "not held by the customer — its transactions may not be the customer's");
  }
  if (f.type === 'savings') {
    warn(
      'savings_account',
      'a savings account, not a current account — day-to-day income and spending are usually elsewhere',
    );
  } else if (f.type && f.type !== 'current' && f.type !== 'business') {
    warn(
      'not_current_account',
      `${TYPE_WORDS[f.type]}, not the customer's current account — income and bills are usually paid elsewhere`,
    );
  }
  return out;
}

/**
 * Warnings for the accounts a source describes. `inTransactions` are the account ids the transactions
 * use: an assessment-wide `no_current_account` is raised only when the source states the type of every
 * one of them and none is a current account (one account of unknown type may be the current account).
 */
export function accountWarnings(
  facts: readonly AccountFacts[],
  inTransactions: ReadonlySet<string>,
): AccountWarning[] {
  const out = facts.flatMap(warningsFor);
  const typed = new Map<string, NonNullable<AccountFacts['type']>>();
  for (const f of facts) if (f.type !== undefined) typed.set(f.account_id, f.type);
  const used = [...inTransactions];
  if (
    used.length > 0 &&
    used.every((id) => typed.has(id)) &&
    !used.some((id) => typed.get(id) === 'current')
  ) {
    const types = used.map((id) => present(typed.get(id), 'account type')); // every one is typed: checked above
    const savingsOnly = types.every((t) => t === 'savings');
    out.push({
      code: 'no_current_account',
      detail: savingsOnly
        ? "Every account in this assessment is a savings account: there is no current account, so income and day-to-day spending are probably missing; ask for the customer's current account"
        : `No account in this assessment is a personal current account (${[...new Set(types)].sort().join(', ')}): the customer's own income and spending may be missing`,
      account_id: null,
    });
  }
  return out;
}

/**
 * A source's free-text account type or holder (ValidiFI `accountType`, a BYOD upload's `account_type`
 * and `account_holder_name`) read as facts. Only clear words count; anything else says nothing.
 */
export function readAccountType(text: string | undefined | null): AccountType | undefined {
  const t = text?.trim().toLowerCase();
  if (!t) return undefined;
  // Order matters: "business savings" is a business account, "credit card" is not a current account.
  if (/\b(business|commercial|corporate|company|sole ?trader|charity|club|society)\b/.test(t))
    return 'business';
  if (/\bcredit ?card\b|\bcard account\b/.test(t)) return 'credit_card';
  if (/\b(loan|mortgage|heloc|line of credit)\b/.test(t)) return 'loan';
  if (/\b(invest\w*|brokerage|pension|sipp|401k|ira|stocks? and shares)\b/.test(t)) return 'investment';
  if (
    /\b(savings?|saver|isa|money market|cd|certificate of deposit|fixed term|notice account|deposit account|hsa)\b/.test(
      t,
    )
  )
    return 'savings';
  if (/\b(current|checking|chequing|cheque|personal|basic bank|packaged|everyday)\b/.test(t))
    return 'current';
  return undefined;
}

/** A holder name that says who operates the account: an attorney or deputy, or a company. */
export function readAccountHolder(text: string | undefined | null): AccountHolder | undefined {
  const t = text?.trim().toLowerCase();
  if (!t) return undefined;
  if (/\b(attorney|poa|lpa|epa|deputy|deputyship|court of protection)\b/.test(t)) return 'attorney';
  if (/\b(ltd|limited|plc|llp|inc|llc|corp)\b\.?/.test(t)) return 'business';
  return undefined;
}
