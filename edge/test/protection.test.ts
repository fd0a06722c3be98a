/** Limits and protection: rate limits trip and recover, security headers, CORS for the dashboard only, request ids. */
import { inProcessBus } from '@keel/realtime';
import { afterAll, describe, expect, it } from 'vitest';
import { startEdge } from '../src/node.ts';
import { silentLogger } from '../src/ports.ts';
import { closeTestDatabase, harness, json, signUp, TEST_JWT_SECRET } from './harness.ts';

afterAll(closeTestDatabase);

const WINDOW_MS = 60_000;

describe('rate limits', () => {
  it('per IP: trips with 429, Retry-After and RateLimit headers, and recovers as the window slides', async () => {
    const h = await harness({
      config: { rateLimits: { perIp: 5, perPrincipal: 0, authPerIp: 0, windowMs: WINDOW_MS } },
    });
    h.clock.nowMs = Math.floor(h.clock.nowMs / WINDOW_MS) * WINDOW_MS;
    for (let i = 0; i < 5; i++) {
      const ok = await h.request('GET', '/v1/health', { ip: '198.51.100.1' });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit')).toContain(`remaining=${4 - i}`);
    }
    const limited = await h.request('GET', '/v1/health', { ip: '198.51.100.1' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual((2 * WINDOW_MS) / 1000);
    // Another client is not affected.
    expect((await h.request('GET', '/v1/health', { ip: '198.51.100.2' })).status).toBe(200);
    h.clock.advance(retryAfter * 1000);
    expect((await h.request('GET', '/v1/health', { ip: '198.51.100.1' })).status).toBe(200);
  });

  it('per API token and per user: a busy token is limited, its owner’s other tokens are not', async () => {
    const h = await harness({
      config: { rateLimits: { perIp: 0, perPrincipal: 3, authPerIp: 0, windowMs: WINDOW_MS } },
    });
    const user = await signUp(h, 'limits');
    const make = async () =>
      (
        await json<{ token: string }>(
          await h.request('POST', '/v1/api-tokens', { token: user.token, body: { name: 't', scopes: ['read'] } }),
        )
      ).token;
    const [busy, calm] = [await make(), await make()];
    for (let i = 0; i < 3; i++) expect((await h.request('GET', '/v1/bots', { token: busy })).status).toBe(200);
    const limited = await h.request('GET', '/v1/bots', { token: busy });
    expect(limited.status).toBe(429);
    expect((await json(limited)).detail).toMatch(/API token/);
    expect((await h.request('GET', '/v1/bots', { token: calm })).status).toBe(200);
    h.clock.advance(2 * WINDOW_MS);
    expect((await h.request('GET', '/v1/bots', { token: busy })).status).toBe(200);
  });

  it('per user: a session token counts once per request, also when its check rides with the per-IP one', async () => {
    const h = await harness({
      config: { rateLimits: { perIp: 100, perPrincipal: 3, authPerIp: 0, windowMs: WINDOW_MS } },
    });
    h.clock.nowMs = Math.floor(h.clock.nowMs / WINDOW_MS) * WINDOW_MS;
    const user = await signUp(h, 'session-limits');
    // The first request verifies the token; the next ones are known and counted beside the per-IP hit.
    for (let i = 0; i < 3; i++) {
      const ok = await h.request('GET', '/v1/bots', { token: user.token });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit')).toContain(`remaining=${2 - i}`);
    }
    const limited = await h.request('GET', '/v1/bots', { token: user.token });
    expect(limited.status).toBe(429);
    expect((await json(limited)).detail).toMatch(/per-user limit is 3/);
  });

  it('per IP: still refuses a known session first when the address is over its budget', async () => {
    const h = await harness({
      config: { rateLimits: { perIp: 3, perPrincipal: 100, authPerIp: 0, windowMs: WINDOW_MS } },
    });
    h.clock.nowMs = Math.floor(h.clock.nowMs / WINDOW_MS) * WINDOW_MS;
    const user = await signUp(h, 'ip-limits');
    const ip = '203.0.113.77';
    for (let i = 0; i < 3; i++)
      expect((await h.request('GET', '/v1/bots', { token: user.token, ip })).status).toBe(200);
    const limited = await h.request('GET', '/v1/bots', { token: user.token, ip });
    expect(limited.status).toBe(429);
    expect((await json(limited)).detail).toMatch(/per-IP limit is 3/);
    expect((await h.request('GET', '/v1/bots', { token: user.token, ip: '203.0.113.78' })).status).toBe(200);
  });

  it('sign-in attempts have their own, tighter budget per IP', async () => {
    const h = await harness({
      config: { rateLimits: { perIp: 0, perPrincipal: 0, authPerIp: 3, windowMs: WINDOW_MS } },
    });
    const attempt = () =>
      h.request('POST', '/v1/auth/login', {
        body: { email: 'nobody@edge.test', password: 'guess number n' },
        ip: '192.0.2.50',
      });
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
    expect((await attempt()).status).toBe(429);
    expect((await h.request('GET', '/v1/health', { ip: '192.0.2.50' })).status).toBe(200);
  });
});

describe('headers', () => {
  it('sets security headers and a request id on every answer, and keeps a sane client request id', async () => {
    const h = await harness();
    for (const response of [
      await h.request('GET', '/v1/health'),
      await h.request('GET', '/v1/bots'),
      await h.request('GET', '/nowhere'),
    ]) {
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('strict-transport-security')).toContain('max-age=');
      expect(response.headers.get('x-frame-options')).toBeTruthy();
    }
    const echoed = await h.request('GET', '/v1/health', { headers: { 'x-request-id': 'client-trace.42' } });
    expect(echoed.headers.get('x-request-id')).toBe('client-trace.42');
    const replaced = await h.request('GET', '/v1/health', {
      headers: { 'x-request-id': 'bad id with spaces and $(quotes)' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('puts the planned headers on every kind of answer: JSON, problem, empty, HTML, and CORS', async () => {
    const h = await harness({
      config: { rateLimits: { perIp: 1000, perPrincipal: 0, authPerIp: 0, windowMs: WINDOW_MS } },
    });
    const user = await signUp(h);
    const bot = await json<{ id: string }>(
      await h.request('POST', '/v1/bots', {
        token: user.token,
        body: { name: 'headers', exchange: 'binance', symbols: ['BTC-USDT'], timeframe: '1h' },
      }),
    );
    const answers = {
      json: await h.request('GET', '/v1/portfolio', { token: user.token }),
      problem: await h.request('GET', '/v1/bots/00000000-0000-4000-8000-000000000000', { token: user.token }),
      empty: await h.request('DELETE', `/v1/bots/${bot.id}`, { token: user.token }),
      html: await h.request('GET', '/v1/docs'),
      cors: await h.request('GET', '/v1/portfolio', {
        token: user.token,
        headers: { origin: 'https://app.keel.test' },
      }),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([kind, r]) => [kind, r.status]))).toEqual({
      json: 200,
      problem: 404,
      empty: 204,
      html: 200,
      cors: 200,
    });
    for (const [kind, response] of Object.entries(answers)) {
      expect(response.headers.get('x-request-id'), kind).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers.get('x-frame-options'), kind).toBe('DENY');
      expect(response.headers.get('referrer-policy'), kind).toBe('no-referrer');
      expect(response.headers.get('ratelimit'), kind).toMatch(/^limit=1000, remaining=\d+, reset=\d+$/);
    }
    expect(answers.json.headers.get('content-type')).toBe('application/json');
    expect(answers.problem.headers.get('content-type')).toContain('application/problem+json');
    // An answer's own header wins over the plan: the reference page keeps its own Content-Security-Policy.
    expect(answers.html.headers.get('content-security-policy')).toContain("default-src 'none'");
    // Hono's CORS middleware sets its headers before the handler builds the answer: they must survive jsonAnswer().
    expect(answers.cors.headers.get('access-control-allow-origin')).toBe('https://app.keel.test');
    expect(answers.cors.headers.get('vary')).toBe('Origin');
    expect(answers.cors.headers.get('access-control-expose-headers')).toContain('x-request-id');
  });

  it('answers JSON over @hono/node-server with every planned header (its plain-header fast path)', async () => {
    const h = await harness();
    const user = await signUp(h);
    const edge = await startEdge({
      database: h.deps.database,
      bus: inProcessBus(),
      env: { JWT_SECRET: TEST_JWT_SECRET, PASSWORD_SCRYPT_COST: '10' },
      port: 0,
      keyTransport: h.deps.keyTransport,
      logger: silentLogger,
    });
    try {
      const response = await fetch(`${edge.url}/v1/portfolio`, {
        headers: { authorization: `Bearer ${user.token}`, 'x-request-id': 'node-path.1' },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ equityQuote: '0', runningBots: 0 });
      expect(response.headers.get('x-request-id')).toBe('node-path.1');
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(response.headers.get('strict-transport-security')).toBe('max-age=15552000; includeSubDomains');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('same-site');
      expect(response.headers.get('ratelimit-policy')).toMatch(/^\d+;w=\d+$/);
    } finally {
      await edge.close();
    }
  });

  it('allows CORS for the dashboard origin only', async () => {
    const h = await harness();
    const preflight = (origin: string) =>
      h.request('OPTIONS', '/v1/bots', {
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
    const dashboard = await preflight('https://app.keel.test');
    expect(dashboard.headers.get('access-control-allow-origin')).toBe('https://app.keel.test');
    expect(dashboard.headers.get('access-control-allow-headers')).toContain('authorization');
    const evil = await preflight('https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await h.request('GET', '/v1/health', { headers: { origin: 'https://evil.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('OpenAPI document and reference page', () => {
  it('serves OpenAPI 3.1 from the zod schemas, and a self-contained reference page', async () => {
    const h = await harness();
    const spec = await json(await h.request('GET', '/v1/openapi.json'));
    expect(spec.openapi).toBe('3.1.0');
    const paths = spec.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/v1/bots/{id}/kill', '/v1/portfolio', '/v1/stream']));
    expect(paths['/v1/bots']?.post?.responses['400']).toBeDefined();
    const page = await h.request('GET', '/v1/docs');
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('/v1/bots/{id}/kill');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
  });
});

describe('client address', () => {
  it('uses the peer address, or behind a trusted proxy the entry the proxy appended (not what the client claimed)', async () => {
    const { clientAddress } = await import('../src/http/client-address.ts');
    const request = new Request('http://x/', { headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.5' } });
    expect(clientAddress(request, '10.0.0.2', false)).toBe('10.0.0.2');
    expect(clientAddress(request, '10.0.0.2', true)).toBe('203.0.113.5');
    expect(clientAddress(new Request('http://x/'), '::ffff:192.0.2.1', true)).toBe('192.0.2.1');
    expect(clientAddress(new Request('http://x/'), 'not an address', false)).toBeUndefined();
  });
});
