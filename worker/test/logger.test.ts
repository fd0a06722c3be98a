/** Secret-looking values never reach a log line, at the top level or nested; the rest of the line does. */
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED } from '../src/logger.ts';

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('worker logger', () => {
  it('redacts tokens, secrets, passwords, API keys and authorization headers', () => {
    const { lines, destination } = capture();
    const logger = createLogger({ name: 'test', destination }).child({ botId: 'bot-1' });
    logger.error(
      {
        token: '123456:telegram-bot-token',
        smtp: { host: 'mail.example', pass: 'smtp-password-value', auth: { password: 'nested-password' } },
        request: { headers: { authorization: 'Bearer jwt-value' } },
        exchange: { apiKey: 'binance-key-value', secret: 'binance-secret-value' },
        detail: 'kept',
      },
      'delivery failed',
    );
    const text = lines.join('');
    for (const secret of [
      'telegram-bot-token',
      'smtp-password-value',
      'nested-password',
      'jwt-value',
      'binance-key-value',
      'binance-secret-value',
    ]) {
      expect(text).not.toContain(secret);
    }
    const line = JSON.parse(text) as Record<string, unknown>;
    expect(line).toMatchObject({ botId: 'bot-1', detail: 'kept', msg: 'delivery failed', token: REDACTED });
    expect(line.smtp).toEqual({ host: 'mail.example', pass: REDACTED, auth: { password: REDACTED } });
  });
});
