/** pino JSON logs; keys, tokens, secrets and request bodies are redacted wherever they appear. */
import pino, { type Logger } from 'pino';

export const REDACT = [
  'req.headers["x-partner-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.api_key',
  '*.apiKey',
  '*.webhook_secret',
  '*.webhookSecret',
  '*.secret',
  '*.token',
  '*.password',
  '*.client_secret',
  '*.account_token',
  '*.transactions',
  '*.documents',
  'body',
];

export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { service: 'veqtrx-gateway' } },
    destination,
  );
}

export type { Logger };
