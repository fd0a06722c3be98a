/**
 * The "overall" account of an evaluation: an equal-weight portfolio of the coins' out-of-sample equity curves,
 * rebalanced every candle. Its return over candle t is the mean of the returns over t of the coins that have a
 * point at t and one before it (coins listed later, e.g. SOL from 2020-08, join when their curve starts), so a coin
 * counts as much as any other whatever its account grew to.
 */
import type { EquityCurve } from '../backtest/metrics.ts';

export function equalWeightCurve(curves: readonly EquityCurve[], startEquity: number): EquityCurve {
  const times = Float64Array.from(new Set(curves.flatMap((curve) => Array.from(curve.time)))).sort();
  const equity = new Float64Array(times.length);
  const cursors = new Int32Array(curves.length);
  let value = startEquity;
  for (let t = 0; t < times.length; t++) {
    const time = times[t] as number;
    let returnSum = 0;
    let contributing = 0;
    curves.forEach((curve, c) => {
      const i = cursors[c] as number;
      if (i >= curve.time.length || curve.time[i] !== time) return;
      if (i > 0) {
        returnSum += (curve.equity[i] as number) / (curve.equity[i - 1] as number) - 1;
        contributing++;
      }
      cursors[c] = i + 1;
    });
    if (contributing > 0) value *= 1 + returnSum / contributing;
    equity[t] = value;
  }
  return { time: times, equity };
}
