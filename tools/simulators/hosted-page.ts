/**
 * What the simulators' hosted connect pages share (the ValidiFI CONNECT widget, Plaid Hosted Link): plain
 * server-rendered HTML forms — no script, so a test drives them with `fetch` (get the page, post the
 * form, follow the redirect) exactly as a browser would — and the redirect back to the caller's
 * completion URL.
 */
import type http from 'node:http';

/** Text for HTML (element content and attribute values). */
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A whole page: a heading, an optional error line (`role="alert"`), and the body's HTML. */
export function page(title: string, body: string, error?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}
label{display:block;margin:.5rem 0}.error{color:#b00020}button{margin:.5rem .5rem 0 0}</style></head>
<body><h1>${esc(title)}</h1>${error ? `<p class="error" role="alert">${esc(error)}</p>` : ''}
${body}
</body></html>`;
}

export function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  res.end(html);
}

/** A 303 to `url` with `params` added to its query (a POSTed form's answer: the browser GETs it). */
export function redirectTo(res: http.ServerResponse, url: string, params: Record<string, string> = {}): void {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  res.writeHead(303, { location: u.toString(), 'cache-control': 'no-store' });
  res.end();
}

/** An `application/x-www-form-urlencoded` body as a map (a repeated field keeps its last value). */
export const readForm = (body: string): Map<string, string> => new Map(new URLSearchParams(body));
