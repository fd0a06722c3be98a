/** Which workers poll market extras (live ccxt candles only) and how the variables that tune them are read. */
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { ccxtCandleSource } from '../../src/market/ccxt-candle-source.ts';
import { marketExtrasFor } from '../../src/market/market-extras-from-env.ts';
import { syntheticCandleSource } from '../../src/market/synthetic-source.ts';

const LIVE_ENV = { KEEL_MARKET_SOURCE: 'ccxt:binance,ccxt:kraken', KEEL_MARKET_WS: 'off' };
const live = ccxtCandleSource({ exchangeIds: ['binance', 'kraken'], logger: silentLogger, env: LIVE_ENV });

describe('marketExtrasFor', () => {
  it("polls the live source's primary exchange, and nothing for replayed or synthetic candles", async () => {
    const hub = marketExtrasFor(live, LIVE_ENV, silentLogger);
    expect(hub?.source.description).toBe('ccxt:binance order books (20 levels) and perpetual funding rates');
    await hub?.stop();
    expect(marketExtrasFor(syntheticCandleSource(), LIVE_ENV, silentLogger)).toBeNull();
    expect(marketExtrasFor(live, {}, silentLogger)).toBeNull();
  });

  it('takes its levels from the environment and is off when every poll is', async () => {
    const env = { ...LIVE_ENV, KEEL_ORDER_BOOK_LEVELS: '50', KEEL_FUNDING_POLL_MS: 'off' };
    expect(marketExtrasFor(live, env, silentLogger)?.source.description).toMatch(/\(50 levels\)/);
    const tradesOnly = marketExtrasFor(live, { ...env, KEEL_ORDER_BOOK_POLL_MS: 'off' }, silentLogger);
    expect(tradesOnly).not.toBeNull();
    await tradesOnly?.stop();
    const allOff = { ...env, KEEL_ORDER_BOOK_POLL_MS: 'off', KEEL_TRADE_POLL_MS: 'off' };
    expect(marketExtrasFor(live, allOff, silentLogger)).toBeNull();
  });

  it.each([
    [
      { KEEL_ORDER_BOOK_POLL_MS: '500' },
      /KEEL_ORDER_BOOK_POLL_MS must be a whole number of ms ≥ 1000, or "off", got "500"/,
    ],
    [{ KEEL_FUNDING_POLL_MS: 'hourly' }, /KEEL_FUNDING_POLL_MS must be a whole number of ms/],
    [{ KEEL_TRADE_POLL_MS: '10s' }, /KEEL_TRADE_POLL_MS must be a whole number of ms ≥ 1000, or "off", got "10s"/],
    [{ KEEL_ORDER_BOOK_LEVELS: '0' }, /KEEL_ORDER_BOOK_LEVELS must be a whole number from 1 to 5000, got "0"/],
  ])('refuses %j with a clear message', (bad, message) => {
    expect(() => marketExtrasFor(live, { ...LIVE_ENV, ...bad }, silentLogger)).toThrow(message);
  });
});
