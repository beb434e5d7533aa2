import { type Logger, type LoggerOptions, pino } from 'pino';

export type { Logger };

/** Header and field paths that must never reach a log line. */
export const redactPaths = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.secret',
  '*.password',
  '*.token',
];

/** JSON logs on stdout (pino). `level: 'silent'` for tests. */
export function createLogger(options: { level?: string } & LoggerOptions = {}): Logger {
  return pino({ level: 'info', ...options, redact: { paths: redactPaths, censor: '[redacted]' } });
}
