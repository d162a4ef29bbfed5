/**
 * `validifi`: a lender that already holds a ValidiFI / Ribbit CONNECT account token gets an assessment
 * without handling the transactions: `{"type": "validifi", "account_token": …, "account_token_id"?: …,
 * "start_date"?: …, "end_date"?: …}`. The gateway fetches the history with the partner's stored
 * ValidiFI credentials (admin API), as windows of at most 90 days (the API's limit) with bounded
 * parallelism, merges and de-duplicates them, and assesses the result like any other source.
 *
 * - No credentials stored for the partner: 422, saying how to store them.
 * - The account is not synced (an MFA challenge, re-authentication): 409 — send the customer through
 *   CONNECT again (update mode), then retry.
 * - ValidiFI fails or answers badly: 502; too slowly: 504. Never a partial assessment, and the
 *   quota unit is released.
 * - With `account_token_id`, the account export (institution, holder, balances, the last four digits
 *   of the account number) is kept as source metadata. An export ValidiFI no longer has (it lives 24
 *   hours after the CONNECT session) is a warning, and the assessment is made without it.
 * - "Synced" without a transaction list is ValidiFI's malformed answer: 502, never the lender's 400.
 */
import { at } from '../../src/lib/narrow.ts';
import { z } from 'zod';
import { providerBaseUrl } from '../provider-common.ts';
import { PRINTABLE, isoDate, opt, printableToken, timeZone } from '../schema.ts';
import { SourceError, SourceInputError, periodDates, type FetchingSource } from '../source.ts';
import { ValidifiClient, type ValidifiCredentials } from './client.ts';
import {
  VALIDIFI_PROVIDER,
  WireExport,
  WireHistory,
  isSynced,
  mapHistories,
  type Export,
  type History,
} from './map.ts';
import { dayNumber, isoDate as dateOf } from '../../src/model/dates.ts';

export { VALIDIFI_ENVIRONMENTS, clearTokenCache } from './client.ts';

/** The API returns at most this many days per call. */
export const WINDOW_DAYS = 90;
/** Windows fetched at once for one assessment (the provider limiter bounds all of them together). */
export const WINDOW_PARALLELISM = 2;
/** The longest period one assessment may ask for. */
export const MAX_PERIOD_DAYS = 400;

export const ValidifiSourceSchema = z
  .object({
    type: z.literal('validifi'),
    account_token: z
      .string({ error: 'is required' })
      .trim()
      .min(1, 'must not be empty')
      .max(200)
      .regex(PRINTABLE, 'must be printable ASCII without spaces'),
    account_token_id: opt(z.string().trim().pipe(printableToken(200))),
    start_date: opt(isoDate),
    end_date: opt(isoDate),
    time_zone: timeZone('America/New_York'),
  })
  .superRefine((s, ctx) => {
    if (s.start_date && s.end_date && s.start_date > s.end_date)
      ctx.addIssue({ code: 'custom', path: ['start_date'], message: 'must not be after end_date' });
  });

export type ValidifiSourceInput = z.output<typeof ValidifiSourceSchema>;

/** What the admin API stores for a partner (encrypted at rest); ValidiFI INSIGHTS uses them too. */
export const ValidifiCredentialsSchema = z.object({
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  base_url: providerBaseUrl,
  /** For CONNECT sessions only (adapters/validifi/connect.ts). */
  connect_client_id: z.string().min(1).optional(),
  connect_client_secret: z.string().min(1).optional(),
}) satisfies z.ZodType<ValidifiCredentials>;

/** The period: the lender's dates, or the six months to today (UTC). End never after today. */
export function periodOf(
  input: Pick<ValidifiSourceInput, 'start_date' | 'end_date'>,
  now: Date,
): { start: string; end: string } {
  const today = now.toISOString().slice(0, 10);
  const end = input.end_date ?? today;
  if (end > today) throw new SourceInputError('end_date is in the future');
  let start = input.start_date;
  if (!start) {
    const e = new Date(`${end}T00:00:00Z`);
    start = new Date(Date.UTC(e.getUTCFullYear(), e.getUTCMonth() - 6, e.getUTCDate()))
      .toISOString()
      .slice(0, 10);
  }
  if (dayNumber(end) - dayNumber(start) + 1 > MAX_PERIOD_DAYS)
    throw new SourceInputError(`the period is longer than ${MAX_PERIOD_DAYS} days`);
  return { start, end };
}

/** Consecutive windows of at most 90 days covering [start, end], both inclusive. */
export function windowsOf(start: string, end: string): Array<{ start: string; end: string }> {
  const out: Array<{ start: string; end: string }> = [];
  const last = dayNumber(end);
  for (let s = dayNumber(start); s <= last; s += WINDOW_DAYS)
    out.push({ start: dateOf(s), end: dateOf(Math.min(s + WINDOW_DAYS - 1, last)) });
  return out;
}

/** Runs `fn` over `items`, at most `n` at a time, in order of results; the first failure wins. */
async function mapLimit<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(at(items, i, 'item')); // i < items.length: checked just above
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** ValidiFI answered a status the call does not expect: its fault, for the partner to retry later. */
export const unexpectedStatus = (status: number, what: string) =>
  new SourceError(
    502,
    `ValidiFI answered HTTP ${status} for ${what}; retry later, and tell support if it persists`,
    'validifi_bad_response',
  );

