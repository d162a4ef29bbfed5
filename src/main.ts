/**
 * Composition root: load config (fail fast), open the store, start jobs, listen; on SIGTERM/SIGINT stop
 * accepting connections, let in-flight requests finish, stop the workers, close the database.
 */
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from './config.ts';
import { createGateway } from './gateway.ts';
import { createLogger } from './lib/logger.ts';

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
    log.warn({ generated: cfg.generatedSecrets, file: cfg.secretsFile }, 'no secrets were configured: generated local ones (never in production); set ADMIN_JWT_SECRET and DATA_ENCRYPTION_KEY to choose your own');
  }
  log.info({ database: cfg.DATABASE_URL ? 'postgres' : `embedded (PGlite in ${cfg.DATA_DIR})` }, 'starting');
  const gw = await createGateway(cfg, { log, defaultMetrics: true });
  const server = gw.app.listen(cfg.PORT, cfg.HOST, () => {
    const a = server.address() as AddressInfo;
    log.info({ host: a.address, port: a.port }, `listening on http://${a.address}:${a.port} — docs at /docs`);
  });
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
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (e) => log.error({ err: { message: (e as Error)?.message } }, 'unhandled rejection'));
}

main().catch((e) => {
  createLogger().fatal({ err: { message: (e as Error).message, stack: (e as Error).stack } }, 'failed to start');
  process.exit(1);
});
