/** The admin API (`/api/admin`): partners, keys, tiers, webhook secrets, production sign-off, assessments, jobs. */
import { at } from '../lib/narrow.ts';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { badRequest, unauthorized } from '../lib/errors.ts';
import { ADMIN_TOKEN_AUDIENCE, ADMIN_TOKEN_ISSUER, checkAdminToken } from '../services/admin-token.ts';
import { TIERS, type PartnerService } from '../services/partners.ts';
import type { ProviderCredentials, SetValidifiCredentialsSchema } from '../services/providers.ts';
import type { AssessmentListing } from '../services/assessment-listing.ts';
import type { JobAdmin } from '../services/job-admin.ts';
import type { components, operations } from '../contract/generated/admin-v1.ts';
import { WebhookUrlSchema } from '../contract/schemas.ts';
import { SetAssessmentSettingsSchema, type AssessmentSettingsView } from '../contract/assessment-settings.ts';
import { assertType, type Binds, type Matches, type Sends } from '../lib/contract-types.ts';
import { parseOr400 } from '../contract/validate.ts';
import { MAX_TTL_HOURS, type PortalService } from '../services/portal.ts';

const slug = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/,
    'must be 3–40 characters of a–z, 0–9 and "-", starting and ending with a letter or digit',
  );

export const CreatePartnerSchema = z.object({
  partner_id: slug,
  display_name: z.string().trim().min(1).max(200).optional(),
  tier: z.enum(TIERS),
  monthly_quota: z.number().int().min(0).max(100_000_000).optional(),
  webhook_url: WebhookUrlSchema.optional(),
});
export const UpdatePartnerSchema = z
  .object({
    display_name: z.string().trim().min(1).max(200).optional(),
    tier: z.enum(TIERS).optional(),
    monthly_quota: z.number().int().min(0).max(100_000_000).optional(),
    webhook_url: WebhookUrlSchema.nullable().optional(),
  })
  .strict();
export const RotateWebhookSecretSchema = z
  .object({
    previous_secret_hours: z.number().min(0).max(720).optional(),
  })
  .strict();
/** A query flag: `true` or `false`, as a boolean. */
const queryFlag = z
  .enum(['true', 'false'])
  .transform((v) => v === 'true')
  .optional();
/** The paging of every admin listing: newest first, `limit` at a time, older than `before`. */
const PAGE = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .optional(),
};
const ListAssessmentsSchema = z.object({
  partner_id: slug.optional(),
  is_test: queryFlag,
  ...PAGE,
});
const ListJobsSchema = z.object({
  partner_id: slug.optional(),
  kind: z.enum(['documents', 'analysis']).optional(),
  state: z.enum(['processing', 'completed', 'failed']).optional(),
  stuck: queryFlag,
  ...PAGE,
});

const color = z
  .string()
  .regex(/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/, 'must be a colour as #rgb or #rrggbb')
  .transform((c) => c.toLowerCase());
export const SetPortalSettingsSchema = z
  .object({
    portal_enabled: z.boolean().optional(),
    primary_color: color.nullable().optional(),
    accent_color: color.nullable().optional(),
    logo_url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .nullable()
      .optional(),
    display_name: z.string().trim().min(1).max(200).nullable().optional(),
    hide_veqtrx_branding: z.boolean().optional(),
    allowed_redirect_domains: z.array(z.string().trim().max(253)).max(50).optional(),
  })
  .strict();
export const CreatePortalLinkSchema = z
  .object({
    customer_ref: z.string().trim().min(1).max(200),
    prefilled_name: z.string().trim().min(1).max(200).optional(),
    prefilled_email: z.email().max(254).optional(),
    redirect_url: z.string().max(2000).optional(),
    ttl_hours: z.number().positive().max(MAX_TTL_HOURS).default(24),
  })
  .strict();
const ListLinksSchema = z.object({
  ...PAGE,
});

// Bound to the spec (src/lib/contract-types.ts): a field that drifts is a compile error naming it.
assertType<Binds<typeof CreatePartnerSchema, components['schemas']['CreatePartner'], 'CreatePartner'>>();
assertType<Binds<typeof UpdatePartnerSchema, components['schemas']['UpdatePartner'], 'UpdatePartner'>>();
assertType<
  Binds<typeof RotateWebhookSecretSchema, components['schemas']['RotateWebhookSecret'], 'RotateWebhookSecret'>
