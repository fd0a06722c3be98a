/**
 * A backtest's result as programs read it: `keel backtest --json` prints it, and the worker stores it as the result
 * of a backtest submitted through the API (the dashboard's backtests page reads it back). Times are ms UTC; a
 * metric that is undefined for the run (NaN, e.g. the Sharpe ratio of a flat curve) becomes null in JSON.
 */
import type { RiskEvent } from '../risk/types.ts';
import type { BacktestResult } from './engine.ts';
import type { ClosedTrade, Metrics } from './metrics.ts';

export interface BacktestDocument {
  trades: ClosedTrade[];
  metrics: Metrics;
  /** [time, equity] per candle, or every `equityEvery`-th candle (and the last) when the curve was thinned. */
  equity: [number, number][];
  riskEvents: RiskEvent[];
  /** Present when the curve was thinned to at most `maxEquityPoints`: the stride, in candles. */
  equityEvery?: number;
}

/**
 * The document of `result`. `maxEquityPoints` bounds the equity curve (a stored result of a million 1-minute
 * candles must not be a million points); the metrics are always those of the full curve.
 */
export function backtestDocument(result: BacktestResult, maxEquityPoints = Number.POSITIVE_INFINITY): BacktestDocument {
  const { time, equity } = result.equity;
  const every = Math.max(1, Math.ceil(time.length / maxEquityPoints));
  const points: [number, number][] = [];
  for (let i = 0; i < time.length; i += every) points.push([time[i] as number, equity[i] as number]);
  const last = time.length - 1;
  if (last >= 0 && last % every !== 0) points.push([time[last] as number, equity[last] as number]);
  return {
    trades: result.trades,
    metrics: result.metrics,
    equity: points,
    riskEvents: result.riskEvents,
    ...(every > 1 ? { equityEvery: every } : {}),
  };
}
