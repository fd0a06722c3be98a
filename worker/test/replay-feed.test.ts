import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { syntheticMarket } from '@keel/core/market/synthetic.ts';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../src/logger.ts';
import { MarketHub, MissingMarketDataError } from '../src/market/market-hub.ts';
import { ReplayFeed } from '../src/market/replay-feed.ts';
import { candleSourceFor } from '../src/market/source-for-dir.ts';
import { realCandleSlice } from './harness.ts';

describe('ReplayFeed', () => {
  it('delivers every candle in order to every subscriber, waiting for all before the next', async () => {
    const feed = new ReplayFeed(syntheticMarket({ candles: 50 }), 'max');
    const seen: string[] = [];
    let inFlight = 0;
    const listener = (name: string) => async (_series: unknown, index: number) => {
      inFlight++;
      expect(inFlight).toBeLessThanOrEqual(2);
      await new Promise((resolve) => setTimeout(resolve, name === 'slow' ? 2 : 0));
      seen.push(`${name}${index}`);
      inFlight--;
    };
    feed.subscribe(listener('fast'));
    feed.subscribe(listener('slow'));
    feed.start();
    while (!feed.finished) await new Promise((resolve) => setTimeout(resolve, 5));
    await feed.stop();
    for (const name of ['fast', 'slow']) {
      expect(seen.filter((s) => s.startsWith(name))).toEqual(Array.from({ length: 50 }, (_, i) => `${name}${i}`));
    }
  });

  it('stops after the candle in flight, at the configured pace', async () => {
    const feed = new ReplayFeed(syntheticMarket({ candles: 1000 }), 100);
    const handled: number[] = [];
    feed.subscribe(async (_series, index) => {
      handled.push(index);
    });
    feed.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await feed.stop();
    const count = handled.length;
    expect(count).toBeGreaterThan(2);
    expect(count).toBeLessThan(50);
    expect(handled).toEqual(Array.from({ length: count }, (_, i) => i));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(handled.length).toBe(count);
  });
  it('begins at firstIndex: the candles before it are history, delivered to nobody', async () => {
    const feed = new ReplayFeed(syntheticMarket({ candles: 40 }), 'max', { firstIndex: 30 });
    const handled: number[] = [];
    feed.subscribe(async (_series, index) => {
      handled.push(index);
    });
    feed.start();
    while (!feed.finished) await new Promise((resolve) => setTimeout(resolve, 5));
    await feed.stop();
    expect(handled).toEqual(Array.from({ length: 10 }, (_, i) => 30 + i));
    expect(() => new ReplayFeed(syntheticMarket({ candles: 40 }), 'max', { firstIndex: 40 })).toThrow(/firstIndex/);
  });
});

describe('candle sources', () => {
  it('replays real candles from the data folder, one feed per market', () => {
    const { dataDir } = realCandleSlice(30);
    const hub = new MarketHub(candleSourceFor(dataDir, silentLogger), 'max');
    const feed = hub.feed('BTC-USDT', '1h');
    expect(feed.series.length).toBe(30);
    expect(feed.series.time[0]).toBe(1514764800000);
    expect(hub.feed('BTC-USDT', '1h')).toBe(feed);
    expect(() => hub.feed('ETH-USDT', '1h')).toThrow(MissingMarketDataError);
  });

  it('falls back to the synthetic market, saying so, when the data folder is absent', () => {
    const warnings: string[] = [];
    const logger = { ...silentLogger, warn: (_fields: object, message?: string) => warnings.push(message ?? '') };
    const missing = join(mkdtempSync(join(tmpdir(), 'keel-worker-')), 'no-such-folder');
    const source = candleSourceFor(missing, logger);
    expect(source.description).toMatch(/SYNTHETIC/);
    expect(warnings.join()).toMatch(/SYNTHETIC.*NOT real data/);
    const a = source.candles('ETH-USDT', '1h');
    expect(a?.length).toBeGreaterThan(1000);
    expect(a?.time[1]).toBe((a?.time[0] as number) + 3_600_000);
  });
});
