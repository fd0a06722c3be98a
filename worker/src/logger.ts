/**
 * The worker's log port and its pino implementation. Every line is JSON; bot lines carry `botId` (the runner's
 * child logger) and the Telegram bot's carry `updateId`. Values under secret-looking keys are replaced before a line
 * is written, at any depth up to three levels, whatever the caller passed: a token in an error's options, an SMTP
 * password in a transport config, an Authorization header.
 */
import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';

/** pino's calling convention (object first, then message), so pino itself satisfies it; the edge's port too. */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
  child(bindings: object): Logger;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

/** Keys whose values never reach a log line (pino paths are case-sensitive: both spellings are listed). */
export const SECRET_LOG_KEYS = [
  'token',
  'botToken',
  'accessToken',
  'refreshToken',
  'secret',
  'apiSecret',
  'password',
  'pass',
  'apiKey',
  'api_key',
  'privateKey',
  'authorization',
  'Authorization',
  'cookie',
] as const;
export const REDACTED = '[redacted]';
const REDACTED_DEPTH = 3;

function redactedPaths(): string[] {
  const paths: string[] = [];
  for (const key of SECRET_LOG_KEYS) {
    for (let depth = 0; depth < REDACTED_DEPTH; depth++) paths.push(`${'*.'.repeat(depth)}${key}`);
  }
  return paths;
}

export interface LoggerOptions {
  name: string;
  /** Default `info`. */
  level?: string;
  /** Default stdout. */
  destination?: DestinationStream;
}

/** pino itself (its full API for callers such as `keel start`), which satisfies the Logger port. */
export function createLogger(options: LoggerOptions): PinoLogger {
  return pino(
    { name: options.name, level: options.level ?? 'info', redact: { paths: redactedPaths(), censor: REDACTED } },
    options.destination,
  );
}
