/**
 * What the gateway reads of Plaid's answers (openapi/providers/plaid.yaml), as runtime schemas bound to the
 * generated types: a field that drifts from the spec is a compile error naming it. The transactions and
 * accounts inside a `/transactions/sync` page are read by the `plaid_transactions` mapping's own schema
 * (adapters/plaid_transactions/index.ts), the one place that reads Plaid transactions.
 */
import { z } from 'zod';
import { assertType, type Binds } from '../../src/lib/contract-types.ts';
import type { components } from './generated.ts';

type S = components['schemas'];

export const WirePlaidError = z.object({
  error_type: z.string(),
  error_code: z.string(),
  error_message: z.string().optional(),
  display_message: z.string().nullable().optional(),
  request_id: z.string().optional(),
});

export const WireLinkTokenCreate = z.object({
  link_token: z.string().min(1),
  expiration: z.string(),
  hosted_link_url: z.string().optional(),
  request_id: z.string(),
});

const WireItemAddResult = z.object({
  public_token: z.string().min(1),
  accounts: z
    .array(
      z.object({
        id: z.string().optional(),
        name: z.string().optional(),
        mask: z.string().nullable().optional(),
        type: z.string().optional(),
        subtype: z.string().nullable().optional(),
      }),
    )
    .optional(),
  institution: z
    .object({ name: z.string().optional(), institution_id: z.string().optional() })
    .nullable()
    .optional(),
});

const WireLinkSessionExit = z.object({
  error: WirePlaidError.nullable().optional(),
  metadata: z
    .object({
      status: z.string().nullable().optional(),
      link_session_id: z.string().optional(),
      request_id: z.string().optional(),
    })
    .nullable()
    .optional(),
});

export const WireLinkSession = z.object({
  link_session_id: z.string(),
  started_at: z.string().optional(),
  finished_at: z.string().nullable().optional(),
  results: z
    .object({ item_add_results: z.array(WireItemAddResult).optional() })
    .nullable()
    .optional(),
  exit: WireLinkSessionExit.nullable().optional(),
});

export const WireLinkTokenGet = z.object({
  link_token: z.string().optional(),
  created_at: z.string().nullable().optional(),
  expiration: z.string().nullable().optional(),
  link_sessions: z.array(WireLinkSession).optional(),
  request_id: z.string(),
});

export const WirePublicTokenExchange = z.object({
  access_token: z.string().min(1),
  item_id: z.string(),
  request_id: z.string(),
});

/** One page of `/transactions/sync`: its lists are read by the mapping's schema once every page is in. */
export const WireSyncPage = z.object({
  transactions_update_status: z.string().optional(),
  accounts: z.array(z.unknown()).optional(),
  added: z.array(z.unknown()),
  modified: z.array(z.unknown()),
  removed: z.array(z.unknown()),
  next_cursor: z.string(),
  has_more: z.boolean(),
  request_id: z.string(),
});

assertType<Binds<typeof WirePlaidError, S['PlaidError'], 'PlaidError'>>();
assertType<Binds<typeof WireLinkTokenCreate, S['LinkTokenCreateResponse'], 'LinkTokenCreateResponse'>>();
assertType<Binds<typeof WireLinkSession, S['LinkSession'], 'LinkSession'>>();
assertType<Binds<typeof WireLinkTokenGet, S['LinkTokenGetResponse'], 'LinkTokenGetResponse'>>();
assertType<
  Binds<typeof WirePublicTokenExchange, S['PublicTokenExchangeResponse'], 'PublicTokenExchangeResponse'>
>();
