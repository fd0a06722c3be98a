import { describe, expect, it, vi } from 'vitest';
import { ApiError, createApiClient, type TokenSource, urlFor } from './client.ts';

type Handler = (url: string, init: RequestInit) => Response | Promise<Response>;

function fakeFetch(handler: Handler) {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const fetch = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    calls.push({ url: String(input), init });
    return handler(String(input), init);
  });
  return { fetch: fetch as unknown as typeof globalThis.fetch, calls };
}

function tokens(initial: string | null, renewed: string | null = null): TokenSource & { renewals: number } {
  let current = initial;
  return {
    renewals: 0,
    accessToken: () => current,
    async renew() {
      this.renewals++;
      current = renewed;
      return renewed;
    },
  };
}

const json = (body: unknown, status = 200, contentType = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': contentType } });

const authHeader = (init: RequestInit) => (init.headers as Record<string, string>).authorization;

describe('the API client', () => {
  it('sends the bearer token and JSON, and returns the parsed body', async () => {
    const { fetch, calls } = fakeFetch(() => json({ id: 'b1' }, 201));
    const api = createApiClient({ baseUrl: 'http://api.test', tokens: tokens('t1'), fetch });
    const bot = await api.post<{ id: string }>('/v1/bots', { name: 'x' });
    expect(bot).toEqual({ id: 'b1' });
    expect(calls[0]?.url).toBe('http://api.test/v1/bots');
    expect(calls[0]?.init.method).toBe('POST');
    expect(authHeader(calls[0]?.init as RequestInit)).toBe('Bearer t1');
    expect(calls[0]?.init.body).toBe('{"name":"x"}');
  });

  it('leaves undefined query values out of the URL', () => {
    expect(urlFor('http://api.test', '/v1/trades', { botId: undefined, limit: 20 })).toBe(
      'http://api.test/v1/trades?limit=20',
    );
    expect(urlFor('http://api.test/', '/v1/x', { q: 'a b' })).toBe('http://api.test/v1/x?q=a+b');
  });

  it('renews the access token once on 401 and repeats the request with the new one', async () => {
    const { fetch, calls } = fakeFetch((_url, init) =>
      authHeader(init) === 'Bearer fresh' ? json({ ok: true }) : json({ title: 'Not signed in', status: 401 }, 401),
    );
    const source = tokens('stale', 'fresh');
    const api = createApiClient({ baseUrl: 'http://api.test', tokens: source, fetch });
    await expect(api.get('/v1/me')).resolves.toEqual({ ok: true });
    expect(source.renewals).toBe(1);
    expect(calls.map((call) => authHeader(call.init))).toEqual(['Bearer stale', 'Bearer fresh']);
  });

  it('gives up with the 401 when the session cannot be renewed', async () => {
    const { fetch, calls } = fakeFetch(() => json({ title: 'Not signed in', status: 401 }, 401));
    const api = createApiClient({ baseUrl: 'http://api.test', tokens: tokens('stale', null), fetch });
    await expect(api.get('/v1/me')).rejects.toMatchObject({ status: 401, title: 'Not signed in' });
    expect(calls).toHaveLength(1);
  });

  it('does not try to renew when it had no token to begin with', async () => {
    const { fetch } = fakeFetch(() => json({ title: 'Not signed in', status: 401 }, 401));
    const source = tokens(null, 'fresh');
    const api = createApiClient({ baseUrl: 'http://api.test', tokens: source, fetch });
    await expect(api.get('/v1/me')).rejects.toBeInstanceOf(ApiError);
    expect(source.renewals).toBe(0);
  });

  it('maps problem+json to an ApiError with field errors by dotted path', async () => {
    const problem = {
      type: 'urn:keel:problem:validation',
      title: 'The request is invalid',
      status: 400,
      detail: '2 fields are invalid in the request',
      requestId: 'req-1',
      errors: [
        { path: 'symbols.0', message: 'a market such as BTC-USDT (BASE-QUOTE, upper case)' },
        { path: 'risk.maxPositionFraction', message: 'Too big: expected number to be <=0.1' },
        { path: 'symbols.0', message: 'a second message for the same field' },
      ],
    };
    const { fetch } = fakeFetch(() => json(problem, 400, 'application/problem+json'));
    const api = createApiClient({ baseUrl: 'http://api.test', tokens: tokens('t'), fetch });
    const error = await api.post('/v1/bots', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      title: 'The request is invalid',
      requestId: 'req-1',
      summary: '2 fields are invalid in the request',
      fieldErrors: {
        'symbols.0': 'a market such as BTC-USDT (BASE-QUOTE, upper case)',
        'risk.maxPositionFraction': 'Too big: expected number to be <=0.1',
      },
    });
  });

  it('turns a network failure into an ApiError with status 0', async () => {
    const { fetch } = fakeFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    const api = createApiClient({ baseUrl: 'http://api.test', tokens: tokens('t'), fetch });
    await expect(api.get('/v1/me')).rejects.toMatchObject({ status: 0, title: 'Cannot reach the Keel API' });
  });

  it('answers undefined for 204 and survives a non-JSON error body', async () => {
    const { fetch } = fakeFetch((url) =>
      url.endsWith('/gone')
        ? new Response(null, { status: 204 })
        : new Response('Bad gateway', { status: 502, statusText: 'Bad Gateway' }),
    );
    const api = createApiClient({ baseUrl: 'http://api.test', tokens: tokens('t'), fetch });
    await expect(api.delete('/v1/gone')).resolves.toBeUndefined();
    await expect(api.get('/v1/broken')).rejects.toMatchObject({ status: 502, title: 'Bad Gateway' });
  });
});
