/** A Logger that keeps every line it is given, so a test can assert what was (or was never) logged. */
import type { Logger } from '../src/logger.ts';

export interface LogLine {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}

export function recordingLogger(lines: LogLine[]): Logger {
  const write = (level: string) => (fields: object, message?: string) =>
    lines.push({ level, fields: fields as Record<string, unknown>, message: message ?? '' });
  const logger: Logger = {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: () => logger,
  };
  return logger;
}
