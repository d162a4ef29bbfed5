/** Starts the real gateway in-process on port 0 against a test database, with a contract-checked client. */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { loadConfig, type Config } from '../../src/config.ts';
import { createGateway, type Gateway } from '../../src/gateway.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { mintAdminToken } from '../../src/services/admin-token.ts';
import type { Db } from '../../src/store/db.ts';
import { checkResponse } from './contract.ts';

export const ADMIN_SECRET = 'test-admin-secret-0123456789abcdef0123456789';

export function testConfig(over: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    ADMIN_JWT_SECRET: ADMIN_SECRET,
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ALLOW_PRIVATE_WEBHOOKS: 'true',
    WEBHOOK_RETRY_DELAYS: '0.5,0.5,0.5',
    WEBHOOK_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'info',
    ...over,
  });
}

/** Every log line of the test gateways, to check that no secret is ever written. */
export const logLines: string[] = [];
const capture = new Writable({
  write(chunk, _enc, cb) {
    logLines.push(String(chunk));
    if (logLines.length > 20_000) logLines.splice(0, 10_000);
    cb();
  },
});

export interface Running {
  gw: Gateway;
  url: string;
  server: Server;
  clock: { now: Date | undefined };
  stop(): Promise<void>;
}

export async function startGateway(db: Db, over: Record<string, string> = {}): Promise<Running> {
  const clock: { now: Date | undefined } = { now: undefined };
  const cfg = testConfig(over);
  const gw = await createGateway(cfg, {
    db,
    log: createLogger(cfg.LOG_LEVEL, capture),
    clock: () => clock.now ?? new Date(),
  });
  const server = gw.app.listen(0, '127.0.0.1');
  // As src/main.ts: idle connections outlive the client's own keep-alive (undici's 4 s), so a request
  // is never sent on a socket the server is closing at that moment (Node's default is 5 s: on a busy
  // machine a large upload then met a reset).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    gw,
    url,
    server,
    clock,
    async stop() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await gw.close(2000);
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body, checked against the OpenAPI document here and read by chai assertions in the tests
export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A client that checks every response against the OpenAPI documents. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as Reply's
export async function call<T = any>(
  base: string,
  method: string,
  path: string,
  opts: {
    key?: string;
    token?: string;
    body?: unknown;
    raw?: string | Uint8Array;
    headers?: Record<string, string>;
  } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.key) headers['x-partner-key'] = opts.key;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | Uint8Array | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
    headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let json: unknown = undefined;
  if ((res.headers.get('content-type') ?? '').includes('application/json')) json = JSON.parse(text);
  checkResponse(method, path, res.status, json);
  if (
    res.status >= 400 &&
    res.status !== 404 &&
    json !== undefined &&
    typeof (json as { detail?: unknown }).detail !== 'string'
  )
    throw new Error(`error without detail: ${text}`);
  return { status: res.status, headers: res.headers, body: json as T, text };
}

export const adminToken = (ttl = 600) => mintAdminToken(ADMIN_SECRET, ttl);

export interface TestPartner {
  id: string;
  key: string;
  keyId: string;
  webhookSecret: string;
}

export async function createPartner(
  base: string,
  id: string,
  extra: Record<string, unknown> = {},
): Promise<TestPartner> {
  const r = await call(base, 'POST', '/api/admin/partners', {
    token: await adminToken(),
    body: { partner_id: id, tier: 'pilot', ...extra },
  });
  if (r.status !== 201) throw new Error(`createPartner: ${r.status} ${r.text}`);
  return { id, key: r.body.api_key, keyId: r.body.key_id, webhookSecret: r.body.webhook_secret };
}

/** The figures of an assessment: everything but its id, its time and its processing time. */
export function figures(b: Record<string, unknown>): Record<string, unknown> {
  const { assessment_id: _a, created_at: _c, processing_ms: _p, ...rest } = b;
  return rest;
}