>();
assertType<
  Binds<
    typeof SetValidifiCredentialsSchema,
    components['schemas']['SetProviderCredentials'],
    'SetProviderCredentials'
  >
>();

assertType<
  Binds<typeof SetPortalSettingsSchema, components['schemas']['SetPortalSettings'], 'SetPortalSettings'>
>();
assertType<
  Binds<typeof CreatePortalLinkSchema, components['schemas']['CreatePortalLink'], 'CreatePortalLink'>
>();

// The jobs listing's query: the parameters' names, the enums' members, and each item sent.
type ListJobsQuery = NonNullable<operations['listJobs']['parameters']['query']>;
assertType<Matches<keyof z.input<typeof ListJobsSchema>, keyof ListJobsQuery, 'listJobs query'>>();
assertType<
  Matches<NonNullable<z.output<typeof ListJobsSchema>['kind']>, NonNullable<ListJobsQuery['kind']>>
>();
assertType<
  Matches<NonNullable<z.output<typeof ListJobsSchema>['state']>, NonNullable<ListJobsQuery['state']>>
>();
assertType<
  Matches<NonNullable<z.input<typeof ListJobsSchema>['stuck']>, NonNullable<ListJobsQuery['stuck']>>
>();
assertType<Sends<Awaited<ReturnType<JobAdmin['cancel']>>, components['schemas']['AdminJob'], 'AdminJob'>>();
assertType<
  Binds<
    typeof SetAssessmentSettingsSchema,
    components['schemas']['SetAssessmentSettings'],
    'SetAssessmentSettings'
  >
>();
assertType<
  Sends<AssessmentSettingsView, components['schemas']['AssessmentSettings'], 'AssessmentSettings'>
>();
assertType<
  Sends<Awaited<ReturnType<JobAdmin['list']>>[number], components['schemas']['AdminJob'], 'AdminJob'>
>();

