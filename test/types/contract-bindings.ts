/**
 * Type test (run by `npm run typecheck`, so by CI; mocha never loads it): the compile-time binding of
 * schemas to the OpenAPI types (src/lib/contract-types.ts) catches every kind of drift. Each
 * `@ts-expect-error` line takes a real schema, changes one thing the spec does not say, and must fail to
 * compile — if the binding stopped seeing that drift, the directive would be unused and tsc would fail.
 * The lines without the directive are the controls: the same comparisons pass on the real schemas.
 */
import { z } from 'zod';
import { TransactionSchema } from '../../adapters/transactions/index.ts';
import { SourceInputSchema } from '../../adapters/registry.ts';
import { ValidifiSourceSchema } from '../../adapters/validifi/index.ts';
import { LabelledTransactionsSchema } from '../../adapters/labelled_transactions/index.ts';
import { ByodAccountsSchema } from '../../adapters/byod_accounts/index.ts';
import { PlaidTransactionsSchema } from '../../adapters/plaid_transactions/index.ts';
import { WireHistory } from '../../adapters/validifi/map.ts';
import type { components as validifi } from '../../adapters/validifi/generated.ts';
import { UpdatePartnerSchema } from '../../src/http/admin-routes.ts';
import type { components as admin } from '../../src/contract/generated/admin-v1.ts';
import type { components as partner } from '../../src/contract/generated/partner-v1.ts';
import { AssessRequestSchema, CircumstancesSchema } from '../../src/contract/schemas.ts';
import { assertType, type Binds, type Matches, type Sends } from '../../src/lib/contract-types.ts';
import type { AssessmentResponse } from '../../src/model/assessment.ts';
import type { ErrorCodeOf } from '../../src/lib/errors.ts';

type Spec = partner['schemas'];

// A value type: a string where the spec has a number (what the old key-names-only check let through).
assertType<Binds<typeof TransactionSchema, Spec['Transaction'], 'Transaction'>>();
export const StringAmount = TransactionSchema.extend({ amount: z.string() });
// prettier-ignore
// @ts-expect-error Drift<"Transaction.amount", string, number>
assertType<Binds<typeof StringAmount, Spec['Transaction'], 'Transaction'>>();

// Optionality: a required field made optional, and an optional one made required.
export const OptionalMerchant = TransactionSchema.extend({ merchant_name: z.string().optional() });
// prettier-ignore
// @ts-expect-error Drift<"Transaction.merchant_name", "optional", "required">
assertType<Binds<typeof OptionalMerchant, Spec['Transaction'], 'Transaction'>>();
export const RequiredDescription = TransactionSchema.extend({ description: z.string() });
// prettier-ignore
// @ts-expect-error Drift<"Transaction.description", "required", "optional">
assertType<Binds<typeof RequiredDescription, Spec['Transaction'], 'Transaction'>>();

// Presence: a field the spec has that the schema dropped, and one the schema added.
export const NoBalance = TransactionSchema.omit({ balance: true });
// prettier-ignore
// @ts-expect-error Drift<"Transaction.balance", "absent", "present">
assertType<Binds<typeof NoBalance, Spec['Transaction'], 'Transaction'>>();
export const WithNote = TransactionSchema.extend({ note: z.string().optional() });
// prettier-ignore
// @ts-expect-error Drift<"Transaction.note", "present", "absent">
assertType<Binds<typeof WithNote, Spec['Transaction'], 'Transaction'>>();

// An enum that lost (or gained) a member.
assertType<Binds<typeof CircumstancesSchema, Spec['Circumstances'], 'Circumstances'>>();
export const FewerHousings = CircumstancesSchema.extend({
  housing: z.enum(['renter', 'homeowner_mortgage', 'homeowner_outright']).optional(),
});
// prettier-ignore
// @ts-expect-error Drift<"Circumstances.housing", never, "social_housing">
assertType<Binds<typeof FewerHousings, Spec['Circumstances'], 'Circumstances'>>();

