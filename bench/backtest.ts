/**
 * Backtest throughput on real data, candles per second on one core:
 * - sma-cross through the full engine (pipeline, sizing, paper broker, exact ledger, equity curve, metrics):
 *   target ≥ 5 M candles/s;
 * - baseline in the same run: the bare sma-cross signal loop over typed arrays (running sums, no engine), which
 *   shows what the engine's generality costs.
 */
import { runBacktest } from '../packages/core/src/backtest/engine.ts';
import type { CandleSeries } from '../packages/core/src/market/types.ts';
import { smaCross } from '../packages/core/src/strategy/sma-cross.ts';
import { hourlyMarkets } from './market-data.ts';
import { bestSeconds, formatRate, printTable, verdict } from './table.ts';

const REPEATS = 5;
const SMA_CROSS_TARGET = 5e6;

/** The crossing signals of sma-cross(10, 30) with running sums: the least work that rule can take. */
function bareSignalLoop(series: CandleSeries): number {
  const close = series.close;
  let fastSum = 0;
  let slowSum = 0;
  let lastSign = 0;
  let crossings = 0;
  for (let i = 0; i < series.length; i++) {
    const price = close[i] as number;
    fastSum += price;
    slowSum += price;
    if (i >= 10) fastSum -= close[i - 10] as number;
    if (i >= 30) slowSum -= close[i - 30] as number;
    if (i < 29) continue;
    const difference = fastSum / 10 - slowSum / 30;
    const sign = difference > 0 ? 1 : difference < 0 ? -1 : 0;
    if (sign !== 0 && sign !== lastSign) {
      if (lastSign !== 0) crossings++;
      lastSign = sign;
    }
  }
  return crossings;
}

export function benchBacktest(): void {
  const { series, source } = hourlyMarkets();
  const candles = series.reduce((n, s) => n + s.length, 0);
  let trades = 0;
  const engineSeconds = bestSeconds(REPEATS, () => {
    trades = 0;
    for (const s of series) trades += runBacktest([s], smaCross({ fast: 10, slow: 30 })).trades.length;
  });
  let crossings = 0;
  const bareSeconds = bestSeconds(REPEATS, () => {
    crossings = 0;
    for (const s of series) crossings += bareSignalLoop(s);
  });
  const engineRate = candles / engineSeconds;
  const bareRate = candles / bareSeconds;
  printTable(
    `Backtest throughput, sma-cross(10,30) — ${source}, ${candles.toLocaleString('en-US')} candles, best of ${REPEATS}`,
    ['run', 'candles/s', 'vs bare loop', 'trades', 'target ≥ 5 M/s'],
    [
      [
        'keel engine (pipeline + broker + ledger)',
        formatRate(engineRate),
        `${(engineRate / bareRate).toFixed(2)}×`,
        String(trades),
        verdict(engineRate >= SMA_CROSS_TARGET),
      ],
      ['bare signal loop (baseline)', formatRate(bareRate), '1.00×', `${crossings} crossings`, ''],
    ],
  );
}
