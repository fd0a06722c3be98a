/**
 * The hot tier in Redis (ioredis), keys under `keel:hot:`:
 *   candles:<symbol>@<tf>   sorted set, score = open time, member = candle JSON; 24 h window; key TTL 24 h
 *   features:<symbol>@<tf>  string, feature JSON; TTL 24 h
 * Redis being down never stops trading: commands fail fast (no offline queue, short timeout), a failed write is
 * dropped and counted, a failed read is answered from the in-process copy every write also goes to. ioredis
 * reconnects on its own; when it is back, the in-process copy is written to it again (a restarted Redis is empty).
 */
import type { Candle } from '@keel/core/market/types.ts';
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import {
  featuresFromJson,
  featuresToJson,
  HOT_WINDOW_MS,
  type HotCache,
  type MarketFeatures,
  marketKey,
} from './hot-cache.ts';
import { InProcessHotCache } from './in-process-hot-cache.ts';

const KEY_PREFIX = 'keel:hot:';
const CANDLES = `${KEY_PREFIX}candles:`;
const FEATURES = `${KEY_PREFIX}features:`;
/** A command Redis has not answered by then counts as failed: the candle in flight must not wait on the cache. */
const COMMAND_TIMEOUT_MS = 500;
const SCAN_BATCH = 200;

export interface RedisHotCacheOptions {
  url: string;
  logger: Logger;
}

export class RedisHotCache implements HotCache {
  /** Writes Redis could not take (it was down): the cache misses them until the reseed, trading does not. */
  droppedWrites = 0;
  private readonly redis: Redis;
  private readonly local = new InProcessHotCache();
  private readonly logger: Logger;

  constructor(options: RedisHotCacheOptions) {
    this.logger = options.logger;
    this.redis = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
    });
    let reported = false;
    let connectedBefore = false;
    this.redis.on('error', (error: Error) => {
      if (!reported) this.logger.warn({ error: error.message }, 'hot cache: Redis unreachable (trading goes on)');
      reported = true;
    });
    // Every 'ready' after the first is a reconnection: Redis may have restarted empty.
    this.redis.on('ready', () => {
      reported = false;
      if (connectedBefore) void this.reseed();
      connectedBefore = true;
    });
  }

  /** Resolves once connected (start-up and tests); rejects if Redis cannot be reached at all. */
  async ready(): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve, reject) => {
      this.redis.once('ready', () => resolve());
      this.redis.once('end', () => reject(new Error('hot cache: Redis connection ended')));
    });
  }

  async pushCandle(symbol: string, timeframe: string, candle: Candle): Promise<void> {
    await this.local.pushCandle(symbol, timeframe, candle);
    await this.attempt(() => this.writeCandles(symbol, timeframe, [candle]));
  }

  async latestCandles(symbol: string, timeframe: string, count: number): Promise<Candle[]> {
    try {
      const members = await this.redis.zrange(`${CANDLES}${marketKey(symbol, timeframe)}`, String(-count), '-1');
      return members.map((member) => JSON.parse(member) as Candle);
    } catch {
      return this.local.latestCandles(symbol, timeframe, count);
    }
  }

  async putFeatures(symbol: string, timeframe: string, features: MarketFeatures): Promise<void> {
    await this.local.putFeatures(symbol, timeframe, features);
    await this.attempt(() => this.writeFeatures(symbol, timeframe, features));
  }

  async latestFeatures(symbol: string, timeframe: string): Promise<MarketFeatures | null> {
    try {
      const text = await this.redis.get(`${FEATURES}${marketKey(symbol, timeframe)}`);
      return text === null ? null : featuresFromJson(text);
    } catch {
      return this.local.latestFeatures(symbol, timeframe);
    }
  }

  /** Trims every market's set to the 24 h before its newest candle (keys idle 24 h expire on their own TTL). */
  async trim(nowMs: number): Promise<void> {
    await this.local.trim(nowMs);
    await this.attempt(async () => {
      let cursor = '0';
      do {
        const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${CANDLES}*`, 'COUNT', SCAN_BATCH);
        cursor = next;
        for (const key of keys) {
          const newest = await this.redis.zrange(key, '-1', '-1', 'WITHSCORES');
          if (newest[1] !== undefined) {
            await this.redis.zremrangebyscore(key, '-inf', String(Number(newest[1]) - HOT_WINDOW_MS));
          }
        }
      } while (cursor !== '0');
    });
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    await this.local.close();
  }

  private async writeCandles(symbol: string, timeframe: string, candles: readonly Candle[]): Promise<void> {
    if (candles.length === 0) return;
    const key = `${CANDLES}${marketKey(symbol, timeframe)}`;
    const newest = Math.max(...candles.map((candle) => candle.time));
    const transaction = this.redis.multi();
    for (const candle of candles) {
      transaction.zremrangebyscore(key, String(candle.time), String(candle.time));
      transaction.zadd(key, String(candle.time), JSON.stringify(candle));
    }
    transaction.zremrangebyscore(key, '-inf', String(newest - HOT_WINDOW_MS));
    transaction.pexpire(key, HOT_WINDOW_MS);
    await transaction.exec();
  }

  private async writeFeatures(symbol: string, timeframe: string, features: MarketFeatures): Promise<void> {
    await this.redis.set(`${FEATURES}${marketKey(symbol, timeframe)}`, featuresToJson(features), 'PX', HOT_WINDOW_MS);
  }

  private async attempt(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch {
      this.droppedWrites++;
    }
  }

  /** Redis is back (maybe restarted empty): write the in-process copy to it again. */
  private async reseed(): Promise<void> {
    for (const market of this.local.snapshot()) {
      await this.attempt(() => this.writeCandles(market.symbol, market.timeframe, market.candles));
      if (market.features !== null) {
        const features = market.features;
        await this.attempt(() => this.writeFeatures(market.symbol, market.timeframe, features));
      }
    }
    this.logger.info({ droppedWrites: this.droppedWrites }, 'hot cache: Redis is back, latest candles re-seeded');
  }
}