// Deep in the request: a field of one `source` variant, seen through AssessRequest and SourceInput.
assertType<Binds<typeof AssessRequestSchema, Spec['AssessRequest'], 'AssessRequest'>>();
assertType<Binds<typeof SourceInputSchema, Spec['SourceInput'], 'SourceInput'>>();
const NumericStart = ValidifiSourceSchema.extend({ start_date: z.number().optional() });
const DriftedSources = z.discriminatedUnion('type', [
  NumericStart,
  LabelledTransactionsSchema,
  ByodAccountsSchema,
  PlaidTransactionsSchema,
]);
// prettier-ignore
// @ts-expect-error Drift<"SourceInput<validifi>.start_date", number, string>
assertType<Binds<typeof DriftedSources, Spec['SourceInput'], 'SourceInput'>>();
export const DriftedRequest = AssessRequestSchema.extend({ source: DriftedSources.optional() });
// prettier-ignore
// @ts-expect-error Drift<"AssessRequest.source<validifi>.start_date", number, string>
assertType<Binds<typeof DriftedRequest, Spec['AssessRequest'], 'AssessRequest'>>();

// A default: a client may omit `time_zone` (the spec's default fills it); a schema that requires it drifts.
export const NoDefaultZone = ValidifiSourceSchema.extend({ time_zone: z.string() });
assertType<Binds<typeof ValidifiSourceSchema, Spec['ValidifiSource'], 'ValidifiSource'>>();
// prettier-ignore
// @ts-expect-error Drift<"ValidifiSource.time_zone", "required", "optional">
assertType<Binds<typeof NoDefaultZone, Spec['ValidifiSource'], 'ValidifiSource'>>();

// null: the admin API's `webhook_url: null` clears the URL; a schema that no longer accepts null drifts.
assertType<Binds<typeof UpdatePartnerSchema, admin['schemas']['UpdatePartner'], 'UpdatePartner'>>();
export const NoClear = UpdatePartnerSchema.extend({ webhook_url: z.string().optional() });
// prettier-ignore
// @ts-expect-error Drift<"UpdatePartner.webhook_url", string, string | null>
assertType<Binds<typeof NoClear, admin['schemas']['UpdatePartner'], 'UpdatePartner'>>();

// A provider's answer: what the client reads from ValidiFI is what its spec describes.
assertType<Binds<typeof WireHistory, validifi['schemas']['TransactionHistory'], 'TransactionHistory'>>();
export const BooleanChallenges = WireHistory.extend({ challenges: z.boolean().optional() });
// prettier-ignore
// @ts-expect-error Drift<"TransactionHistory.challenges", boolean, unknown[]>
assertType<Binds<typeof BooleanChallenges, validifi['schemas']['TransactionHistory'], 'TransactionHistory'>>();

// Responses: the model's type must be what the spec says the gateway sends.
assertType<Sends<AssessmentResponse, Spec['AssessmentResponse'], 'AssessmentResponse'>>();
// prettier-ignore
// @ts-expect-error Drift<"AssessmentResponse.monthly_income", string, number>
assertType<Sends<Omit<AssessmentResponse, 'monthly_income'> & { monthly_income: string }, Spec['AssessmentResponse'], 'AssessmentResponse'>>();
// prettier-ignore
// @ts-expect-error Drift<"AssessmentResponse.partner_ref", "optional", "required">
assertType<Sends<Omit<AssessmentResponse, 'partner_ref'> & { partner_ref?: string | null }, Spec['AssessmentResponse'], 'AssessmentResponse'>>();
// prettier-ignore
// @ts-expect-error Drift<"AssessmentResponse.warnings[].code", string, "business_account" | …>
assertType<Sends<Omit<AssessmentResponse, 'warnings'> & { warnings?: Array<{ code: string; detail: string; account_id: string | null }> }, Spec['AssessmentResponse'], 'AssessmentResponse'>>();

// Error codes: the partner spec's enum is the list of codes the partner API sends (src/lib/errors.ts).
assertType<Matches<ErrorCodeOf<'partner'>, NonNullable<Spec['Error']['code']>, 'partner Error.code'>>();
// prettier-ignore
// @ts-expect-error Drift<"partner Error.code", "partner_exists", never>
assertType<Matches<ErrorCodeOf<'partner'> | 'partner_exists', NonNullable<Spec['Error']['code']>, 'partner Error.code'>>();
// prettier-ignore
// @ts-expect-error Drift<"partner Error.code", never, "quota_exhausted">
assertType<Matches<Exclude<ErrorCodeOf<'partner'>, 'quota_exhausted'>, NonNullable<Spec['Error']['code']>, 'partner Error.code'>>();
