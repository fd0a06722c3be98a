/**
 * The market-data tiers around the trading path: every closed candle of a watched market goes to the hot cache
 * (latest 24 h) and to the cold time-series store; every equity point a bot books goes to the cold store too. The
 * warm tier (Postgres `candles`, 30 days) is written by its own code. None of this can hold up a candle: the hot
 * cache is not awaited and fails fast, the cold sink only queues in memory (and on disk when the store is down).
 */

import { candleAt } from '@keel/core/market/types.ts';
import type { Database } from '@keel/db';
import type { StreamBus } from '@keel/realtime';
import type { Logger } from '../logger.ts';
import type { MarketHub } from '../market/market-hub.ts';
import type { DownsampleReport } from './cold-downsample.ts';
import { type HotCache, marketKey } from './hot-cache.ts';
import { scheduleRetention } from './retention-job.ts';
import type { TimeSeriesSink } from './time-series-sink.ts';

export interface MarketDataTiersOptions {
  hot: HotCache;
  /** null: no cold tier (embedded mode without INFLUX_URL; the log said so). */
  cold: TimeSeriesSink | null;
  logger: Logger;
  /** How often the retention job runs; default retention-job.ts's. */
  retentionIntervalMs?: number;
  /** The cold tier's downsampling pass (KEEL_COLD_DOWNSAMPLE), run by the retention job; absent: none. */
  downsampleCold?: (nowMs: number) => Promise<DownsampleReport>;
}

export class MarketDataTiers {
  readonly hot: HotCache;
  readonly cold: TimeSeriesSink | null;
  private readonly logger: Logger;
  private readonly retentionIntervalMs: number | undefined;
  private readonly downsampleCold: ((nowMs: number) => Promise<DownsampleReport>) | undefined;
  private readonly watched = new Set<string>();

  constructor(options: MarketDataTiersOptions) {
    this.hot = options.hot;
    this.cold = options.cold;
    this.logger = options.logger;
    this.retentionIntervalMs = options.retentionIntervalMs;
    this.downsampleCold = options.downsampleCold;
  }

  /** Sends the market's closed candles to the tiers, once per market however many bots trade it. */
  watch(hub: MarketHub, symbol: string, timeframe: string): void {
    const key = marketKey(symbol, timeframe);
    if (this.watched.has(key)) return;
    this.watched.add(key);
    hub.subscribe(symbol, timeframe, async (series, index) => {
      const candle = candleAt(series, index);
      this.hot.pushCandle(symbol, timeframe, candle).catch((error: unknown) => {
        this.logger.warn({ symbol, error: String(error) }, 'hot cache write failed');
      });
      this.cold?.writeCandle(symbol, timeframe, candle);
    });
  }

  /** The bus, with every `equity` message also written to the cold store (publishing itself unchanged). */
  tapEquity(bus: StreamBus): StreamBus {
    const cold = this.cold;
    if (cold === null) return bus;
    return {
      ...bus,
      subscribe: bus.subscribe.bind(bus),
      ready: bus.ready.bind(bus),
      health: bus.health.bind(bus),
      close: bus.close.bind(bus),
      publish(userId, message) {
        if (message.channel === 'equity' && typeof message.botId === 'string') {
          const point = message.data as { time: Date | string | number; equityQuote: string; cashQuote: string };
          cold.writeEquity({
            botId: message.botId,
            timeMs: new Date(point.time).getTime(),
            equityQuote: point.equityQuote,
            cashQuote: point.cashQuote,
          });
        }
        return bus.publish(userId, message);
      },
    };
  }

  /** Starts the retention job (hot trim, warm prune, cold downsampling); stop it with the returned handle. */
  startRetention(database: Database | undefined): { stop(): Promise<void> } {
    return scheduleRetention(
      {
        hot: this.hot,
        logger: this.logger,
        ...(database === undefined ? {} : { database }),
        ...(this.downsampleCold === undefined ? {} : { downsampleCold: this.downsampleCold }),
      },
      this.retentionIntervalMs,
    );
  }

  async flush(): Promise<void> {
    await this.cold?.flush();
  }

  async close(): Promise<void> {
    await this.cold?.close();
    await this.hot.close();
  }
}
