/**
 * The hosted portal's pages (Architecture B): `/p/<slug>?t=<token>` opens a link — the token is checked,
 * this browser's session cookie bound to it, and the browser sent on at once to a URL without the token
 * (so it stays out of the address bar, the history and any Referer). Then: welcome (who is asking and
 * why), consent (what data, for which purpose, how long it is kept), sign-up (name and email, prefilled),
 * connect (the methods of src/services/portal-connect.ts), and the thanks page.
 *
 * An unknown slug, a bad, expired, used or revoked token, and a page without this browser's session all
 * get the same 404 page, byte for byte. Every form carries the session's CSRF token and every POST is
 * refused (403) without it. Nothing of the customer's is put in a URL or a log line.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Logger } from '../lib/logger.ts';
import { isRecord } from '../lib/narrow.ts';
import { PORTAL_COOKIE, type PortalContext, type PortalService } from '../services/portal.ts';
import { field, formBody, htmlHeaders, readCookie, render, setCookie, type Views } from './html.ts';

/** What the consent page says about keeping the data: what the gateway does today (it deletes none of it by itself; there is no retention setting yet). */
const RETENTION = (partner: string) =>
  `Your name and email address are kept, encrypted, with this request. They, the result and the transactions it was worked out from are kept for ${partner}'s records of your application, for as long as ${partner} keeps those records, and are not used for anything else.`;

const NameSchema = z
  .string()
  .trim()
  .min(1, 'Enter your full name')
  .max(200, 'Your name must be 200 characters or fewer')
  .refine((s) => !/\p{Cc}/u.test(s), 'Your name must not contain control characters');
const EmailSchema = z
  .string()
  .trim()
  .min(1, 'Enter your email address')
  .max(254, 'Your email address must be 254 characters or fewer')
  .pipe(z.email('Enter an email address in the correct format, like name@example.com'));

const SLUG = /^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/;

