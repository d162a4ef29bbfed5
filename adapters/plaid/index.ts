/**
 * `plaid`: a Plaid Item's access token — from the portal's Plaid Link connection (adapters/plaid/connect.ts),
 * or one the lender already holds — is assessed without the lender handling the transactions:
 * `{"type": "plaid", "access_token": …, "start_date"?: …, "end_date"?: …}`. The gateway reads the Item's
 * history with the partner's stored Plaid credentials through `/transactions/sync` (every page, from the
 * start: `has_more` / `next_cursor`; restarted when Plaid says the data changed during paging), keeps the
 * period (six months to today unless given), and maps it with the `plaid_transactions` mapping — the one
 * place that reads Plaid transactions: Plaid's sign, posted dates, pending left out, `modified` and
 * `removed` applied, `personal_finance_category` as the category hint, the accounts' types.
 *
 * - No credentials stored for the partner: 422 `provider_not_configured`.
 * - The bank needs the customer to log in again (ITEM_LOGIN_REQUIRED): 409 `plaid_reconnect_required`.
 * - An access token Plaid does not know: 400 `plaid_item_not_found`.
 * - Plaid refuses the credentials, fails, keeps answering 429/5xx or answers malformed data: 502 (nothing
 *   charged, never a partial assessment).
 */
import { z } from 'zod';
import { MAX_TRANSACTIONS, PRINTABLE, isoDate, opt } from '../schema.ts';
import { malformed } from '../provider-common.ts';
import { SourceError, leftOutRows, periodDates, type FetchingSource } from '../source.ts';
import { PlaidTransactionsSchema, plaidTransactions } from '../plaid_transactions/index.ts';
import { periodOf } from '../validifi/index.ts';
import { PLAID_PROVIDER, PlaidApiError, PlaidClient, plaidCredentials, readingPlaid } from './client.ts';
import { WireSyncPage } from './wire.ts';

export { PLAID_ENVIRONMENTS, PlaidCredentialsSchema } from './client.ts';

/** Transactions asked for per `/transactions/sync` page (Plaid's maximum). */
export const SYNC_PAGE_SIZE = 500;
/** Times a sync is started again from the beginning when Plaid's data changes during paging. */
const SYNC_RESTARTS = 2;

export const PlaidSourceSchema = z
  .object({
    type: z.literal('plaid'),
    access_token: z
      .string({ error: 'is required' })
      .trim()
      .min(1, 'must not be empty')
      .max(200)
      .regex(PRINTABLE, 'must be printable ASCII without spaces'),
    start_date: opt(isoDate),
    end_date: opt(isoDate),
  })
  .superRefine((s, ctx) => {
    if (s.start_date && s.end_date && s.start_date > s.end_date)
      ctx.addIssue({ code: 'custom', path: ['start_date'], message: 'must not be after end_date' });
  });

export type PlaidSourceInput = z.output<typeof PlaidSourceSchema>;

interface Synced {
  accounts: unknown[];
  added: unknown[];
  modified: unknown[];
  removed: unknown[];
  pages: number;
}

/** Every page of the Item's history from the start (Plaid's sync, followed until `has_more` is false). */
async function syncAll(client: PlaidClient, accessToken: string): Promise<Synced> {
  for (let restart = 0; ; restart++) {
    const all: Synced = { accounts: [], added: [], modified: [], removed: [], pages: 0 };
    let cursor = '';
    try {
      for (;;) {
        const page = WireSyncPage.safeParse(
          await client.post('the transactions', '/transactions/sync', {
            access_token: accessToken,
            count: SYNC_PAGE_SIZE,
            ...(cursor ? { cursor } : {}),
          }),
        );
        if (!page.success) throw malformed(PLAID_PROVIDER, 'the transactions');
        all.pages++;
        all.added.push(...page.data.added);
        all.modified.push(...page.data.modified);
        all.removed.push(...page.data.removed);
        if (page.data.accounts) all.accounts = page.data.accounts;
        if (all.added.length + all.modified.length > MAX_TRANSACTIONS * 2)
          throw new SourceError(
            400,
            `Plaid holds more than ${MAX_TRANSACTIONS * 2} transactions for this Item; at most 10,000 in one assessment`,
            'too_many_transactions',
          );
        if (!page.data.has_more) return all;
        // The same cursor again is a provider that would page forever.
        if (page.data.next_cursor === cursor || page.data.next_cursor === '')
          throw malformed(PLAID_PROVIDER, 'the transactions');
        cursor = page.data.next_cursor;
      }
    } catch (e) {
      // Plaid's rule: when the data changes during paging, start again from the first cursor.
      if (
        e instanceof PlaidApiError &&
        e.code === 'TRANSACTIONS_SYNC_MUTATION_DURING_PAGINATION' &&
        restart < SYNC_RESTARTS
      )
        continue;
      throw e;
    }
  }
}

const dateOf = (t: unknown): string | undefined =>
  typeof t === 'object' && t !== null && 'date' in t && typeof t.date === 'string' ? t.date : undefined;

export const plaid: FetchingSource<PlaidSourceInput> = {
  id: 'plaid',
  kind: 'fetching',
  provider: PLAID_PROVIDER,
  schema: PlaidSourceSchema,
  dates: periodDates,
  async fetch(input, ctx) {
    const creds = await plaidCredentials(ctx);
    const period = periodOf(input, ctx.now);
    const client = new PlaidClient(creds, ctx.runtime);
    const synced = await readingPlaid('the transactions', () => syncAll(client, input.access_token));
    // The period asked for: rows outside it are left out with a warning (Plaid's sync has no dates).
    const inPeriod = (t: unknown) => {
      const d = dateOf(t);
      return d === undefined || (d >= period.start && d <= period.end);
    };
    const outside = [...synced.added, ...synced.modified].filter((t) => !inPeriod(t));
    const added = synced.added.filter(inPeriod);
    const modified = synced.modified.filter(inPeriod);
    const warnings: string[] = [];
    const metadata = { period, pages: synced.pages, upstream_calls: client.calls };
    if (added.length + modified.length === 0) return { transactions: [], metadata, warnings };
    if (outside.length)
      warnings.push(
        leftOutRows(
          PLAID_PROVIDER,
          outside.map((t) => dateOf(t) ?? ''),
          `dated outside the period asked for (${period.start} to ${period.end})`,
          false,
        ),
      );
    const body = PlaidTransactionsSchema.safeParse({
      type: 'plaid_transactions',
      accounts: synced.accounts,
      added,
      modified,
      removed: synced.removed,
    });
    if (!body.success) throw malformed(PLAID_PROVIDER, 'the transactions');
    const out = plaidTransactions.map(body.data);
    for (const t of out.transactions) t.source = 'plaid';
    return {
      ...out,
      metadata: { ...out.metadata, ...metadata },
      warnings: [...warnings, ...out.warnings],
    };
  },
};
