/**
 * One zod schema for the environment, validated at boot (fail fast). Outside production, missing
 * secrets are generated once into DATA_DIR/secrets.json (mode 0600) and the log says so; in production
 * a missing secret stops the start with a clear message.
 */
import { errorCode, errorMessage, isRecord, present } from './lib/narrow.ts';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * A body size as Express's body parsers read it (the `bytes` package: a number of bytes, or a number
 * with b, kb, mb or gb, any case), or undefined when it is not one. Stricter than `bytes`, which takes
 * the leading number of anything (`8 megabytes` would be 8 bytes).
 */
const BYTE_UNITS = new Map([
  ['b', 1],
  ['kb', 2 ** 10],
  ['mb', 2 ** 20],
  ['gb', 2 ** 30],
]);
export function sizeInBytes(v: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(v);
  if (!m) return undefined;
  const unit = BYTE_UNITS.get((m[2] ?? 'b').toLowerCase());
  return unit === undefined ? undefined : Math.floor(Number(m[1]) * unit);
}

/**
 * The embedded database's `shared_buffers` by default. PostgreSQL's own default, 128MB, is set up in
 * full when PGlite starts, inside its WebAssembly memory: opening an existing directory, PGlite alone
 * was 294 MB resident and took 3.2 s with 128MB, 160 MB and 1.8 s with 16MB (a loaded 2-core machine).
 * The database files are read through the operating system's page cache, which keeps what does not fit
 * here; bench:http's CPU per assessment was the same with either (within this host's noise).
 */
export const PGLITE_SHARED_BUFFERS = '16MB';

/** A PostgreSQL memory size (an integer with kB, MB or GB, case as PostgreSQL writes it) in kB, or undefined. */
const POSTGRES_UNITS_KB = new Map([
  ['kB', 1],
  ['MB', 1024],
  ['GB', 1024 * 1024],
]);
export function postgresSizeInKb(v: string): number | undefined {
  const m = /^(\d+)(kB|MB|GB)$/.exec(v);
  const unit = m?.[2] === undefined ? undefined : POSTGRES_UNITS_KB.get(m[2]);
  return m && unit !== undefined ? Number(m[1]) * unit : undefined;
}