export function portalRouter(d: { portal: PortalService; views: Views; log: Logger }): Router {
  const r = Router();
  r.use(htmlHeaders);

  const notFound = (res: Response) => render(d.views, res, 'portal/not-found', {}, 404);
  const slugOf = (req: Request) => String(req.params.slug);
  const page = (
    res: Response,
    ctx: PortalContext,
    view: string,
    data: Record<string, unknown> = {},
    status = 200,
  ) =>
    render(d.views, res, view, { brand: ctx.branding, slug: ctx.partnerId, csrf: ctx.csrf, ...data }, status);

  /** Each request's open session, set by `session`. */
  const contexts = new WeakMap<Response, PortalContext>();
  /** The browser's open session for this slug, or the 404 page. */
  const session = async (req: Request, res: Response, next: NextFunction) => {
    const slug = slugOf(req);
    const ctx = SLUG.test(slug) ? await d.portal.context(slug, readCookie(req, PORTAL_COOKIE)) : undefined;
    if (!ctx) return notFound(res);
    contexts.set(res, ctx);
    next();
  };
  const ctxOf = (res: Response): PortalContext => {
    const c = contexts.get(res);
    if (!c) throw new Error('portal session middleware did not run');
    return c;
  };
  /** A POST's form, checked against the session's CSRF token (403 page when missing or wrong). */
  const csrf = (req: Request, res: Response, next: NextFunction) => {
    if (!d.portal.checkCsrf(ctxOf(res), field(req, '_csrf'))) {
      render(
        d.views,
        res,
        'portal/error',
        {
          heading: 'This form has expired',
          message: 'Go back, reload the page and try again.',
          brand: ctxOf(res).branding,
        },
        403,
      );
      return;
    }
    next();
  };

  r.get('/:slug', async (req, res) => {
    const slug = slugOf(req);
    const t = req.query.t;
    // Every way in does the same work (src/services/portal.ts, land), so that none answers sooner.
    const landing = await d.portal.land(slug, typeof t === 'string' ? t : '', req.ip);
    if (landing.kind === 'too_many') {
      res.setHeader('Retry-After', String(Math.ceil(landing.retryAfterMs / 1000)));
      return render(
        d.views,
        res,
        'portal/error',
        { heading: 'Too many attempts', message: 'Wait a few minutes, then open your link again.' },
        429,
      );
    }
    if (landing.kind === 'not_found') return notFound(res);
    setCookie(res, PORTAL_COOKIE, landing.cookie, { path: `/p/${slug}`, maxAgeS: landing.maxAgeS });
    res.redirect(303, `/p/${slug}/welcome`);
  });

  r.get('/:slug/welcome', session, (_req, res) => {
    page(res, ctxOf(res), 'portal/welcome');
  });

  r.get('/:slug/consent', session, (_req, res) => {
    const ctx = ctxOf(res);
    page(res, ctx, 'portal/consent', { retention: RETENTION(ctx.branding.displayName) });
  });
  r.post('/:slug/consent', session, formBody, csrf, async (_req, res) => {
    const ctx = ctxOf(res);
    if (!(await d.portal.consent(ctx))) return notFound(res);
    res.redirect(303, `/p/${ctx.partnerId}/signup`);
  });

  r.get('/:slug/signup', session, (_req, res) => {
    const ctx = ctxOf(res);
    if (!ctx.consented) return res.redirect(303, `/p/${ctx.partnerId}/consent`);
    page(res, ctx, 'portal/signup', { name: ctx.name, email: ctx.email, errors: {} });
  });
  r.post('/:slug/signup', session, formBody, csrf, async (req, res) => {
    const ctx = ctxOf(res);
    if (!ctx.consented) return res.redirect(303, `/p/${ctx.partnerId}/consent`);
    const name = NameSchema.safeParse(field(req, 'name'));
    const email = EmailSchema.safeParse(field(req, 'email'));
    if (!name.success || !email.success) {
      const errors: Record<string, string> = {};
      if (!name.success) errors.name = name.error.issues[0]?.message ?? 'Enter your full name';
      if (!email.success) errors.email = email.error.issues[0]?.message ?? 'Enter your email address';
      return page(
        res,
        ctx,
        'portal/signup',
        { name: field(req, 'name'), email: field(req, 'email'), errors },
        400,
      );
    }
    if (!(await d.portal.signUp(ctx, name.data, email.data))) return notFound(res);
    res.redirect(303, `/p/${ctx.partnerId}/connect`);
  });

  r.get('/:slug/connect', session, async (_req, res) => {
    const ctx = ctxOf(res);
    if (!ctx.signedUp) return res.redirect(303, `/p/${ctx.partnerId}/signup`);
    const methods = await d.portal.connectOptions(ctx);
    page(res, ctx, 'portal/connect', {
      methods: methods.map((m) => ({ id: m.id, label: m.label, description: m.description })),
    });
  });
  r.get('/:slug/connect/:method', session, async (req, res) => {
    const ctx = ctxOf(res);
    if (!ctx.signedUp) return res.redirect(303, `/p/${ctx.partnerId}/signup`);
    const m = (await d.portal.connectOptions(ctx)).find((x) => x.id === String(req.params.method));
    if (!m) return notFound(res);
    res.redirect(303, await m.start(d.portal.connectSession(ctx)));
  });

  r.get('/:slug/thanks', async (req, res) => {
    const slug = slugOf(req);
    const brand = SLUG.test(slug)
      ? await d.portal.completedBranding(slug, readCookie(req, PORTAL_COOKIE))
      : undefined;
    render(d.views, res, 'portal/thanks', brand ? { brand } : {});
  });

  r.use((_req: Request, res: Response) => notFound(res));
  // Errors on these pages are pages too (never JSON, never the internal message).
  r.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = isRecord(err) && typeof err.status === 'number' ? err.status : 500;
    if (status >= 500)
      d.log.error(
        { req_id: req.id, err: { message: isRecord(err) ? err.message : undefined } },
        'portal page failed',
      );
    if (res.headersSent) return;
    render(
      d.views,
      res,
      'portal/error',
      status === 413
        ? { heading: 'Too much was sent', message: 'Go back and try again.' }
        : status < 500
          ? { heading: 'Something was wrong with that request', message: 'Go back and try again.' }
          : { heading: 'Sorry, something went wrong', message: 'Try again in a few minutes.' },
      status >= 400 && status < 600 ? status : 500,
    );
  });
  return r;
}

/**
 * A partner's logo as the admin API stored it (`/assets/logo/<sha256>`): its checked type, cached for good
 * (the path changes with the content), and sandboxed should a browser ever open it as a document.
 */
export function logoRouter(portal: PortalService): Router {
  const r = Router();
  r.get('/:sha', async (req, res) => {
    const logo = await portal.logo(String(req.params.sha));
    if (!logo) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    res.type(logo.content_type).send(Buffer.from(logo.bytes));
  });
  return r;
}
