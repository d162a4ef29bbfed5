/**
 * Composition root: load config (fail fast), take the port, open the store (waiting for PostgreSQL,
 * locking DATA_DIR), migrate, start jobs, serve; on SIGTERM/SIGINT stop accepting connections, let
 * in-flight requests finish, stop the workers, close the database.
 *
 * A start that cannot succeed ends with one log line saying why and a non-zero status: 78 a bad or
 * incomplete configuration, 69 PostgreSQL not reachable, 75 DATA_DIR held by another process, 1 the port
 * taken (or anything else).
 */
import { errorCode, errorMessage } from './lib/narrow.ts';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { ConfigError, loadConfig } from './config.ts';
import { createGateway } from './gateway.ts';
import { DirLockedError } from './lib/dir-lock.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import { DatabaseUnavailableError } from './store/db.ts';

/** Until the gateway is ready: 503, so health checks and early callers get an answer, not a hang. */
function starting(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '2', connection: 'close' });
  res.end(JSON.stringify({ detail: 'the gateway is starting; try again shortly' }));
}

/** One line and the exit status, no stack: these are the operator's to fix, not bugs. */
function startFailed(log: Logger, reason: string, message: string, code: number): never {
  log.fatal({ reason }, `failed to start: ${message}`);
  process.exit(code);
}

async function main(): Promise<void> {
  let cfg;
  try {
    cfg = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`veqtrx-gateway: ${e.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  const log = createLogger(cfg.LOG_LEVEL);
  if (cfg.generatedSecrets.length) {
    log.warn(
      { generated: cfg.generatedSecrets, file: cfg.secretsFile },
      'no secrets were configured: generated local ones (never in production); set ADMIN_JWT_SECRET and DATA_ENCRYPTION_KEY to choose your own',
    );
  }
  log.info({ database: cfg.DATABASE_URL ? 'postgres' : `embedded (PGlite in ${cfg.DATA_DIR})` }, 'starting');
  // The port first: taken or forbidden, the start ends before the database is opened or migrated. Held
  // from now on, so nothing can take it while the database opens.
  const server = createServer(starting);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(cfg.PORT, cfg.HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    const code = errorCode(e);
    if (code === 'EADDRINUSE')
      startFailed(
        log,
        'EADDRINUSE',
        `port ${cfg.PORT} on ${cfg.HOST} is already in use (EADDRINUSE): stop what holds it or set PORT`,
        1,
      );
    if (code === 'EACCES')
      startFailed(
        log,
        'EACCES',
        `not allowed to listen on port ${cfg.PORT} on ${cfg.HOST} (EACCES): use a port above 1023 or set PORT`,
        1,
      );
    if (code === 'EADDRNOTAVAIL')
      startFailed(
        log,
        'EADDRNOTAVAIL',
        `HOST ${cfg.HOST} is not an address of this machine (EADDRNOTAVAIL)`,
        1,
      );
    throw e;
  }
  server.on('error', (e) => log.error({ err: { message: e.message } }, 'server error'));
  // A stop while the database opens (or is awaited): nothing is in flight yet, so exit at once; the
  // 'exit' handlers release the DATA_DIR lock. Without this the default action would kill the process.
  const stopWhileStarting = (signal: NodeJS.Signals) => {
    log.info({ signal }, 'stopped while starting');
    process.exit(0);
  };
  process.on('SIGTERM', stopWhileStarting);
  process.on('SIGINT', stopWhileStarting);
  let gw;
  try {
    gw = await createGateway(cfg, { log, defaultMetrics: true });
  } catch (e) {
    if (e instanceof DirLockedError) startFailed(log, 'DATA_DIR_LOCKED', e.message, 75);
    if (e instanceof DatabaseUnavailableError) startFailed(log, 'DATABASE_UNAVAILABLE', e.message, 69);
    throw e;
  }
  server.off('request', starting);
  server.on('request', gw.app);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      log.error('shutdown grace period over; exiting');
      process.exit(1);
    }, cfg.SHUTDOWN_GRACE_MS + 5_000);
    force.unref();
    // close() stops accepting and waits for open connections. A keep-alive connection that was busy
    // becomes idle only after its response, so idle connections are closed as they appear.
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    clearInterval(sweep);
    await gw.close(cfg.SHUTDOWN_GRACE_MS);
    log.info('stopped');
    process.exit(0);
  };
  process.off('SIGTERM', stopWhileStarting);
  process.off('SIGINT', stopWhileStarting);
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (e) =>
    log.error({ err: { message: errorMessage(e) } }, 'unhandled rejection'),
  );
  // Only now: whoever waits for this line may signal at once, and the handlers above are in place.
  const a = server.address();
  if (a === null || typeof a === 'string') throw new Error('the server listens on no TCP port'); // listen() above resolved
  log.info({ host: a.address, port: a.port }, `listening on http://${a.address}:${a.port} — docs at /docs`);
}

main().catch((e) => {
  createLogger().fatal(
    { err: { message: errorMessage(e), stack: e instanceof Error ? e.stack : undefined } },
    'failed to start',
  );
  process.exit(1);
});