export const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().optional(),
  /** Where PGlite keeps its data and local secrets live. */
  DATA_DIR: z.string().default('./data'),
  /** PostgreSQL connection string; when absent the embedded database (PGlite) in DATA_DIR is used. */
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /** At start, how long to keep trying to reach PostgreSQL (exponential backoff) before exiting. */
  DATABASE_CONNECT_WAIT_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  /** HS256 secret for admin JWTs; at least 32 characters. */
  ADMIN_JWT_SECRET: z.string().min(32, 'ADMIN_JWT_SECRET must be at least 32 characters').optional(),
  /** 32 bytes, base64: seals webhook secrets and provider credentials at rest. */
  DATA_ENCRYPTION_KEY: z.string().optional(),
  /**
   * Scanned (image-only) bank statements in document jobs: `off` refuses them (`image_only`);
   * `reconciled` reads them by OCR and accepts one only when every printed balance and total it holds
   * reconciles with the rows read (README: Documents, the OCR figures).
   */
  DOCUMENTS_OCR: z.enum(['off', 'reconciled']).default('off'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest request body; 10,000 transactions are about 1.5 MB. Checked here, not by the body parser at the first request. */
  BODY_LIMIT: z
    .string()
    .default('8mb')
    .refine((v) => {
      const n = sizeInBytes(v);
      return n !== undefined && n >= 1024 && n <= 2 ** 30;
    }, 'BODY_LIMIT must be a size from 1kb to 1gb, such as 8mb (b, kb, mb or gb)'),
  /** The embedded database's PostgreSQL `shared_buffers` (a PostgreSQL size: kB, MB or GB); see PGLITE_SHARED_BUFFERS above. */
  PGLITE_SHARED_BUFFERS: z
    .string()
    .default(PGLITE_SHARED_BUFFERS)
    .refine((v) => {
      const kb = postgresSizeInKb(v);
      return kb !== undefined && kb >= 128 && kb <= 1024 * 1024;
    }, 'PGLITE_SHARED_BUFFERS must be a PostgreSQL size from 128kB to 1GB, such as 16MB (kB, MB or GB)'),
  /** Quota of enterprise partners created without an explicit monthly_quota. */
  ENTERPRISE_DEFAULT_QUOTA: z.coerce.number().int().min(1).default(100_000),
  /** How long a verified API key is trusted in-process (a disabled key stops within this). */
  KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).max(300_000).default(30_000),
  /** Failed API key verifications allowed per client address per AUTH_FAILURE_WINDOW_S (then 429 with Retry-After). */
  AUTH_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(20),
  /** Failed API key verifications allowed per key prefix (`prt_<slug>_`) per AUTH_FAILURE_WINDOW_S, from all addresses. */
  AUTH_FAILURES_PER_PREFIX: z.coerce.number().int().min(1).max(1_000_000).default(100),
  AUTH_FAILURE_WINDOW_S: z.coerce.number().int().min(1).max(86_400).default(60),
  /** How long an attempt refused by those limits is held before its 429 (slows guessers that retry at once). */
  AUTH_REFUSAL_DELAY_MS: z.coerce.number().int().min(0).max(10_000).default(1000),
  /** bcrypt comparisons (API key verifications) at once; the rest of libuv's pool stays for other work. */
  AUTH_BCRYPT_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(Math.max(1, Math.min(2, Math.floor(availableParallelism() / 2)))),
  /** bcrypt comparisons waiting for a slot; beyond this a verification is refused with 429 at once. */
  AUTH_BCRYPT_QUEUE: z.coerce.number().int().min(0).max(10_000).default(64),
  /** Portal link tokens that open nothing, allowed per client address per PORTAL_TOKEN_FAILURE_WINDOW_S (then 429). */
  PORTAL_TOKEN_FAILURES_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(20),
  PORTAL_TOKEN_FAILURE_WINDOW_S: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Longest lifetime (exp − iat) of an admin token the gateway accepts and the admin CLI mints. */
  ADMIN_TOKEN_MAX_TTL_S: z.coerce
    .number()
    .int()
    .min(60)
    .max(30 * 86_400)
    .default(86_400),
  /** Allow webhooks to private and loopback addresses (local development and tests only). */
  ALLOW_PRIVATE_WEBHOOKS: bool.default(false),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
  /** Seconds between the retries of a failed webhook (3 retries after the first attempt). */
  WEBHOOK_RETRY_DELAYS: z
    .string()
    .default('1,2,4')
    .transform((s) => s.split(',').map(Number))
    .refine(
      (a) => a.every((n) => Number.isFinite(n) && n >= 0),
      'WEBHOOK_RETRY_DELAYS must be comma-separated seconds',
    ),
  /** Hours the previous webhook secret keeps signing (a second signature) after a rotation; 0 = none. */
  WEBHOOK_SECRET_OVERLAP_HOURS: z.coerce.number().min(0).max(720).default(24),
  /**
   * Worker threads that decode and assess `/assess` bodies (0 = on the event loop). Default: the cores
   * but one, and at least 2 — with one, a 10,000-transaction assessment holds up every small one behind
   * it, and on 2 cores two workers keep both cores busier (bench:http, 412 transactions: median
   * 215–242/s with 1, 260–275/s with 2).
   */
  ASSESS_THREADS: z.coerce
    .number()
    .int()
    .min(0)
    .max(64)
    .default(Math.max(2, availableParallelism() - 1)),
  /**
   * With worker threads: a small body (up to 128 KB, about 750 transactions) that is the only request in
   * progress is assessed on the event loop, which would otherwise sit idle waiting for the worker
   * (src/services/assessor.ts, PoolOptions.inlineWhenIdle). Saves the two hand-overs between threads:
   * one-connection p50 at 412 transactions 52 -> 44 ms on a host loaded to 16–19 (300 interleaved
   * requests each). Costs the event loop's thread the engine's memory (about 30 MB), from its first use.
   */
  ASSESS_INLINE_WHEN_IDLE: bool.default(true),
  /** Run the job workers (webhook delivery) in this process. */
  RUN_WORKERS: bool.default(true),
  /** Redis for state shared by replicas: the providers' rate limiters (bottleneck clustering). */
  REDIS_URL: z.string().url().optional(),
  /** Timeout of one call to a provider (ValidiFI, …). */
  PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Everything a source fetch does for one assessment (all calls and retries) ends within this. */
  PROVIDER_DEADLINE_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  /** Retries of a provider call after the first attempt (network errors, 5xx, 429). */
  PROVIDER_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** First retry backoff (doubles each retry, with jitter). */
  PROVIDER_BACKOFF_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  /** Calls to one provider in flight at once (fleet-wide with REDIS_URL). */
  PROVIDER_MAX_CONCURRENT: z.coerce.number().int().min(1).max(1000).default(8),
  /** Minimum milliseconds between the starts of two calls to one provider. */
  PROVIDER_MIN_TIME_MS: z.coerce.number().int().min(0).max(60_000).default(0),
  /**
   * Third-party analyses: the deadline of a whole analysis per provider, in seconds, as
   * `provider=seconds,…` (e.g. `document_api=900,decisioning_api=600`); a provider not named keeps its
   * default (README, Third-party analyses).
   */
  ANALYSIS_DEADLINES: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const out: Record<string, number> = {};
      for (const part of v
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const m = /^([a-z_]+)=(\d{1,6})$/.exec(part);
        if (!m?.[1] || !m[2] || Number(m[2]) < 10) {
          ctx.addIssue({
            code: 'custom',
            message: `"${part.slice(0, 60)}" is not provider=seconds (at least 10)`,
          });
          return z.NEVER;
        }
        out[m[1]] = Number(m[2]) * 1000;
      }
      return out;
    }),
  /** Multiplies every wait between two polls of a provider (a simulator that compresses time; 1 in production). */
  ANALYSIS_POLL_SCALE: z.coerce.number().min(0.0001).max(100).default(1),
  /** The gateway's public base URL (https://…): offered to providers as the callback that short-cuts polling. */
  PUBLIC_URL: z.string().url().optional(),
  /** How long in-flight requests may take to finish on SIGTERM. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(15_000),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config extends Omit<Env, 'ADMIN_JWT_SECRET' | 'DATA_ENCRYPTION_KEY' | 'HOST'> {
  HOST: string;
  ADMIN_JWT_SECRET: string;
  DATA_ENCRYPTION_KEY: string;
  /** Secrets generated locally at this boot (for the log line), if any. */
  generatedSecrets: string[];
  secretsFile?: string;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.DATA_ENCRYPTION_KEY && Buffer.from(e.DATA_ENCRYPTION_KEY, 'base64').length !== 32) {
    throw new ConfigError(
      'invalid configuration:\n  DATA_ENCRYPTION_KEY: must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)',
    );
  }
  const generated: string[] = [];
  let admin = e.ADMIN_JWT_SECRET;
  let enc = e.DATA_ENCRYPTION_KEY;
  let secretsFile: string | undefined;
  if (!admin || !enc) {
    const missing = [!admin && 'ADMIN_JWT_SECRET', !enc && 'DATA_ENCRYPTION_KEY'].filter(Boolean).join(', ');
    if (e.DATABASE_URL) {
      // A shared database means replicas: each generating its own secrets would break the others (tokens
      // one minted refused by the next, webhook secrets and credentials one sealed unreadable by another).
      const local = join(resolve(e.DATA_DIR), 'secrets.json');
      throw new ConfigError(
        `missing required secrets with DATABASE_URL: ${missing}. Every process on a shared database needs the same ones, so they are never generated: set them in the environment` +
          (existsSync(local)
            ? ` (those this gateway generated before are in ${local}).`
            : ' (e.g. `openssl rand -base64 32`).'),
      );
    }
    if (e.NODE_ENV === 'production') {
      throw new ConfigError(
        `missing required secrets in production: ${missing}. Set them in the environment (they are never generated in production).`,
      );
    }
    secretsFile = join(resolve(e.DATA_DIR), 'secrets.json');
    const existed = existsSync(secretsFile);
    const read: unknown = existed ? JSON.parse(readFileSync(secretsFile, 'utf8')) : {};
    const stored: Record<string, unknown> = isRecord(read) ? read : {};
    if (!admin) {
      const s = stored.ADMIN_JWT_SECRET;
      if (typeof s === 'string' && s) admin = s;
      else {
        admin = randomBytes(32).toString('base64url');
        stored.ADMIN_JWT_SECRET = admin;
        generated.push('ADMIN_JWT_SECRET');
      }
    }
    if (!enc) {
      const s = stored.DATA_ENCRYPTION_KEY;
      if (typeof s === 'string' && s) enc = s;
      else {
        enc = randomBytes(32).toString('base64');
        stored.DATA_ENCRYPTION_KEY = enc;
        generated.push('DATA_ENCRYPTION_KEY');
      }
    }
    if (generated.length) {
      mkdirSync(resolve(e.DATA_DIR), { recursive: true });
      try {
        // A new file only if there was none: two first starts at once must not each keep their own.
        writeFileSync(secretsFile, JSON.stringify(stored, null, 2) + '\n', {
          mode: 0o600,
          flag: existed ? 'w' : 'wx',
        });
      } catch (x) {
        if (errorCode(x) === 'EEXIST') return loadConfig(env); // the other's, read back
        throw x;
      }
      chmodSync(secretsFile, 0o600);
    }
  }
  return {
    ...e,
    HOST: e.HOST ?? (e.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    // Set above: from the environment, else read or generated.
    ADMIN_JWT_SECRET: present(admin, 'ADMIN_JWT_SECRET'),
    DATA_ENCRYPTION_KEY: present(enc, 'DATA_ENCRYPTION_KEY'),
    generatedSecrets: generated,
    ...(secretsFile ? { secretsFile } : {}),
  };
}

