/**
 * The cold tier's write side: closed candles and bots' equity points, kept for charts and backtests beyond the
 * warm tier's 30 days. Implementations: influx-sink.ts (InfluxDB v2 write API; VictoriaMetrics in tests). In
 * embedded mode there is none (the worker logs that the cold tier is off); Postgres still holds every equity point
 * and the last 30 days of candles.
 */
import type { Candle } from '@keel/core/market/types.ts';

export interface EquityPoint {
  botId: string;
  timeMs: number;
  /** Decimal strings, as the ledger and Postgres hold them; the time-series store keeps them as floats for charts. */
  equityQuote: string;
  cashQuote: string;
}

export interface TimeSeriesSink {
  /** Queues the point; never throws and never waits for the network (a candle is not delayed by the cold tier). */
  writeCandle(symbol: string, timeframe: string, candle: Candle): void;
  writeEquity(point: EquityPoint): void;
  /** Sends everything queued (and anything buffered on disk from an outage); never throws. */
  flush(): Promise<void>;
  /** Flushes and stops the timer. */
  close(): Promise<void>;
}
