/**
 * Request schemas. Each is tied to the type generated from openapi/*.yaml (src/http/generated/), so a
 * change to one without the other is a compile error. Optional fields accept `null` as absent (many
 * clients serialise an unset field as null).
 */
import { z } from 'zod';
import { SourceInputSchema } from '../../adapters/registry.ts';
import { money, opt, printableToken } from '../../adapters/schema.ts';
import { TransactionSchema, TransactionsSchema } from '../../adapters/transactions/index.ts';
import type { AssessmentResponse } from '../model/assessment.ts';
import { HOUSING_TYPES } from '../model/circumstances.ts';
import type { VeqtrxTransaction } from '../model/veqtrx.ts';
import { checkUrlForm, type UnsafeTargetError } from '../lib/ssrf.ts';
import { ASSESSMENT_ID } from '../lib/ids.ts';
import type { components } from './generated/partner-v1.ts';
import { assertType, type Exactly } from './validate.ts';

export const CircumstancesSchema = z.object({
  housing: opt(z.enum(HOUSING_TYPES, { error: `must be one of ${HOUSING_TYPES.join(', ')}` })),
  household_adults: opt(z.number().int().min(1).max(10)),
  children_u16: opt(z.number().int().min(0).max(10)),
  children_16_18: opt(z.number().int().min(0).max(10)),
  vulnerabilities: opt(z.array(z.string().trim().min(1).max(100)).max(50)),
});

/** A webhook target (partner webhook_url, per-call callback_url): the SSRF guard's form check. */
export const WebhookUrlSchema = z.string().max(2000).superRefine((u, ctx) => {
  try {
    checkUrlForm(u);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as UnsafeTargetError).message });
  }
});

/**
 * `transactions` (the Veqtrx field) or, as an extension, `source` (another place the data comes
 * from: adapters/registry.ts) — exactly one of the two.
 */
export const AssessRequestSchema = z
  .object({
    customer_ref: z.string({ error: 'is required' }).trim().min(1, 'must not be empty').max(200),
    partner_ref: opt(z.string().trim().min(1).max(200)),
    transactions: opt(TransactionsSchema),
    source: opt(SourceInputSchema),
    circumstances: opt(CircumstancesSchema),
    declared_income: opt(money(0, 10_000_000)),
    callback_url: opt(WebhookUrlSchema),
  })
  .superRefine((b, ctx) => {
    if (b.transactions === undefined && b.source === undefined) ctx.addIssue({ code: 'custom', path: ['transactions'], message: 'is required (or, instead, a source object)' });
    if (b.transactions !== undefined && b.source !== undefined) ctx.addIssue({ code: 'custom', path: ['source'], message: 'cannot be sent with transactions: send one or the other' });
  });

export type AssessRequest = z.output<typeof AssessRequestSchema>;

assertType<Exactly<AssessRequest, components['schemas']['AssessRequest']>>();
assertType<Exactly<z.output<typeof TransactionSchema>, components['schemas']['Transaction']>>();
assertType<Exactly<z.output<typeof CircumstancesSchema>, components['schemas']['Circumstances']>>();
// Values too: what we accept must be assignable to what the contract describes. (Responses are
// checked against the spec's schemas at run time by the contract tests.)
export const _contract = (r: AssessRequest): components['schemas']['AssessRequest'] => r;
assertType<Exactly<AssessmentResponse, components['schemas']['AssessmentResponse']>>();
assertType<Exactly<VeqtrxTransaction, components['schemas']['Transaction']>>();

export const IdempotencyKeySchema = printableToken(255);

export const DeliveriesQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  assessment_id: z.string().regex(ASSESSMENT_ID).optional(),
});
