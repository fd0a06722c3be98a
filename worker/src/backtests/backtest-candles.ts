/**
 * The candles a backtest submitted through the API runs on, per symbol:
 * - the worker's candle source, when it has the market (a CSV replay of real candles, or the synthetic market):
 *   the same candles the bots trade;
 * - otherwise (a live ccxt source keeps no history) the stored candles: the warm tier (public.candles, 30 days)
 *   and, before its first candle of the market, the cold tier (INFLUX_URL), read back through @keel/db's reader.
 * The window opens WARMUP_CANDLES before `from` (from a source's series: candles; from the database, which has no
 * index to count back by: that many candle periods, so fewer candles where the market has gaps), so the agents
 * start warm as a live bot does on its history; the backtest trades from `from` on (runBacktest's startTradingAt).
 */
import { FEATURE_WARMUP_CANDLES } from '@keel/core/agents/warmup.ts';
import { type Candle, type CandleSeries, seriesFromCandles, TIMEFRAME_MS } from '@keel/core/market/types.ts';
import type { Database, StoredCandle } from '@keel/db';
import type { ColdCandleReader } from '@keel/db/cold-tier/cold-candle-reader.ts';
import type { CandleSource } from '../market/candle-source.ts';

/** Past the feature engine's warm-up (649 candles), with a margin for the agents' own. */
export const WARMUP_CANDLES = FEATURE_WARMUP_CANDLES + 51;
/** Candles per symbol, warm-up included: a year of minutes and then some; a longer range is refused, not cut. */
export const MAX_CANDLES = 600_000;
/** Rows per warm-tier read (the candles repository's ceiling). */
const WARM_PAGE = 10_000;

export class BacktestDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BacktestDataError';
  }
}

export interface BacktestCandleSources {
  source: CandleSource;
  database: Database;
  cold: ColdCandleReader | null;
}

export interface BacktestWindow {
  timeframe: string;
  /** Inclusive open time from which the backtest trades; null: from the first candle there is. */
  fromMs: number | null;
  /** Exclusive; null: up to the newest candle. */
  toMs: number | null;
}

export interface BacktestCandles {
  series: CandleSeries;
  /** Where they came from, for the result (a backtest on the synthetic market must say so). */
  origin: string;
}

function timeframeMs(timeframe: string): number {
  const ms = TIMEFRAME_MS[timeframe as keyof typeof TIMEFRAME_MS];
  if (ms === undefined) throw new BacktestDataError(`unknown timeframe ${JSON.stringify(timeframe)}`);
  return ms;
}

/** First index whose time is ≥ `time` (binary search: times ascend). */
function firstAtOrAfter(times: Float64Array, time: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((times[middle] as number) < time) low = middle + 1;
    else high = middle;
  }
  return low;
}

function describeWindow(symbol: string, window: BacktestWindow): string {
  const from = window.fromMs === null ? 'the start' : new Date(window.fromMs).toISOString();
  const to = window.toMs === null ? 'now' : new Date(window.toMs).toISOString();
  return `${symbol} ${window.timeframe} from ${from} to ${to}`;
}

function refuseTooLong(symbol: string, window: BacktestWindow, candles: number): void {
  if (candles > MAX_CANDLES) {
    throw new BacktestDataError(
      `${describeWindow(symbol, window)} is ${candles} candles with the warm-up; at most ${MAX_CANDLES}: narrow from/to`,
    );
  }
}

/**
 * The window of a whole series the source has: the warm-up before `from`, up to `to`. A copy, not a view: the
 * backtest's thread is handed the window, and a view would carry the whole series' buffers with it.
 */
function fromSourceSeries(series: CandleSeries, window: BacktestWindow): CandleSeries {
  const start = window.fromMs === null ? 0 : firstAtOrAfter(series.time, window.fromMs);
  const end = window.toMs === null ? series.length : firstAtOrAfter(series.time, window.toMs);
  const withWarmup = Math.max(0, start - WARMUP_CANDLES);
  refuseTooLong(series.symbol, window, end - withWarmup);
  return {
    symbol: series.symbol,
    length: end - withWarmup,
    time: series.time.slice(withWarmup, end),
    open: series.open.slice(withWarmup, end),
    high: series.high.slice(withWarmup, end),
    low: series.low.slice(withWarmup, end),
    close: series.close.slice(withWarmup, end),
    volume: series.volume.slice(withWarmup, end),
  };
}

async function warmCandles(database: Database, symbol: string, timeframe: string, fromMs: number, toMs: number) {
  const candles: StoredCandle[] = [];
  let cursor = fromMs;
  for (;;) {
    const page = await database.asService((tx) =>
      tx.candles.range({ symbol, timeframe, from: new Date(cursor), to: new Date(toMs), limit: WARM_PAGE }),
    );
    candles.push(...page);
    const last = page.at(-1);
    if (page.length < WARM_PAGE || last === undefined) return candles;
    cursor = last.openTime + 1;
    refuseTooLong(symbol, { timeframe, fromMs, toMs }, candles.length);
  }
}

/**
 * Stored candles in [fromMs − warm-up, toMs): the cold tier strictly before the warm tier's first candle in the
 * window, the warm tier from there on, so each time comes from one tier only.
 */
async function fromStoredCandles(
  sources: BacktestCandleSources,
  symbol: string,
  window: BacktestWindow,
  nowMs: number,
): Promise<CandleSeries> {
  const stepMs = timeframeMs(window.timeframe);
  const toMs = window.toMs ?? nowMs;
  const startMs = window.fromMs === null ? toMs - MAX_CANDLES * stepMs : window.fromMs - WARMUP_CANDLES * stepMs;
  refuseTooLong(symbol, window, Math.ceil((toMs - startMs) / stepMs));
  const warm = await warmCandles(sources.database, symbol, window.timeframe, startMs, toMs);
  const seamMs = warm[0]?.openTime ?? toMs;
  const cold =
    sources.cold === null || startMs >= seamMs
      ? []
      : await sources.cold.read({ symbol, timeframe: window.timeframe, fromMs: startMs, toMs: seamMs - 1 });
  const candles: Candle[] = [
    ...cold,
    ...warm.map((c) => ({
      time: c.openTime,
      open: c.open,
      high: c.high,
      low: c.low,
      close: c.close,
      volume: c.volume,
    })),
  ];
  return seriesFromCandles(symbol, candles);
}

/** Each symbol's candles for the window; a symbol with no candle where it trades is an error naming it. */
export async function backtestCandles(
  sources: BacktestCandleSources,
  symbols: readonly string[],
  window: BacktestWindow,
  nowMs: number,
): Promise<BacktestCandles[]> {
  const found: BacktestCandles[] = [];
  for (const symbol of symbols) {
    const whole = sources.source.candles(symbol, window.timeframe);
    const series =
      whole === null ? await fromStoredCandles(sources, symbol, window, nowMs) : fromSourceSeries(whole, window);
    const tradedFrom = window.fromMs === null ? 0 : firstAtOrAfter(series.time, window.fromMs);
    if (tradedFrom >= series.length) throw new BacktestDataError(`no candles of ${describeWindow(symbol, window)}`);
    const origin =
      whole === null
        ? `stored candles (database${sources.cold === null ? '' : ' and cold tier'})`
        : sources.source.description;
    found.push({ series, origin });
  }
  return found;
}
