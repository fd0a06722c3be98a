/**
 * Backtest throughput on real data, candles per second on one core, by wall clock and by CPU time (the process's
 * user + system time, which a loaded machine inflates less than the wall clock):
 * - sma-cross through the full engine (pipeline, sizing, paper broker, exact ledger, equity curve, metrics):
 *   target ≥ 5 M candles/s;
 * - baselines in the same run: the same engine with its books in Decimals only (unitsFastPath: false, the order
 *   path before the units fast path), and the bare sma-cross signal loop over typed arrays (running sums, no
 *   engine), which shows what the engine's generality costs.
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

interface Timing {
  wallSeconds: number;
  cpuSeconds: number;
}

/** Best wall and best CPU time of `repeats` interleaved runs of each body (after one warm-up run of each). */
function bestTimings(repeats: number, bodies: readonly (() => void)[]): Timing[] {
  for (const body of bodies) body();
  const best = bodies.map(() => ({ wallSeconds: Number.POSITIVE_INFINITY, cpuSeconds: Number.POSITIVE_INFINITY }));
  for (let r = 0; r < repeats; r++) {
    bodies.forEach((body, i) => {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      body();
      const wallSeconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const timing = best[i] as Timing;
      timing.wallSeconds = Math.min(timing.wallSeconds, wallSeconds);
      timing.cpuSeconds = Math.min(timing.cpuSeconds, (cpu.user + cpu.system) / 1e6);
    });
  }
  return best;
}

export function benchBacktest(): void {
  const { series, source } = hourlyMarkets();
  const candles = series.reduce((n, s) => n + s.length, 0);
  const trades = [0, 0];
  const engine = (unitsFastPath: boolean, slot: number) => () => {
    trades[slot] = 0;
    for (const s of series) {
      trades[slot] += runBacktest([s], smaCross({ fast: 10, slow: 30 }), { unitsFastPath }).trades.length;
    }
  };
  const [units, decimals] = bestTimings(REPEATS * 2, [engine(true, 0), engine(false, 1)]) as [Timing, Timing];
  let crossings = 0;
  const bareSeconds = bestSeconds(REPEATS, () => {
    crossings = 0;
    for (const s of series) crossings += bareSignalLoop(s);
  });
  const bareRate = candles / bareSeconds;
  const row = (name: string, timing: Timing, tradeCount: number, withVerdict: boolean) => {
    const wallRate = candles / timing.wallSeconds;
    const cpuRate = candles / timing.cpuSeconds;
    return [
      name,
      formatRate(wallRate),
      formatRate(cpuRate),
      `${(decimals.wallSeconds / timing.wallSeconds).toFixed(2)}× / ${(decimals.cpuSeconds / timing.cpuSeconds).toFixed(2)}×`,
      `${(wallRate / bareRate).toFixed(2)}×`,
      String(tradeCount),
      withVerdict ? verdict(wallRate >= SMA_CROSS_TARGET || cpuRate >= SMA_CROSS_TARGET) : '',
    ];
  };
  printTable(
    `Backtest throughput, sma-cross(10,30) — ${source}, ${candles.toLocaleString('en-US')} candles, best of ${REPEATS * 2}`,
    ['run', 'wall', 'CPU time', 'vs Decimal books (wall / CPU)', 'vs bare loop', 'trades', 'target ≥ 5 M/s'],
    [
      row('keel engine (pipeline + broker + ledger in units)', units, trades[0] as number, true),
      row('keel engine, Decimal books only (baseline)', decimals, trades[1] as number, false),
      ['bare signal loop (baseline)', formatRate(bareRate), '', '', '1.00×', `${crossings} crossings`, ''],
    ],
  );
}