/** ValidiFI's body is not what its API says (`what`: "a malformed …"). */
export const malformedAnswer = (what: string) =>
  new SourceError(
    502,
    `ValidiFI returned a malformed ${what}; retry later, and tell support if it persists`,
    'validifi_bad_response',
  );

function readHistory(res: { status: number; data: unknown }): History {
  if (res.status === 404)
    throw new SourceError(
      400,
      'ValidiFI has no account with this account_token; send the token your CONNECT session returned',
      'validifi_account_not_found',
    );
  if (res.status !== 200) throw unexpectedStatus(res.status, 'the transaction history');
  const h = WireHistory.safeParse(res.data);
  if (!h.success) throw malformedAnswer('transaction history');
  // "Synced" and no list at all is ValidiFI's payload not being what it should (an account with nothing in
  // the period has an empty list): the provider's fault, not the lender's account or period.
  if (isSynced(h.data) && h.data.transactions == null) {
    throw new SourceError(
      502,
      "ValidiFI said the account is synced but sent no transaction list (not even an empty one); this is ValidiFI's answer, not your request: retry later, and tell support if it persists",
      'validifi_bad_response',
    );
  }
  return h.data;
}

/** Why the account export is missing, when it is (the assessment goes on without it). */
export const EXPORT_GONE_WARNING =
  'ValidiFI no longer has the account export for this account_token_id (an export lives 24 hours after the CONNECT session, and the id may also be wrong): the assessment was made from the transaction history without the account details (institution, holder, account type, balances)';

/** The export, or undefined when ValidiFI no longer has it (404/410: past its 24 hours, or an unknown id). */
function readExport(res: { status: number; data: unknown }): Export | undefined {
  if (res.status === 404 || res.status === 410) return undefined;
  if (res.status !== 200) throw unexpectedStatus(res.status, 'the account export');
  const e = WireExport.safeParse(res.data);
  if (!e.success) throw malformedAnswer('account export');
  return e.data;
}

function notSynced(h: History): SourceError {
  const status = h.syncStatus.trim();
  const syncing = /^(syncing|pending|inprogress|in progress|processing)$/i.test(status);
  const instructions = h.syncInstructions ? ` ValidiFI says: "${h.syncInstructions.slice(0, 200)}"` : '';
  return syncing
    ? new SourceError(
        409,
        `ValidiFI is still syncing this account (syncStatus "${status.slice(0, 50)}"); retry in a few minutes.${instructions}`,
        'validifi_sync_in_progress',
      )
    : new SourceError(
        409,
        `ValidiFI cannot read this account (syncStatus "${status.slice(0, 50)}"${h.challenges?.length ? ', with a challenge to answer' : ''}): send the customer through CONNECT again (update mode) to re-authenticate or answer MFA, then retry.${instructions}`,
        'validifi_reconnect_required',
      );
}

export const validifi: FetchingSource<ValidifiSourceInput> = {
  id: 'validifi',
  kind: 'fetching',
  provider: VALIDIFI_PROVIDER,
  schema: ValidifiSourceSchema,
  dates: periodDates,
  async fetch(input, ctx) {
    const stored = await ctx.credentials('validifi');
    if (stored === undefined) {
      throw new SourceError(
        422,
        'This partner has no ValidiFI credentials; an administrator stores them with PUT /api/admin/partners/{id}/providers/validifi (or npm run admin -- provider-set)',
        'provider_not_configured',
      );
    }
    const creds: ValidifiCredentials = ValidifiCredentialsSchema.parse(stored);
    const period = periodOf(input, ctx.now);
    const windows = windowsOf(period.start, period.end);
    // The deadline and every check against it on the runtime's clock (see RuntimeOptions.clock).
    const clock = () => ctx.runtime.now();
    const client = new ValidifiClient(creds, ctx.runtime, clock() + ctx.runtime.options.deadlineMs, clock);
    const token = encodeURIComponent(input.account_token);
    const histories = mapLimit(windows, WINDOW_PARALLELISM, async (w) => {
      const h = readHistory(
        await client.get('the transaction history', `/v4/connect/transactions/${token}`, {
          startDateTime: `${w.start}T00:00:00Z`,
          endDateTime: `${w.end}T23:59:59Z`,
        }),
      );
      if (!isSynced(h)) throw notSynced(h);
      return h;
    });
    const exported = input.account_token_id
      ? client
          .get('the account export', `/v4/accounts/${encodeURIComponent(input.account_token_id)}/export`)
          .then(readExport)
      : Promise.resolve(undefined);
    // Both run together; neither failure may go unobserved.
    const [h, e] = await Promise.allSettled([histories, exported]);
    if (h.status === 'rejected') throw h.reason;
    if (e.status === 'rejected') throw e.reason;
    const out = mapHistories(h.value, e.value, {
      accountToken: input.account_token,
      timeZone: input.time_zone,
      period,
      windows: windows.length,
      upstreamCalls: client.calls,
    });
    if (input.account_token_id && e.value === undefined) out.warnings.push(EXPORT_GONE_WARNING);
    return out;
  },
};
