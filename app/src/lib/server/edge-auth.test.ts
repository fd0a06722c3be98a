import { describe, expect, it, vi } from 'vitest';
import { callEdge, type EdgeAnswer, sessionCache } from './edge-auth.ts';

const session = (token: string, expiresIn = 900) => ({
  access_token: token,
  expires_in: expiresIn,
  user: { id: 'u1', email: 'a@b.co' },
});
const rotated = (refreshToken: string, accessToken: string): EdgeAnswer => ({
  status: 200,
  body: session(accessToken),
  refreshToken,
  session: session(accessToken),
});

describe('callEdge', () => {
  it('keeps the refresh token out of what the page receives', async () => {
    const fetch = vi.fn(async () =>
      Response.json({ ...session('access-1'), refresh_token: 'refresh-1', token_type: 'bearer' }),
    );
    const result = await callEdge({
      apiUrl: 'http://edge.test',
      path: '/v1/auth/login',
      body: { email: 'a@b.co', password: 'x' },
      clientAddress: '203.0.113.9',
      fetch: fetch as unknown as typeof globalThis.fetch,
    });
    expect(result.refreshToken).toBe('refresh-1');
    expect(result.body).toEqual(session('access-1'));
    expect(JSON.stringify(result.body)).not.toContain('refresh-1');
    const [url, init] = fetch.mock.calls[0] as unknown as [URL, RequestInit];
    expect(String(url)).toBe('http://edge.test/v1/auth/login');
    expect((init.headers as Record<string, string>)['x-forwarded-for']).toBe('203.0.113.9');
  });

  it('passes problems through', async () => {
    const problem = { type: 'about:blank', title: 'Conflict', status: 409, detail: 'that email has an account' };
    const fetch = async () => Response.json(problem, { status: 409 });
    const result = await callEdge({ apiUrl: 'http://edge.test', path: '/v1/auth/signup', body: {}, fetch });
    expect(result).toEqual({ status: 409, body: problem, refreshToken: null, session: null });
  });
});

describe('the session cache', () => {
  it('refreshes once for concurrent loads and hands the rotated answer to late holders of the old token', async () => {
    let time = 0;
    const cache = sessionCache(() => time);
    const edge = vi.fn(async () => rotated('refresh-B', 'access-X'));
    const [first, second] = await Promise.all([cache.refresh('refresh-A', edge), cache.refresh('refresh-A', edge)]);
    expect(edge).toHaveBeenCalledTimes(1);
    expect(first).toBe(second);
    expect(first.refreshToken).toBe('refresh-B');
    time += 5_000;
    expect((await cache.refresh('refresh-A', edge)).refreshToken).toBe('refresh-B');
    time += 10_000;
    await cache.refresh('refresh-A', edge);
    expect(edge).toHaveBeenCalledTimes(2);
  });

  it('hands the current access token to reloads until shortly before it expires', async () => {
    let time = 0;
    const cache = sessionCache(() => time);
    const edge = vi.fn(async () => rotated('refresh-C', 'access-Y'));
    cache.remember('refresh-B', session('access-X', 900));
    time += 60_000;
    const reload = await cache.refresh('refresh-B', edge);
    expect(reload.session?.access_token).toBe('access-X');
    expect(reload.session?.expires_in).toBe(840);
    expect(reload.body).toEqual(session('access-X', 840));
    expect(reload.refreshToken).toBeNull();
    expect(edge).not.toHaveBeenCalled();
    time += 740_000;
    expect((await cache.refresh('refresh-B', edge)).session?.access_token).toBe('access-Y');
    expect(edge).toHaveBeenCalledTimes(1);
  });

  it('forgets a session on sign-out and does not keep failed refreshes', async () => {
    const cache = sessionCache(() => 0);
    cache.remember('refresh-B', session('access-X'));
    cache.forget('refresh-B');
    const refused: EdgeAnswer = { status: 401, body: { title: 'Not signed in' }, refreshToken: null, session: null };
    const edge = vi.fn(async () => refused);
    expect(await cache.refresh('refresh-B', edge)).toBe(refused);
    await Promise.resolve();
    await cache.refresh('refresh-B', edge);
    expect(edge).toHaveBeenCalledTimes(2);
  });
});
