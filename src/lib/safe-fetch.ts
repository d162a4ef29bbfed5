/**
 * One GET of a URL an administrator gave (a partner's logo), through the SSRF guard (src/lib/ssrf.ts):
 * connected to the address that was checked, never following a redirect (a redirect could point anywhere;
 * the URL given must be the file), with a timeout and a cap on the bytes read.
 */
import http from 'node:http';
import https from 'node:https';
import { errorCode } from './narrow.ts';
import { resolveSafeTarget, UnsafeTargetError } from './ssrf.ts';

export class FetchRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchRefused';
  }
}

export interface Fetched {
  contentType: string | undefined;
  bytes: Buffer;
}

export async function fetchSafe(
  url: string,
  opts: { allowPrivate: boolean; timeoutMs: number; maxBytes: number },
): Promise<Fetched> {
  let target;
  try {
    target = await resolveSafeTarget(url, opts.allowPrivate);
  } catch (e) {
    if (e instanceof UnsafeTargetError) throw new FetchRefused(e.message);
    throw new FetchRefused('the host did not resolve');
  }
  const lib = target.url.protocol === 'https:' ? https : http;
  return new Promise<Fetched>((resolveOnce, rejectOnce) => {
    // The whole fetch ends within the timeout (a server that sends a byte a second does not hold it open).
    const timer = setTimeout(() => req.destroy(new Error('timeout')), opts.timeoutMs);
    const resolve = (f: Fetched) => {
      clearTimeout(timer);
      resolveOnce(f);
    };
    const reject = (e: Error) => {
      clearTimeout(timer);
      rejectOnce(e);
    };
    const req = lib.request(
      target.url,
      {
        method: 'GET',
        headers: { accept: 'image/png, image/jpeg, image/webp', 'user-agent': 'Veqtrx-Gateway/1.0' },
        lookup: (_host, options, cb) => {
          if (options.all) cb(null, [{ address: target.address, family: target.family }]);
          else cb(null, target.address, target.family);
        },
        timeout: opts.timeoutMs,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          res.resume();
          reject(
            new FetchRefused(
              status >= 300 && status < 400
                ? `answered ${status} (a redirect, which is not followed: give the file's own URL)`
                : `answered HTTP ${status}`,
            ),
          );
          return;
        }
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > opts.maxBytes) {
          res.destroy();
          reject(new FetchRefused(`is ${declared} bytes, over the limit of ${opts.maxBytes}`));
          return;
        }
        const chunks: Buffer[] = [];
        let read = 0;
        res.on('data', (c: Buffer) => {
          read += c.length;
          if (read > opts.maxBytes) {
            res.destroy();
            reject(new FetchRefused(`is over the limit of ${opts.maxBytes} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('error', () =>
          reject(
            new FetchRefused(
              req.destroyed
                ? `did not finish within ${opts.timeoutMs} ms`
                : 'the connection failed while reading',
            ),
          ),
        );
        res.on('end', () =>
          resolve({ contentType: res.headers['content-type'], bytes: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) =>
      reject(
        new FetchRefused(
          e.message === 'timeout'
            ? `did not answer within ${opts.timeoutMs} ms`
            : `could not be reached (${errorCode(e) ?? 'connection failed'})`,
        ),
      ),
    );
    req.end();
  });
}

/** The image type of some bytes by their signature, or undefined: PNG, JPEG and WebP only (not SVG). */
export type ImageType = 'image/png' | 'image/jpeg' | 'image/webp';
export function sniffImage(b: Uint8Array): ImageType | undefined {
  const at = (i: number) => b[i] ?? -1;
  if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((v, i) => at(i) === v)) return 'image/png';
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'image/jpeg';
  const ascii = (from: number, s: string) => [...s].every((c, i) => at(from + i) === c.charCodeAt(0));
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp';
  return undefined;
}