export function adminRouter(d: {
  assessments: AssessmentListing;
  jobs: JobAdmin;
  partners: PartnerService;
  providers: ProviderCredentials;
  portal: PortalService;
  adminSecret: string;
  adminTokenMaxTtlSeconds: number;
  json: RequestHandler[];
}): Router {
  const r = Router();
  r.use(async (req, res, next) => {
    const h = req.get('authorization');
    const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
    const c = m
      ? await checkAdminToken(d.adminSecret, at(m, 1, 'token group'), d.adminTokenMaxTtlSeconds)
      : undefined;
    if (c?.ok === false && c.reason === 'lifetime_too_long') {
      return next(
        unauthorized(
          `Admin token lives longer than the ${d.adminTokenMaxTtlSeconds} s maximum (ADMIN_TOKEN_MAX_TTL_S); mint a shorter-lived one`,
        ),
      );
    }
    if (!c?.ok)
      return next(
        unauthorized(
          `Missing, invalid or expired admin token (an HS256 JWT signed with ADMIN_JWT_SECRET, with role "admin", iss "${ADMIN_TOKEN_ISSUER}", aud "${ADMIN_TOKEN_AUDIENCE}" and exp)`,
        ),
      );
    // Who acts (the token's `sub`), for the operations that record it.
    res.locals.adminSubject = c.subject;
    next();
  });
  r.use(d.json);

  r.post('/partners', async (req, res) => {
    const body = parseOr400(CreatePartnerSchema, req.body);
    res.status(201).json({
      ...(await d.partners.create(body)),
      important: 'Save api_key and webhook_secret now — they will not be shown again.',
    });
  });
  r.get('/partners', async (_req, res) => {
    res.json({ partners: await d.partners.list() });
  });
  r.get('/partners/:id', async (req, res) => {
    res.json(await d.partners.describe(String(req.params.id)));
  });
  r.put('/partners/:id', async (req, res) => {
    const body = parseOr400(UpdatePartnerSchema, req.body);
    if (Object.keys(body).length === 0)
      throw badRequest(
        'Nothing to update: send at least one of display_name, tier, monthly_quota, webhook_url',
      );
    res.json(await d.partners.update(String(req.params.id), body));
  });
  r.post('/partners/:id/keys', async (req, res) => {
    res.status(201).json({
      ...(await d.partners.newKey(String(req.params.id))),
      important: 'Save api_key now — it will not be shown again. Older keys keep working until disabled.',
    });
  });
  r.delete('/partners/:id/keys/:key_id', async (req, res) => {
    res.json(await d.partners.disableKey(String(req.params.id), String(req.params.key_id)));
  });
  r.post('/partners/:id/webhook-secret', async (req, res) => {
    const body = parseOr400(RotateWebhookSecretSchema, req.body ?? {});
    const r = await d.partners.rotateWebhookSecret(String(req.params.id), body.previous_secret_hours);
    res.json({
      ...r,
      important: r.previous_secret_expires_at
        ? `Save webhook_secret now — it will not be shown again. Deliveries are signed with it from now on, and also with the previous secret until ${r.previous_secret_expires_at} (a second signature), so switch your receiver before then.`
        : 'Save webhook_secret now — it will not be shown again. Deliveries are signed with it alone from now on.',
    });
  });
  r.get('/partners/:id/assessment-settings', async (req, res) => {
    res.json(await d.partners.assessmentSettings(String(req.params.id)));
  });
  r.put('/partners/:id/assessment-settings', async (req, res) => {
    const body = parseOr400(SetAssessmentSettingsSchema, req.body);
    if (body.stress === undefined && body.spending_guidelines === undefined)
      throw badRequest('Nothing to set: send stress, spending_guidelines or both (null clears one)');
    res.json(await d.partners.setAssessmentSettings(String(req.params.id), body));
  });
  r.post('/partners/:id/production', async (req, res) => {
    res.json(await d.partners.signOff(String(req.params.id)));
  });
  r.get('/partners/:id/providers', async (req, res) => {
    res.json({ providers: await d.providers.list(String(req.params.id)) });
  });
  r.put('/partners/:id/providers/:provider', async (req, res) => {
    res.json(await d.providers.set(String(req.params.id), String(req.params.provider), req.body));
  });
  r.delete('/partners/:id/providers/:provider', async (req, res) => {
    await d.providers.remove(String(req.params.id), String(req.params.provider));
    res.status(204).end();
  });
  r.get('/partners/:id/portal', async (req, res) => {
    res.json(await d.portal.settings(String(req.params.id)));
  });
  r.put('/partners/:id/portal', async (req, res) => {
    const body = parseOr400(SetPortalSettingsSchema, req.body);
    res.json(await d.portal.setSettings(String(req.params.id), body));
  });
  r.post('/partners/:id/portal/links', async (req, res) => {
    const body = parseOr400(CreatePortalLinkSchema, req.body);
    // Without PUBLIC_URL, the link is on the origin this request reached (an authenticated operator's).
    const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    res.status(201).json(await d.portal.mintLink(String(req.params.id), body, origin));
  });
  r.get('/partners/:id/portal/links', async (req, res) => {
    const q = parseOr400(ListLinksSchema, req.query, 'query');
    res.json({ links: await d.portal.listLinks(String(req.params.id), q.limit, q.before) });
  });
  r.delete('/partners/:id/portal/links/:session_id', async (req, res) => {
    res.json(await d.portal.revokeLink(String(req.params.id), String(req.params.session_id)));
  });
  r.get('/assessments', async (req, res) => {
    const q = parseOr400(ListAssessmentsSchema, req.query, 'query');
    res.json({
      assessments: await d.assessments.list({
        limit: q.limit,
        partnerId: q.partner_id,
        isTest: q.is_test,
        before: q.before,
      }),
    });
  });
  r.get('/jobs', async (req, res) => {
    const q = parseOr400(ListJobsSchema, req.query, 'query');
    res.json({
      jobs: await d.jobs.list({
        limit: q.limit,
        partnerId: q.partner_id,
        kind: q.kind,
        state: q.state,
        stuck: q.stuck,
        before: q.before,
      }),
    });
  });
  r.post('/jobs/:job_id/cancel', async (req, res) => {
    const by: unknown = res.locals.adminSubject;
    res.json(await d.jobs.cancel(String(req.params.job_id), typeof by === 'string' ? by : 'admin'));
  });
  return r;
}
