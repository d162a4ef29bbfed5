/**
 * Server-rendered HTML pages (the hosted portal; the admin dashboard builds on the same): Eta templates in
 * src/http/views/ with auto-escaping on (`<%= %>` escapes & < > " '; `<%~ %>`, raw, is used only for the
 * layout's already-rendered body), one stylesheet served by the gateway (src/http/assets/site.css), and
 * the headers every page gets:
 *
 * - Content-Security-Policy: `default-src 'self'`, no inline script or style at all — the only inline
 *   element is the layout's `<style>` of brand colours, allowed by a fresh nonce per response, and it holds
 *   only colours the admin API validated (#rgb/#rrggbb, checked again when rendered). No third-party
 *   script, style, font or image can load; `frame-ancestors 'none'` (and X-Frame-Options DENY) keeps the
 *   pages out of frames; `form-action 'self'`; `base-uri 'none'`; `object-src 'none'`.
 * - Referrer-Policy: no-referrer; Cache-Control: no-store (pages hold personal data);
 *   Permissions-Policy denying camera, microphone, geolocation, payment; helmet's (app.ts) nosniff,
 *   HSTS, Cross-Origin-Opener/Resource-Policy.
 *
 * Cookies are always `HttpOnly; Secure; SameSite=Lax` (setCookie). Secure even in tests and local use:
 * browsers send Secure cookies to http://localhost and http://127.0.0.1, which they treat as secure
 * origins; on any other plain-http host the pages do not keep a session, which is right. Lax, not
 * Strict: a customer arrives from a link in an email or SMS (another site) and is redirected at once; a
 * Strict cookie would not be sent on that redirect's request. Forms are protected by a token bound to the
 * session besides (csrfField; the portal checks it on every POST).
 */
import { randomBytes, createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { Eta } from 'eta';
import { isRecord } from '../lib/narrow.ts';

const VIEWS_DIR = fileURLToPath(new URL('./views/', import.meta.url));
const CSS = readFileSync(fileURLToPath(new URL('./assets/site.css', import.meta.url)));
/** The stylesheet's path, with a hash of its content so that a cached copy is never stale. */
export const CSS_HREF = `/assets/site.css?v=${createHash('sha256').update(CSS).digest('hex').slice(0, 12)}`;

export type Views = Eta;

/** The template engine: auto-escaping on (Eta's default, set here so it cannot be lost), templates cached. */
export function createViews(): Views {
  return new Eta({ views: VIEWS_DIR, autoEscape: true, cache: true, defaultExtension: '.eta' });
}

/** The security headers of every HTML page, with this response's style nonce in res.locals.cspNonce. */
export const htmlHeaders: RequestHandler = (_req, res, next) => {
  const nonce = randomBytes(16).toString('base64');
  res.locals.cspNonce = nonce;
  res.setHeader(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      "script-src 'self'",
      `style-src 'self' 'nonce-${nonce}'`,
      "img-src 'self'",
      "font-src 'self'",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join('; '),
  );
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()');
  next();
};

/** Renders `template` (a path under views/, without `.eta`) with the page basics every layout needs. */
export function render(
  views: Views,
  res: Response,
  template: string,
  data: Record<string, unknown>,
  status = 200,
): void {
  const nonce: unknown = res.locals.cspNonce;
  const html = views.render(template, {
    ...data,
    nonce: typeof nonce === 'string' ? nonce : '',
    cssHref: CSS_HREF,
  });
  res.status(status).type('html').send(html);
}

/** A colour for the layout's `<style>`: only #rgb/#rrggbb ever reaches CSS. */
export const cssColor = (c: string | undefined): string | undefined =>
  c && /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(c) ? c : undefined;

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.get('cookie');
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/** Sets a cookie `HttpOnly; Secure; SameSite=Lax` (see above), for `path`. */
export function setCookie(res: Response, name: string, value: string, o: { path: string; maxAgeS: number }) {
  res.append(
    'Set-Cookie',
    `${name}=${value}; Path=${o.path}; Max-Age=${Math.floor(o.maxAgeS)}; HttpOnly; Secure; SameSite=Lax`,
  );
}

export function clearCookie(res: Response, name: string, path: string) {
  res.append('Set-Cookie', `${name}=; Path=${path}; Max-Age=0; HttpOnly; Secure; SameSite=Lax`);
}

/** A form's fields (application/x-www-form-urlencoded, at most 16 KB and 20 fields). */
export const formBody: RequestHandler = express.urlencoded({
  extended: false,
  limit: '16kb',
  parameterLimit: 20,
  type: 'application/x-www-form-urlencoded',
});

/** A form field as a string ('' when absent or repeated). */
export function field(req: Request, name: string): string {
  const body: unknown = req.body;
  const v = isRecord(body) ? body[name] : undefined;
  return typeof v === 'string' ? v : '';
}

/** The stylesheet, served by the gateway (no third-party style or font anywhere). */
export function assetsRouter(): Router {
  const r = Router();
  r.get('/site.css', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=86400');
    res.type('text/css').send(CSS);
  });
  return r;
}