/**
 * The admin secret as the admin CLI finds it, without generating anything: ADMIN_JWT_SECRET from the
 * environment, else the gateway's local secrets file in DATA_DIR. `source` says which, for the CLI to
 * print. Run away from the gateway's data directory, with neither, it is a ConfigError that says where
 * it looked — a newly generated secret would only mint tokens the gateway refuses.
 */
export function findAdminSecret(env: NodeJS.ProcessEnv = process.env): {
  secret: string;
  source: string;
  port: number;
  maxTtlS: number;
} {
  const parsed = EnvSchema.pick({
    PORT: true,
    DATA_DIR: true,
    ADMIN_JWT_SECRET: true,
    ADMIN_TOKEN_MAX_TTL_S: true,
  }).safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.ADMIN_JWT_SECRET)
    return {
      secret: e.ADMIN_JWT_SECRET,
      source: 'ADMIN_JWT_SECRET from the environment',
      port: e.PORT,
      maxTtlS: e.ADMIN_TOKEN_MAX_TTL_S,
    };
  const file = join(resolve(e.DATA_DIR), 'secrets.json');
  let stored: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      const read: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (isRecord(read)) stored = read;
    } catch (x) {
      throw new ConfigError(`cannot read the admin secret from ${file}: ${errorMessage(x)}`);
    }
  }
  if (typeof stored.ADMIN_JWT_SECRET !== 'string' || stored.ADMIN_JWT_SECRET.length < 32) {
    throw new ConfigError(
      `no admin secret: ADMIN_JWT_SECRET is not set and ${file} ${existsSync(file) ? 'holds none' : 'does not exist'}. ` +
        "Set ADMIN_JWT_SECRET to the gateway's, or run from the gateway's directory (or set DATA_DIR to its data directory). Nothing was generated.",
    );
  }
  return {
    secret: stored.ADMIN_JWT_SECRET,
    source: `ADMIN_JWT_SECRET from ${file}`,
    port: e.PORT,
    maxTtlS: e.ADMIN_TOKEN_MAX_TTL_S,
  };
}
