/**
 * The one place that reads ValidiFI's payloads: the transaction history (its transaction fields are
 * this gateway's assumption — openapi/providers/validifi-v4.yaml, `x-assumed`) and the account export,
 * onto the one transaction model. When the real payload differs, this file and that spec change;
 * nothing else does.
 *
 * Conventions (assumed, as documented in the spec):
 * - **Sign**: `amount` is signed, negative = money out; when `transactionType` (Debit/Credit) is present
 *   it decides the direction. The model's sign is the opposite (positive = out).
 * - **Date**: `postedDate`, booked in the source's `time_zone` (default America/New_York: ValidiFI
 *   serves US bank accounts) when it carries an offset.
 * - **Currency**: `currencyCode`, USD when absent.
 * - **Balance**: `runningBalance` after the transaction. Pending transactions are left out.
 * - **Account**: the export's `accountType` (e.g. Checking, Savings, Business Checking) and
 *   `accountHolderName` are read for what they clearly say; the assessment warns about an account that
 *   is not the customer's own current account.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { bookingDate, instantOf, isDateTime } from '../../src/model/dates.ts';
import { readAccountHolder, readAccountType } from '../../src/model/accounts.ts';
import { toMinor } from '../../src/model/money.ts';
import type { Transaction } from '../../src/model/transaction.ts';
import { currencyCode, opt } from '../schema.ts';
import { leftOutRows, maskAccountNumber, type FetchingSource, type SourceOutput } from '../source.ts';
import type { components } from './generated.ts';
import { assertType, type Binds } from '../../src/lib/contract-types.ts';

const finite = z.number().finite();

export const WireTransaction = z.object({
  transactionId: z.string().min(1),
  amount: finite,
  transactionType: opt(z.string().refine((v) => /^(debit|credit)$/i.test(v), 'must be Debit or Credit')),
  postedDate: z.string().refine(isDateTime, 'is not an ISO 8601 date-time'),
  transactionDate: opt(z.string()),
  description: opt(z.string()),
  merchantName: opt(z.string()),
  category: opt(z.string()),
  currencyCode: opt(currencyCode),
  runningBalance: opt(finite),
  pending: opt(z.boolean()),
});

export const WireHistory = z.object({
  userId: opt(z.string()),
  tokenId: opt(z.string()),
  syncStatus: z.string(),
  syncInstructions: opt(z.string()),
  challenges: opt(z.array(z.unknown())),
  transactions: opt(z.array(WireTransaction)),
});

export const WireExport = z.object({
  institutionName: opt(z.string()),
  accountType: opt(z.string()),
  accountHolderName: opt(z.string()),
  routingNumber: opt(z.string()),
  accountNumber: opt(z.string()),
  accountNickname: opt(z.string()),
  lastAvailableBalance: opt(finite),
  lastCurrentBalance: opt(finite),
});

export type History = z.output<typeof WireHistory>;
export type Export = z.output<typeof WireExport>;

// The runtime schemas read what the spec describes: a field that drifts in type, optionality or
// presence is a compile error naming it (src/lib/contract-types.ts).
assertType<Binds<typeof WireTransaction, components['schemas']['Transaction'], 'Transaction'>>();
assertType<Binds<typeof WireHistory, components['schemas']['TransactionHistory'], 'TransactionHistory'>>();
assertType<Binds<typeof WireExport, components['schemas']['AccountExport'], 'AccountExport'>>();

/** ValidiFI as the partner knows it, and the code of its wrong answers. */
export const VALIDIFI_PROVIDER: FetchingSource['provider'] = {
  name: 'ValidiFI',
  badResponse: 'validifi_bad_response',
};

export const isSynced = (h: History) => h.syncStatus.trim().toLowerCase() === 'synced';

/** A stable, non-reversible account id for the model: the account token itself is a credential. */
export const accountIdOf = (accountToken: string) =>
  `validifi-${createHash('sha256').update(accountToken).digest('hex').slice(0, 12)}`;

export interface MapOptions {
  accountToken: string;
  timeZone: string;
  period: { start: string; end: string };
  windows: number;
  upstreamCalls: number;
}

