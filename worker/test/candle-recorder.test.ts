/**
 * The warm-tier recorder on a real (embedded) database: a market's candles are written once however many bots
 * trade it, and a database that is down costs the bots nothing — record() returns at once and memory stays bounded.
 */
import { createDatabase, type Database } from '@keel/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/logger.ts';
import { candleRecorder } from '../src/market/candle-recorder.ts';
import { MarketHub } from '../src/market/market-hub.ts';
import { syntheticCandleSource } from '../src/market/synthetic-source.ts';

describe('candle recorder', () => {
  let db: Database;
  beforeAll(async () => {
    db = await createDatabase({ pglite: {} });
    await db.migrate();
  });
  afterAll(() => db.close());

  it('writes each closed candle of a market once, with three bots on it', async () => {
    const source = syntheticCandleSource();
    const series = source.candles('BTC-USDT', '1h');
    expect(series).not.toBeNull();
    const length = Math.min(series?.length ?? 0, 300);
    const recorder = candleRecorder({ database: db, logger: silentLogger, batchSize: 64, flushMs: 10 });
    const hub = new MarketHub(source, 'max', recorder);
    let seenByBots = 0;
    const unsubscribe = [1, 2, 3].map(() =>
      hub.subscribe('BTC-USDT', '1h', async () => {
        seenByBots++;
      }),
    );
    hub.start();
    await new Promise<void>((done) => {
      const poll = setInterval(() => {
        if (seenByBots >= 3 * length) {
          clearInterval(poll);
          done();
        }
      }, 5);
    });
    for (const stop of unsubscribe) stop();
    await hub.stop();
    await recorder.stop();
    const [row] = await db.asService((tx) =>
      tx.query(
        `select count(*)::int as rows, count(distinct open_time)::int as times from public.candles
         where symbol = 'BTC-USDT' and timeframe = '1h'`,
      ),
    );
    expect(recorder.stats().written).toBeGreaterThanOrEqual(length);
    expect(row?.rows).toBe(row?.times);
    expect(row?.rows).toBe(recorder.stats().written);
  });

  it('never waits on a database that is down, and drops the oldest candles past its bound', async () => {
    const down = await createDatabase({ pglite: {} });
    await down.close();
    const recorder = candleRecorder({
      database: down,
      logger: silentLogger,
      batchSize: 10,
      maxPending: 100,
      flushMs: 5,
    });
    const source = syntheticCandleSource();
    const series = source.candles('ETH-USDT', '1h');
    if (series === null) throw new Error('synthetic source has no ETH-USDT');
    for (let index = 0; index < 1000; index++) recorder.record('ETH-USDT', '1h', series, index % series.length);
    await recorder.flush();
    const stats = recorder.stats();
    expect(stats.written).toBe(0);
    expect(stats.pending).toBeLessThanOrEqual(100);
    expect(stats.dropped).toBe(1000 - stats.pending);
    await recorder.stop();
  });
});
