/**
 * The access log: one line per request, naming its request id as the response does; successful reads at debug
 * (polls), everything else at info.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger } from '../src/ports.ts';
import { closeTestDatabase, harness, signUp } from './harness.ts';

afterAll(closeTestDatabase);

interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string | undefined;
}

/** A logger that keeps its lines, with a child's bindings merged in as pino writes them. */
function recordingLogger(lines: LogLine[], bindings: Record<string, unknown> = {}): Logger {
  const at =
    (level: LogLine['level']) =>
    (fields: object, message?: string): void => {
      lines.push({ level, fields: { ...bindings, ...fields }, message });
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}

describe('access log', () => {
  it('writes one line per request with the request id of the response: reads at debug, the rest at info', async () => {
    const lines: LogLine[] = [];
    const h = await harness({ logger: recordingLogger(lines) });
    const user = await signUp(h, 'access-log');
    lines.length = 0;
    const responses = [
      await h.request('GET', '/v1/portfolio', { token: user.token }),
      await h.request('GET', '/v1/portfolio', { token: user.token, headers: { 'x-request-id': 'trace.7' } }),
      await h.request('GET', '/v1/bots'),
      await h.request('POST', '/v1/bots', { token: user.token, body: { name: 'logged', symbols: ['BTC-USDT'] } }),
    ];
    const accessLines = lines.filter((line) => line.message === 'request');
    expect(accessLines).toHaveLength(responses.length);
    const levels = ['debug', 'debug', 'info', 'info'];
    responses.forEach((response, i) => {
      expect(accessLines[i]).toMatchObject({
        level: levels[i],
        fields: { requestId: response.headers.get('x-request-id'), status: response.status },
      });
    });
    expect(accessLines[0]?.fields).toMatchObject({ method: 'GET', path: '/v1/portfolio', userId: user.userId });
    expect(accessLines[1]?.fields.requestId).toBe('trace.7');
    expect(accessLines[2]?.fields).toMatchObject({ status: 401, userId: undefined });
  });

  it('gives what a handler logs the request id of its request', async () => {
    const lines: LogLine[] = [];
    const h = await harness({ logger: recordingLogger(lines) });
    const user = await signUp(h, 'access-log-handler');
    lines.length = 0;
    const response = await h.request('POST', '/v1/auth/logout', {
      token: user.token,
      body: { refresh_token: user.refreshToken },
      headers: { 'x-request-id': 'logout.1' },
    });
    expect(response.status).toBeLessThan(300);
    const handlerLines = lines.filter((line) => line.message !== 'request');
    expect(handlerLines.length).toBeGreaterThan(0);
    for (const line of handlerLines) expect(line.fields.requestId).toBe('logout.1');
  });
});
