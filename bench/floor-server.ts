/**
 * The references bench:http measures the gateway against (issue 18): a bare Node HTTP server, in its own
 * process, that answers `POST /assess` bodies with none of the gateway's machinery.
 *
 *   floor          reads the body and parses it (JSON.parse of the UTF-8 text); answers a few bytes
 *   floor+engine   the same, then decodes the request (src/contract/assess-request.ts: the checks, the schema,
 *                  the mapping onto the transaction model) and runs the engine inline, on the one thread;
 *                  answers the engine's figures — no authentication, quota, storage, evidence or webhook
 *
 *   node --import tsx bench/floor-server.ts floor|engine [port]
 *
 * Prints `{"port": n}` on stdout once listening; loopback only; stops on SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeAssessBody, parseJsonBytes } from '../src/contract/assess-request.ts';
import { assess } from '../src/engine/index.ts';

const mode = process.argv[2];
if (mode !== 'floor' && mode !== 'engine') throw new Error('usage: floor-server.ts floor|engine [port]');

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    let status = 200;
    let out: string;
    if (mode === 'floor') {
      const json = parseJsonBytes(body);
      status = json.ok ? 200 : 400;
      out = json.ok ? '{"ok":true}' : '{"detail":"Malformed JSON in request body"}';
    } else {
      const now = new Date();
      const d = decodeAssessBody(body, now);
      if (d.kind !== 'decoded') {
        status = 400;
        out = JSON.stringify({
          detail: d.kind === 'failed' ? d.detail : 'a fetching source is not assessed here',
        });
      } else {
        const { assessment } = assess({
          transactions: d.transactions,
          now,
          ...(d.meta.circumstances ? { circumstances: d.meta.circumstances } : {}),
          ...(d.meta.declared_income_minor !== undefined
            ? { declared_income_minor: d.meta.declared_income_minor }
            : {}),
        });
        out = JSON.stringify(assessment);
      }
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(out);
  });
});

server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[3] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
