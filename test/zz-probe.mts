import { spawnGatewayProcess, waitHealthy, adminCall } from './helpers/gateway-process.ts';
import { freePort } from './helpers/free-port.ts';
import { mkdtempSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
const marker = `import http from 'node:http';
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, req) {
  if (event === 'request') req.once('end', () => process.stderr.write('TEST-EVENT body-read ' + req.method + ' ' + req.url + '\\n'));
  return emit.apply(this, arguments);
};`;
const port = await freePort();
const child = spawnGatewayProcess({ PORT: String(port), DATA_DIR: mkdtempSync('/tmp/probe-'), ADMIN_JWT_SECRET: 'x'.repeat(40), DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'warn' }, ['ignore', 'inherit', 'inherit'], ['--import', `data:text/javascript,${encodeURIComponent(marker)}`]);
const base = `http://127.0.0.1:${port}`;
await waitHealthy(base, child);
const c = await adminCall<{ api_key: string }>(base, 'x'.repeat(40), 'POST', '/partners', { partner_id: 'p1', tier: 'pilot' });
const r = await fetch(`${base}/api/partner/v1/assess`, { method: 'POST', headers: { 'x-partner-key': c.api_key, 'content-type': 'application/json' }, body: JSON.stringify({ customer_ref: 'c', transactions: [{ date: '2026-10-01', amount: 5, merchant_name: 'X' }] }) });
console.log('status', r.status);
child.kill('SIGTERM');
