/** What the portal tests share: a local image server for logos, and a browser-like cookie jar over fetch. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export interface ImageServer {
  base: string;
  hits: Map<string, number>;
  close(): Promise<void>;
}

/** Serves /logo.png, /logo.svg, /big.png (over 256 KB), /redirect (302 to /logo.png) and /text (a PNG label on HTML). */
export async function startImageServer(): Promise<ImageServer> {
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/logo.png') res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    else if (path === '/logo.svg')
      res
        .writeHead(200, { 'content-type': 'image/svg+xml' })
        .end('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    else if (path === '/big.png')
      res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.concat([PNG, Buffer.alloc(300 * 1024)]));
    else if (path === '/redirect') res.writeHead(302, { location: '/logo.png' }).end();
    else if (path === '/text')
      res.writeHead(200, { 'content-type': 'image/png' }).end('<html><body>not an image</body></html>');
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface Page {
  status: number;
  headers: Headers;
  text: string;
}

/** A browser's view of the gateway: cookies kept (by name, as the server set them), redirects not followed. */
export class Browser {
  readonly cookies = new Map<string, string>();
  readonly setCookieHeaders: string[] = [];
  constructor(private readonly base: string) {}

  async request(method: string, path: string, form?: Record<string, string>): Promise<Page> {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(this.base + path, {
      method,
      headers,
      redirect: 'manual',
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      this.setCookieHeaders.push(c);
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/max-age=0/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: res.status, headers: res.headers, text: await res.text() };
  }

  get(path: string): Promise<Page> {
    return this.request('GET', path);
  }
  post(path: string, form: Record<string, string>): Promise<Page> {
    return this.request('POST', path, form);
  }
}

/** The value of a form's hidden CSRF field in a page. */
export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF field in the page');
  return m[1]!;
}
