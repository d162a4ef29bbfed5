/**
 * One HTTP attempt to deliver a webhook: connects to the SSRF-checked address, times out, reads at most
 * a little of the response, and says whether a retry can help (network errors, timeouts, 408, 429, 5xx).
 */
import { errorCode } from '../lib/narrow.ts';
import http from 'node:http';
import https from 'node:https';
import { resolveSafeTarget, UnsafeTargetError } from '../lib/ssrf.ts';

export interface AttemptResult {
  ok: boolean;
  status: number | null;
  error: string | null;
  retryable: boolean;
  durationMs: number;
}

export async function sendWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; allowPrivate: boolean },
): Promise<AttemptResult> {
  const started = Date.now();
  const done = (r: Omit<AttemptResult, 'durationMs'>): AttemptResult => ({
    ...r,
    durationMs: Date.now() - started,
  });
  let target;
  try {
    target = await resolveSafeTarget(url, opts.allowPrivate);
  } catch (e) {
    const unsafe = e instanceof UnsafeTargetError;
    return done({
      ok: false,
      status: null,
      error: unsafe ? `refused: ${e.message}` : 'DNS lookup failed',
      retryable: !unsafe,
    });
  }
  return new Promise((resolve) => {
    const lib = target.url.protocol === 'https:' ? https : http;
    const req = lib.request(
      target.url,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        // Connect to the address that was checked, never a second resolution.
        lookup: (_host, options, cb) => {
          if (options.all) cb(null, [{ address: target.address, family: target.family }]);
          else cb(null, target.address, target.family);
        },
        timeout: opts.timeoutMs,
      },
      (res) => {
        let read = 0;
        res.on('data', (c: Buffer) => {
          read += c.length;
          if (read > 64 * 1024) res.destroy();
        });
        res.on('error', () => undefined);
        res.on('close', () => {
          const status = res.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          resolve(
            done({
              ok,
              status,
              error: ok ? null : `HTTP ${status}`,
              retryable: !ok && (status >= 500 || status === 429 || status === 408),
            }),
          );
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new Error('timeout')), opts.timeoutMs);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => {
      clearTimeout(timer);
      resolve(
        done({
          ok: false,
          status: null,
          error:
            e.message === 'timeout'
              ? `timed out after ${opts.timeoutMs} ms`
              : `network error: ${errorCode(e) ?? 'connection failed'}`,
          retryable: true,
        }),
      );
    });
    req.on('close', () => clearTimeout(timer));
    req.end(body);
  });
}
