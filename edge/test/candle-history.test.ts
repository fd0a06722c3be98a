/**
 * GET /v1/candles over a market's whole history, on a real PostgreSQL (the warm tier) and a real VictoriaMetrics
 * (the cold tier), wired as `keel start` and the standalone edge wire them (configFromEnv's INFLUX_* settings,
 * the read API asked of the store). 1,200 real BTC-USDT hours moved to end now: the last 30 days in PostgreSQL
 * only, everything older in VictoriaMetrics only (as after the retention job), with a 150-hour hole in the cold
 * part. The newest page, forward paging from the first candle, and ranges entirely cold all come back in order,
 * with no gap or duplicate at the seam; a cold tier that cannot be read leaves the warm candles and says so.
 */
import { randomUUID } from 'node:crypto';
import type { Candle } from '@keel/core/market/types.ts';
import { WARM_CANDLE_RETENTION_MS } from '@keel/db';
import { coldCandleReaderFor } from '@keel/db/cold-tier/cold-reader-for-store.ts';
import { inProcessBus } from '@keel/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasSharedData, realHours } from '../../packages/db/test/cold-tier/real-candles.ts';
import { missingVictoria, writeToVictoria } from '../../packages/db/test/cold-tier/victoria-writes.ts';
import { ConfigError, configFromEnv } from '../src/config.ts';
import { startEdge } from '../src/node.ts';
import { silentLogger } from '../src/ports.ts';
import {
  closeTestDatabase,
  databaseRequired,
  type Harness,
  harness,
  json,
  signUp,
  TEST_JWT_SECRET,
  type TestUser,
} from './harness.ts';

const HOUR_MS = 3_600_000;
const skipReason =
  missingVictoria() ??
  (process.env.DATABASE_URL || databaseRequired ? null : 'DATABASE_URL is not set (start scripts/services.sh)') ??
  (hasSharedData() ? null : 'no shared market data');

type Row = [number, number, number, number, number, number];
const row = (candle: Candle): Row => [candle.time, candle.open, candle.high, candle.low, candle.close, candle.volume];

interface Series {
  candles: Row[];
  coldTier?: string;
}

