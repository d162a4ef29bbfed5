/** A webhook receiver on loopback that records each request's exact bytes and answers as scripted. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

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
  r.waitFor = async (n, timeoutMs = 15_000) => {
    const until = Date.now() + timeoutMs;
    while (received.length < n) {
      if (Date.now() > until) throw new Error(`receiver: expected ${n} requests, got ${received.length}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    return received;
  };
  r.close = () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
  return r as Receiver;
}
