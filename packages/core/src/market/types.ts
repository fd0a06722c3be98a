/**
 * Market data as the core sees it. Times are milliseconds since the Unix epoch, UTC;
 * a candle's time is its open time, as Binance and ccxt report it.
 */

/** One OHLCV candle. `volume` is in base-asset units (BTC for BTC-USDT). */
export interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/**
 * Candles of one market stored column-wise: six Float64Arrays, 48 bytes a candle, and
 * no object per candle, so ten years of minutes (≈5 M candles) fit in ≈250 MB and loops stay monomorphic.
 */
export interface CandleSeries {
  readonly symbol: string;
  readonly length: number;
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

/** One public trade (a print on the tape). */
export interface Trade {
  time: number;
  priceQuote: number;
  qtyBase: number;
  /** The taker's side. */
  side: 'buy' | 'sell';
}

/** Top levels of an order book; bids best (highest) first, asks best (lowest) first. */
export interface OrderBookSnapshot {
  time: number;
  bids: ReadonlyArray<readonly [priceQuote: number, qtyBase: number]>;
  asks: ReadonlyArray<readonly [priceQuote: number, qtyBase: number]>;
}

/** A perpetual future's funding rate for one funding interval (0.0001 = 0.01%). */
export interface FundingRate {
  time: number;
  rate: number;
}

export const TIMEFRAME_MS = {
  '1m': 60_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '4h': 14_400_000,
  '1d': 86_400_000,
} as const;

export type Timeframe = keyof typeof TIMEFRAME_MS;

export function isTimeframe(value: string): value is Timeframe {
  return Object.hasOwn(TIMEFRAME_MS, value);
}

/** Reads candle `index` of a series as an object (for tests, reports and slow paths, not hot loops). */
export function candleAt(series: CandleSeries, index: number): Candle {
  return {
    time: series.time[index] as number,
    open: series.open[index] as number,
    high: series.high[index] as number,
    low: series.low[index] as number,
    close: series.close[index] as number,
    volume: series.volume[index] as number,
  };
}

/** Allocates an empty series of `length` candles, to be filled column by column. */
export function allocateSeries(symbol: string, length: number): CandleSeries {
  return {
    symbol,
    length,
    time: new Float64Array(length),
    open: new Float64Array(length),
    high: new Float64Array(length),
    low: new Float64Array(length),
    close: new Float64Array(length),
    volume: new Float64Array(length),
  };
}

/** Builds a series from candle objects (tests and small inputs). */
export function seriesFromCandles(symbol: string, candles: readonly Candle[]): CandleSeries {
  const series = allocateSeries(symbol, candles.length);
  candles.forEach((c, i) => {
    series.time[i] = c.time;
    series.open[i] = c.open;
    series.high[i] = c.high;
    series.low[i] = c.low;
    series.close[i] = c.close;
    series.volume[i] = c.volume;
  });
  return series;
}

/** A view of candles [start, end), sharing memory with `series` (no copy). */
export function sliceSeries(series: CandleSeries, start: number, end: number): CandleSeries {
  return {
    symbol: series.symbol,
    length: end - start,
    time: series.time.subarray(start, end),
    open: series.open.subarray(start, end),
    high: series.high.subarray(start, end),
    low: series.low.subarray(start, end),
    close: series.close.subarray(start, end),
    volume: series.volume.subarray(start, end),
  };
}