/** Histories of one account's windows (possibly overlapping) → one de-duplicated transaction list. */
export function mapHistories(
  histories: History[],
  exported: Export | undefined,
  o: MapOptions,
): SourceOutput {
  const accountId = accountIdOf(o.accountToken);
  const seen = new Set<string>();
  let received = 0;
  let duplicates = 0;
  let pending = 0;
  const out: Transaction[] = [];
  // What was asked for: from midnight UTC of the period's first day to the end of its last (the query's
  // startDateTime/endDateTime); a local date-time (no offset) by its date. A row from outside is ValidiFI
  // ignoring the range: left out with a warning, and a history of nothing else is its wrong answer.
  const from = Date.parse(`${o.period.start}T00:00:00Z`);
  const to = Date.parse(`${o.period.end}T00:00:00Z`) + 86_400_000;
  const asked = (posted: string) => {
    const at = instantOf(posted);
    return at === undefined
      ? posted.slice(0, 10) >= o.period.start && posted.slice(0, 10) <= o.period.end
      : at >= from && at < to;
  };
  const stray: string[] = [];
  for (const h of histories) {
    for (const t of h.transactions ?? []) {
      received++;
      if (seen.has(t.transactionId)) {
        duplicates++;
        continue;
      }
      seen.add(t.transactionId);
      if (t.pending) {
        pending++;
        continue;
      }
      if (!asked(t.postedDate)) {
        stray.push(t.postedDate.slice(0, 10));
        continue;
      }
      const type = t.transactionType?.toLowerCase();
      const out_ = type ? type === 'debit' : t.amount < 0;
      const minor = toMinor(Math.abs(t.amount));
      const name = t.merchantName?.trim() || t.description?.trim() || 'UNKNOWN';
      const tx: Transaction = {
        date: bookingDate(t.postedDate, o.timeZone),
        amount_minor: out_ ? minor : minor === 0 ? 0 : -minor,
        currency: t.currencyCode ?? 'USD',
        merchant_name: name,
        account_id: accountId,
        source: 'validifi',
        source_ref: t.transactionId,
      };
      const narrative = t.description?.trim();
      if (narrative && narrative !== name) tx.description = narrative;
      if (t.runningBalance !== undefined) tx.balance_minor = toMinor(t.runningBalance);
      out.push(tx);
    }
  }
  const warnings: string[] = [];
  if (stray.length)
    warnings.push(
      leftOutRows(
        VALIDIFI_PROVIDER,
        stray,
        `dated outside the period asked for (${o.period.start} to ${o.period.end})`,
        out.length === 0 && pending === 0,
      ),
    );
  if (pending)
    warnings.push(`${pending} pending transactions were left out; only posted transactions are assessed`);
  const type = readAccountType(exported?.accountType);
  const holder = readAccountHolder(exported?.accountHolderName);
  const stated = [holder ? exported?.accountHolderName : undefined, type ? exported?.accountType : undefined]
    .filter(Boolean)
    .join('; ');
  if (
    out.some((t) => t.currency === 'USD') &&
    !histories.some((h) => h.transactions?.some((t) => t.currencyCode))
  )
    warnings.push('ValidiFI gave no currency; USD was assumed');
  return {
    transactions: out,
    metadata: {
      account_id: accountId,
      account: exported
        ? {
            institution_name: exported.institutionName ?? null,
            account_type: exported.accountType ?? null,
            account_holder_name: exported.accountHolderName ?? null,
            account_number: maskAccountNumber(exported.accountNumber),
            routing_number: exported.routingNumber ?? null,
            nickname: exported.accountNickname ?? null,
            last_available_balance: exported.lastAvailableBalance ?? null,
            last_current_balance: exported.lastCurrentBalance ?? null,
          }
        : null,
      period: o.period,
      time_zone: o.timeZone,
      windows: o.windows,
      upstream_calls: o.upstreamCalls,
      counts: {
        received,
        duplicates,
        pending_excluded: pending,
        outside_period_excluded: stray.length,
        posted: out.length,
      },
    },
    warnings,
    accounts: type || holder ? [{ account_id: accountId, type, holder, stated }] : [],
  };
}