describe.skipIf(skipReason !== null)(`GET /v1/candles across the warm and cold tiers ${skipReason ?? ''}`, () => {
  const vmUrl = process.env.VM_URL as string;
  const symbol = `H${randomUUID().replaceAll('-', '').slice(0, 8).toUpperCase()}-USDT`;
  const lastOpen = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - HOUR_MS;
  const real = skipReason === null ? realHours(1200) : [];
  const shift = lastOpen - (real.at(-1)?.time ?? 0);
  const moved = real.map((candle) => ({ ...candle, time: candle.time + shift }));
  const seamMs = lastOpen - WARM_CANDLE_RETENTION_MS + HOUR_MS;
  const warm = moved.filter((candle) => candle.time >= seamMs);
  // A 150-hour hole in the cold part, further back than the first window a newest-page read asks for.
  const holeStart = 100;
  const cold = moved.filter((candle, i) => candle.time < seamMs && (i < holeStart || i >= holeStart + 150));
  const stored = [...cold, ...warm];
  let h: Harness;
  let user: TestUser;
  const get = async (query: string, on = h): Promise<Series> => {
    const response = await on.request('GET', `/v1/candles?symbol=${symbol}&timeframe=1h&${query}`, {
      token: user.token,
    });
    expect(response.status, await response.clone().text()).toBe(200);
    return json<Series>(response);
  };

  beforeAll(async () => {
    const coldStore = configFromEnv({
      JWT_SECRET: 'x'.repeat(32),
      INFLUX_URL: vmUrl,
      INFLUX_TOKEN: 'unused-by-victoria-metrics',
      INFLUX_ORG: 'keel',
      INFLUX_BUCKET: 'candles',
    }).coldStore;
    if (coldStore === null) throw new Error('INFLUX_URL was not read');
    h = await harness({ coldCandles: coldCandleReaderFor(coldStore) });
    user = await signUp(h, 'history');
    await h.deps.database.asService((tx) =>
      tx.candles.upsertMany(warm.map((candle) => ({ symbol, timeframe: '1h' as const, ...candle }))),
    );
    await writeToVictoria(vmUrl, symbol, '1h', cold);
    // Within the warm tier's days, the cold store holding a different candle must not win.
    await writeToVictoria(vmUrl, symbol, '1h', [{ ...(warm[0] as Candle), close: 1 }], cold.length * 5);
  });

  afterAll(closeTestDatabase);

  it('has both tiers in play: a month of warm hours, older ones cold on both sides of the hole', () => {
    // The real 2018 series has an exchange outage or two: counts are those of the data, not 24 a day.
    expect(warm.length).toBeGreaterThan(650);
    expect(cold.filter((candle) => candle.time < (moved[holeStart] as Candle).time).length).toBe(holeStart);
    expect(cold.length).toBeGreaterThan(1000 - warm.length);
  });

  it('the newest page reaches into the cold tier: in order, the seam without gap or duplicate', async () => {
    const page = await get('limit=1000');
    expect(page.coldTier).toBeUndefined();
    expect(page.candles).toEqual(stored.slice(-1000).map(row));
    const times = page.candles.map(([time]) => time);
    expect(times.filter((time) => time >= seamMs - HOUR_MS && time <= seamMs)).toEqual([seamMs - HOUR_MS, seamMs]);
  });

  it('reaches past the hole in the cold part for older candles', async () => {
    expect((await get('limit=5000')).candles).toEqual(stored.map(row));
  });

  it('pages forward from the first candle through the seam to now, each candle once', async () => {
    const pages: Row[] = [];
    let from = new Date(moved[0]?.time as number).toISOString();
    for (let request = 0; request < 20; request++) {
      const page = await get(`from=${from}&limit=300`);
      if (page.candles.length === 0) break;
      pages.push(...page.candles);
      from = new Date((page.candles.at(-1)?.[0] as number) + 1).toISOString();
    }
    expect(pages).toEqual(stored.map(row));
  });

  it('answers a range entirely older than the warm tier from the cold tier, `to` exclusive', async () => {
    const from = cold[10] as Candle;
    const to = cold[20] as Candle;
    const page = await get(`from=${new Date(from.time).toISOString()}&to=${new Date(to.time).toISOString()}`);
    expect(page.candles).toEqual(cold.slice(10, 20).map(row));
    const before = await get(`to=${new Date(to.time).toISOString()}&limit=5`);
    expect(before.candles).toEqual(cold.slice(15, 20).map(row));
  });

  it('a cold tier that cannot be read: the warm candles, marked coldTier "unavailable"', async () => {
    const away = await harness({
      database: h.deps.database,
      coldCandles: coldCandleReaderFor({
        url: 'http://127.0.0.1:9',
        token: 't',
        org: 'keel',
        bucket: 'candles',
        queryApi: 'detect',
      }),
    });
    expect(await get('limit=1000', away)).toEqual({
      symbol,
      timeframe: '1h',
      candles: warm.map(row),
      coldTier: 'unavailable',
    });
    const paging = await get(`from=${new Date(moved[0]?.time as number).toISOString()}&limit=10`, away);
    expect(paging).toEqual({ symbol, timeframe: '1h', candles: warm.slice(0, 10).map(row), coldTier: 'unavailable' });
    // Within the warm tier's days the cold tier is not asked: nothing is missing, nothing is marked.
    expect(await get('limit=100', away)).toEqual({ symbol, timeframe: '1h', candles: warm.slice(-100).map(row) });
  });

  it('startEdge (node.ts: `keel start`, `npm run start:edge`) takes the cold tier from INFLUX_*', async () => {
    const edge = await startEdge({
      database: h.deps.database,
      bus: inProcessBus(),
      env: {
        JWT_SECRET: TEST_JWT_SECRET,
        PASSWORD_SCRYPT_COST: '10',
        INFLUX_URL: vmUrl,
        INFLUX_TOKEN: 'unused-by-victoria-metrics',
        INFLUX_ORG: 'keel',
        INFLUX_BUCKET: 'candles',
      },
      port: 0,
      keyTransport: h.deps.keyTransport,
      logger: silentLogger,
    });
    try {
      const credentials = { email: `node-${randomUUID()}@edge.test`, password: 'correct horse battery staple' };
      const signup = await fetch(`${edge.url}/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(credentials),
      });
      const { access_token: token } = (await signup.json()) as { access_token: string };
      const response = await fetch(`${edge.url}/v1/candles?symbol=${symbol}&timeframe=1h&limit=1000`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(((await response.json()) as Series).candles).toEqual(stored.slice(-1000).map(row));
    } finally {
      await edge.close();
    }
  });

  it('without a cold tier: the warm tier alone, as before', async () => {
    const warmOnly = await harness({ database: h.deps.database });
    expect(await get('limit=1000', warmOnly)).toEqual({ symbol, timeframe: '1h', candles: warm.map(row) });
  });
});

describe('the edge’s cold-tier settings', () => {
  const base = { JWT_SECRET: 'x'.repeat(32) };
  const store = { INFLUX_URL: 'http://vm:8428', INFLUX_TOKEN: 't', INFLUX_ORG: 'keel', INFLUX_BUCKET: 'candles' };

  it('are the worker’s INFLUX_* variables; none: no cold tier', () => {
    expect(configFromEnv(base).coldStore).toBeNull();
    expect(configFromEnv({ ...base, ...store, INFLUX_QUERY_API: 'victoria-export' }).coldStore).toEqual({
      url: 'http://vm:8428',
      token: 't',
      org: 'keel',
      bucket: 'candles',
      queryApi: 'victoria-export',
    });
  });

  it('refuses a bad value at startup with one clear line', () => {
    expect(() => configFromEnv({ ...base, ...store, INFLUX_QUERY_API: 'Flux' })).toThrow(
      new ConfigError('INFLUX_QUERY_API must be flux or victoria-export (or unset: asked of the store), got "Flux"'),
    );
    expect(() => configFromEnv({ ...base, INFLUX_URL: 'http://vm:8428' })).toThrow(
      new ConfigError('INFLUX_URL is set but INFLUX_TOKEN, INFLUX_ORG, INFLUX_BUCKET is not'),
    );
  });
});
