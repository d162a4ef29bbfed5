/**
 * A webhook receiver on loopback that records each request's exact bytes and answers as scripted; and
 * `waitFor`, the tests' one way to wait: for an event, with a generous deadline, never a fixed sleep.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Resolves with the first value `check` returns other than undefined/false, polling every `intervalMs`;
 * rejects after `timeoutMs` (generous by default: the suite must hold on a loaded machine) saying what
 * was awaited. It waits for an event; a fixed sleep never stands in for one.
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string | (() => string) } = {},
): Promise<T> {
  const { timeoutMs = 60_000, intervalMs = 50, what = 'condition' } = opts;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until)
      throw new Error(
        `waitFor: ${typeof what === 'function' ? what() : what} — not met within ${timeoutMs} ms`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface Received {
  at: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Status codes to answer with, in order; after the script runs out, 200. */
  script: number[];
  waitFor(n: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startReceiver(script: number[] = []): Promise<Receiver> {
  const received: Received[] = [];
  const r: Partial<Receiver> = { received, script: [...script] };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks) });
      res.statusCode = r.script!.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/veqtrx`;
  r.waitFor = async (n, timeoutMs = 60_000) => {
    await waitFor(() => received.length >= n, {
      timeoutMs,
      what: () => `receiver: ${n} requests (got ${received.length})`,
    });
    return received;
  };
  r.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return r as Receiver;
}
