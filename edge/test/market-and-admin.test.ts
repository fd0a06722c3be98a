/**
 * The chart and admin endpoints beyond the endpoint matrix's one call each: GET /v1/candles (the warm tier, any
 * signed-in user, bad queries refused), GET /v1/equity (newest 30-day window, zoom, downsampling that keeps the
 * drawdown, other tenants' bots refused), GET /v1/admin/overview (administrators only), and the portfolio read
 * staying within its tenant under concurrent load from two users.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestDatabase, type Harness, harness, json, signUp, type TestUser } from './harness.ts';

afterAll(closeTestDatabase);

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

async function expectProblem(response: Response, status: number): Promise<Record<string, unknown>> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  return JSON.parse(text) as Record<string, unknown>;
}

async function newBot(h: Harness, user: TestUser): Promise<string> {
  const response = await h.request('POST', '/v1/bots', {
    token: user.token,
    body: { name: `bot-${randomUUID().slice(0, 8)}`, symbols: ['BTC-USDT'] },
  });
  expect(response.status).toBe(201);
  return (await json<{ id: string }>(response)).id;
}

describe('GET /v1/candles', () => {
  let h: Harness;
  let user: TestUser;
  const symbol = `T${randomUUID().replaceAll('-', '').slice(0, 8).toUpperCase()}-USDT`;
  const lastOpen = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;

  beforeAll(async () => {
    h = await harness();
    user = await signUp(h, 'candles');
    await h.deps.database.asService((tx) =>
      tx.candles.upsertMany(
        Array.from({ length: 30 }, (_, i) => ({
          symbol,
          timeframe: '1h' as const,
          time: lastOpen - (29 - i) * HOUR_MS,
          open: 100 + i,
          high: 102 + i,
          low: 99 + i,
          close: 101 + i,
          volume: '1.5',
        })),
      ),
    );
  });

  it('answers the newest candles by default and pages forward from `from`, oldest first', async () => {
    const newest = await json<{ symbol: string; timeframe: string; candles: number[][] }>(
      await h.request('GET', `/v1/candles?symbol=${symbol}&timeframe=1h&limit=3`, { token: user.token }),
    );
    expect(newest).toEqual({
      symbol,
      timeframe: '1h',
      candles: [
        [lastOpen - 2 * HOUR_MS, 127, 129, 126, 128, 1.5],
        [lastOpen - HOUR_MS, 128, 130, 127, 129, 1.5],
        [lastOpen, 129, 131, 128, 130, 1.5],
      ],
    });
    const from = new Date(lastOpen - 29 * HOUR_MS).toISOString();
    const to = new Date(lastOpen - 27 * HOUR_MS).toISOString();
    const window = await json<{ candles: number[][] }>(
      await h.request('GET', `/v1/candles?symbol=${symbol}&from=${from}&to=${to}`, { token: user.token }),
    );
    expect(window.candles.map((candle) => candle[0])).toEqual([lastOpen - 29 * HOUR_MS, lastOpen - 28 * HOUR_MS]);
  });

  it('serves market data to API tokens with the read scope, and nothing without a token', async () => {
    const made = await json<{ token: string }>(
      await h.request('POST', '/v1/api-tokens', { token: user.token, body: { name: 'chart', scopes: ['read'] } }),
    );
    const response = await h.request('GET', `/v1/candles?symbol=${symbol}&limit=1`, { token: made.token });
    expect(response.status).toBe(200);
    await expectProblem(await h.request('GET', `/v1/candles?symbol=${symbol}`), 401);
  });

  it('refuses bad queries with 400 problem+json naming the field', async () => {
    const cases: [string, string][] = [
      ['symbol=btc-usdt', 'symbol'],
      ['timeframe=1h', 'symbol'],
      [`symbol=${symbol}&timeframe=7h`, 'timeframe'],
      [`symbol=${symbol}&limit=0`, 'limit'],
      [`symbol=${symbol}&limit=5001`, 'limit'],
      [`symbol=${symbol}&from=yesterday`, 'from'],
      [`symbol=${symbol}&from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`, 'from'],
    ];
    for (const [query, field] of cases) {
      const body = await expectProblem(await h.request('GET', `/v1/candles?${query}`, { token: user.token }), 400);
      expect(
        (body.errors as { path: string }[]).map((e) => e.path),
        query,
      ).toContain(field);
    }
  });
});

describe('GET /v1/equity', () => {
  let h: Harness;
  let alice: TestUser;
  let bob: TestUser;
  let aliceBot: string;
  let bobBot: string;
  const latest = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 5 * DAY_MS;
  const dipAt = latest - 10 * DAY_MS;
  const POINTS = 3000;

  beforeAll(async () => {
    h = await harness();
    alice = await signUp(h, 'equity-a');
    bob = await signUp(h, 'equity-b');
    aliceBot = await newBot(h, alice);
    bobBot = await newBot(h, bob);
    // 125 days of hourly points ending 5 days ago; one deep one-hour dip 10 days before the end.
    await h.deps.database.asService(async (tx) => {
      await tx.equity.insertMany(
        Array.from({ length: POINTS }, (_, i) => {
          const time = latest - (POINTS - 1 - i) * HOUR_MS;
          return {
            userId: alice.userId,
            botId: aliceBot,
            time,
            equityQuote: time === dipAt ? '4000' : String(10_000 + (i % 7)),
            cashQuote: '1000',
          };
        }),
      );
      await tx.equity.insertMany([
        { userId: bob.userId, botId: bobBot, time: latest, equityQuote: '777777', cashQuote: '1' },
      ]);
    });
  });

  it('answers the newest 30 days, at most `limit` points, keeping the last point and the drawdown', async () => {
    for (const limit of [1000, 50]) {
      const body = await json<{ points: [number, number][] }>(
        await h.request('GET', `/v1/equity?botId=${aliceBot}&limit=${limit}`, { token: alice.token }),
      );
      expect(body.points.length).toBeLessThanOrEqual(limit);
      expect(body.points.length).toBeGreaterThan(limit / 2);
      expect(body.points[0]?.[0]).toBe(latest - 30 * DAY_MS);
      expect(body.points.at(-1)?.[0]).toBe(latest);
      expect(body.points).toContainEqual([dipAt, 4000]);
    }
  });

  it('zooms to [from, to) and returns every point there when they fit', async () => {
    const from = new Date(latest - 100 * DAY_MS).toISOString();
    const to = new Date(latest - 100 * DAY_MS + 24 * HOUR_MS).toISOString();
    const body = await json<{ points: [number, number][] }>(
      await h.request('GET', `/v1/equity?botId=${aliceBot}&from=${from}&to=${to}`, { token: alice.token }),
    );
    expect(body.points.map(([time]) => time)).toEqual(
      Array.from({ length: 24 }, (_, i) => latest - 100 * DAY_MS + i * HOUR_MS),
    );
  });

  it('combines only the caller’s bots, and refuses another tenant’s bot as not found', async () => {
    const combined = await json<{ points: [number, number][] }>(
      await h.request('GET', '/v1/equity', { token: alice.token }),
    );
    expect(combined.points.length).toBeGreaterThan(0);
    expect(Math.max(...combined.points.map(([, equity]) => equity))).toBeLessThan(777777);
    await expectProblem(await h.request('GET', `/v1/equity?botId=${bobBot}`, { token: alice.token }), 404);
  });

  it('refuses a limit under 4 and a window that ends before it starts', async () => {
    await expectProblem(await h.request('GET', `/v1/equity?limit=3`, { token: alice.token }), 400);
    await expectProblem(
      await h.request('GET', `/v1/equity?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`, { token: alice.token }),
      400,
    );
  });
});

describe('GET /v1/admin/overview', () => {
  let h: Harness;
  let admin: TestUser;
  let user: TestUser;

  beforeAll(async () => {
    h = await harness();
    admin = await signUp(h, 'admin');
    user = await signUp(h, 'not-admin');
    await h.deps.database.asService((tx) => tx.profiles.setAdmin(admin.userId, true));
  });

  it('shows administrators the workers from their leases, bots by status, accounts and the kill switch', async () => {
    const botId = await newBot(h, user);
    const workerId = `worker-${randomUUID().slice(0, 8)}`;
    await h.deps.database.asService((tx) =>
      tx.query(
        `update public.bots set lease_owner = $1, lease_expires_at = now() + interval '30 seconds' where id = $2`,
        [workerId, botId],
      ),
    );
    const response = await h.request('GET', '/v1/admin/overview', { token: admin.token });
    expect(response.status).toBe(200);
    const body = await json<{
      users: number;
      botsByStatus: Record<string, number>;
      workers: { id: string; state: string; botsAssigned: number; lastHeartbeatAt: string }[];
      killSwitch: { engaged: boolean };
    }>(response);
    expect(body.users).toBeGreaterThanOrEqual(2);
    expect(body.botsByStatus.stopped).toBeGreaterThanOrEqual(1);
    expect(body.workers.find((worker) => worker.id === workerId)).toMatchObject({ state: 'up', botsAssigned: 1 });
    expect(typeof body.killSwitch.engaged).toBe('boolean');
  });

  it('refuses non-administrators, admin API tokens of non-administrators and admins’ tokens without the scope', async () => {
    const forbiddenBody = await expectProblem(await h.request('GET', '/v1/admin/overview', { token: user.token }), 403);
    expect(forbiddenBody.detail).toContain('administrators');
    const token = async (owner: TestUser, scopes: string[]) =>
      (
        await json<{ token: string }>(
          await h.request('POST', '/v1/api-tokens', { token: owner.token, body: { name: 'ops', scopes } }),
        )
      ).token;
    await expectProblem(
      await h.request('GET', '/v1/admin/overview', { token: await token(user, ['read', 'admin']) }),
      403,
    );
    await expectProblem(await h.request('GET', '/v1/admin/overview', { token: await token(admin, ['read']) }), 403);
    expect((await h.request('GET', '/v1/admin/overview', { token: await token(admin, ['admin']) })).status).toBe(200);
    await expectProblem(await h.request('GET', '/v1/admin/overview'), 401);
  });
});

describe('GET /v1/portfolio under concurrent tenants', () => {
  it('answers each user with their own bots only, whatever the interleaving on pooled connections', async () => {
    const h = await harness();
    const alice = await signUp(h, 'portfolio-a');
    const bob = await signUp(h, 'portfolio-b');
    const [aliceBot, bobBot] = [await newBot(h, alice), await newBot(h, bob)];
    const now = Date.now();
    await h.deps.database.asService((tx) =>
      tx.equity.insertMany([
        { userId: alice.userId, botId: aliceBot, time: now - HOUR_MS, equityQuote: '1234.5', cashQuote: '34.5' },
        { userId: bob.userId, botId: bobBot, time: now - HOUR_MS, equityQuote: '98765', cashQuote: '65' },
      ]),
    );
    const calls = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? alice : bob));
    const answers = await Promise.all(
      calls.map(async (caller) => ({
        caller,
        body: await json<{ equityQuote: string; cashQuote: string }>(
          await h.request('GET', '/v1/portfolio', { token: caller.token }),
        ),
      })),
    );
    for (const { caller, body } of answers) {
      expect(body).toMatchObject(
        caller === alice ? { equityQuote: '1234.5', cashQuote: '34.5' } : { equityQuote: '98765', cashQuote: '65' },
      );
    }
  });
});
