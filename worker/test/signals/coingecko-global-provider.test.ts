/**
 * CoinGecko /api/v3/global against a loopback API replaying a recorded answer (fixtures/coingecko-global.json, in
 * the documented shape): two signals from one request, the key in a header and never in a log line or a reason,
 * stale values masked, failures masked and logged once, a 429's Retry-After obeyed, a hung API timed out.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../src/logger.ts';
import {
  coinGeckoGlobalProviders,
  coinGeckoKeyHeader,
  parseCoinGeckoGlobal,
} from '../../src/signals/coingecko-global-provider.ts';
import type { SignalProvider } from '../../src/signals/signal-provider.ts';
import { capturedLines, fixture, type LoopbackJsonApi, startLoopbackJsonApi } from './loopback-json-api.ts';

const API_KEY = 'CG-demo-k3y-never-logged';
const recorded = fixture('coingecko-global.json') as { data: { updated_at: number } };
const UPDATED_MS = recorded.data.updated_at * 1000;
const MINUTE_MS = 60_000;

let api: LoopbackJsonApi;
beforeAll(async () => {
  api = await startLoopbackJsonApi();
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests.length = 0;
  api.answer('/api/v3/global', { status: 200, body: recorded });
});

function providers(options: { refreshMs?: number; timeoutMs?: number } = {}, logger = silentLogger) {
  const [marketCap, dominance] = coinGeckoGlobalProviders({
    baseUrl: api.url,
    apiKey: API_KEY,
    logger,
    refreshMs: options.refreshMs ?? 0,
    retryAfterFailureMs: 0,
    timeoutMs: options.timeoutMs ?? 2_000,
  }) as [SignalProvider, SignalProvider];
  return { marketCap, dominance };
}

describe('CoinGecko global provider', () => {
  it('reads the 24 h market cap change and BTC dominance from one request, the key in the demo header', async () => {
    const { marketCap, dominance } = providers({ refreshMs: 5 * MINUTE_MS });
    const now = UPDATED_MS + 2 * MINUTE_MS;
    const [change, btc] = await Promise.all([marketCap.read(now), dominance.read(now)]);
    expect(change).toEqual({ value: -2.4612, available: true, observedAtMs: UPDATED_MS, maskedBecause: null });
    expect(btc).toMatchObject({ value: 56.21, available: true });
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]?.path).toBe('/api/v3/global');
    expect(api.requests[0]?.headers['x-cg-demo-api-key']).toBe(API_KEY);
    expect([...(api.requests[0]?.query.keys() ?? [])]).toEqual([]);
  });

  it('masks a value CoinGecko keeps serving past 30 minutes as stale', async () => {
    const reading = await providers().marketCap.read(UPDATED_MS + 31 * MINUTE_MS);
    expect(reading).toMatchObject({ available: false, observedAtMs: UPDATED_MS });
    expect(reading.value).toBeNaN();
    expect(reading.maskedBecause).toBe('stale: observed 31 min ago');
  });

  it('masks a failing API with the reason, logs it once, never with the key', async () => {
    const { lines, destination } = capturedLines();
    const { marketCap } = providers({}, createLogger({ name: 'test', destination }));
    api.answer('/api/v3/global', {
      status: 401,
      body: { status: { error_code: 10002, error_message: `bad key ${API_KEY}` } },
    });
    const readings = [];
    for (let minute = 0; minute < 3; minute++) readings.push(await marketCap.read(UPDATED_MS + minute * MINUTE_MS));
    expect(api.requests).toHaveLength(3);
    for (const reading of readings) expect(reading.maskedBecause).toBe('provider failing: HTTP 401');
    expect(lines.filter((line) => line.includes('signal provider failing'))).toHaveLength(1);
    expect(lines.join('\n')).not.toContain(API_KEY);
    api.answer('/api/v3/global', { status: 200, body: recorded });
    expect((await marketCap.read(UPDATED_MS + 4 * MINUTE_MS)).available).toBe(true);
    expect(lines.filter((line) => line.includes('answering again'))).toHaveLength(1);
  });

  it("waits as long as a 429's Retry-After asks before the next request", async () => {
    const { marketCap } = providers();
    api.answer('/api/v3/global', { status: 429, body: {}, headers: { 'retry-after': '120' } });
    expect((await marketCap.read(UPDATED_MS)).maskedBecause).toBe('provider failing: HTTP 429');
    await marketCap.read(UPDATED_MS + MINUTE_MS);
    expect(api.requests).toHaveLength(1);
    api.answer('/api/v3/global', { status: 200, body: recorded });
    expect((await marketCap.read(UPDATED_MS + 2 * MINUTE_MS)).available).toBe(true);
    expect(api.requests).toHaveLength(2);
  });

  it('times out a hung API and masks the signal', async () => {
    api.answer('/api/v3/global', { status: 200, body: '', hang: true });
    const reading = await providers({ timeoutMs: 200 }).dominance.read(UPDATED_MS);
    expect(reading.available).toBe(false);
    expect(reading.maskedBecause).toMatch(/^provider failing: .*(timeout|abort)/i);
  });

  it('refuses answers that are not the documented shape, saying what is wrong', () => {
    const { data } = recorded as { data: Record<string, unknown> };
    expect(() => parseCoinGeckoGlobal({})).toThrow(/no data object/);
    expect(() => parseCoinGeckoGlobal({ data: { ...data, market_cap_percentage: {} } })).toThrow(
      /market_cap_percentage.btc undefined is not a percentage/,
    );
    expect(() => parseCoinGeckoGlobal({ data: { ...data, updated_at: '1763600400' } })).toThrow(/not Unix seconds/);
  });

  it('sends a Pro key in the Pro header, a Demo key in the Demo header, no key in none', () => {
    expect(coinGeckoKeyHeader('https://pro-api.coingecko.com', 'k')).toEqual({ 'x-cg-pro-api-key': 'k' });
    expect(coinGeckoKeyHeader('https://api.coingecko.com', 'k')).toEqual({ 'x-cg-demo-api-key': 'k' });
    expect(coinGeckoKeyHeader('https://api.coingecko.com', undefined)).toEqual({});
  });
});
