/**
 * Feature engine throughput on real data, candles per second on one core, by wall clock and by process CPU time
 * (the machine is shared: CPU time is the steadier of the two):
 * - the full backtest (pipeline, sizing, paper broker, ledger) with FeatureEngine as the feature source, all
 *   hourly markets in one interleaved run: target ≥ 1 M candles/s;
 * - the feature engine alone over the same candles, interleaved by time as the backtester feeds them (so the BTC
 *   correlation pairs) and, as the backtester does, told that the series are final history (replayHistory: each
 *   symbol's candle-derived features computed a block of candles at a time); and one market at a time, candle by
 *   candle, as the live worker feeds it: what the features cost;
 * - baseline in the same run: the same backtest without features.
 */
import { runBacktest } from '../packages/core/src/backtest/engine.ts';
import { TimeSteps } from '../packages/core/src/backtest/time-steps.ts';
import { FeatureEngine } from '../packages/core/src/features/feature-engine.ts';
import type { CandleSeries } from '../packages/core/src/market/types.ts';
import { smaCross } from '../packages/core/src/strategy/sma-cross.ts';
import { hourlyMarkets } from './market-data.ts';
import { formatRate, printTable, verdict } from './table.ts';

const REPEATS = 5;
const PIPELINE_WITH_FEATURES_TARGET = 1e6;
const MICROSECONDS_PER_SECOND = 1e6;

interface Timing {
  wallSeconds: number;
  cpuSeconds: number;
}

/** Best wall-clock and best CPU time of `repeats` runs of `body`, after one warm-up run. */
function bestTiming(repeats: number, body: () => void): Timing {
  body();
  const best = { wallSeconds: Number.POSITIVE_INFINITY, cpuSeconds: Number.POSITIVE_INFINITY };
  for (let r = 0; r < repeats; r++) {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    body();
    const wallSeconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    best.wallSeconds = Math.min(best.wallSeconds, wallSeconds);
    best.cpuSeconds = Math.min(best.cpuSeconds, (cpu.user + cpu.system) / MICROSECONDS_PER_SECOND);
  }
  return best;
}

/** Every candle of every market through one engine, in the backtester's order (time step by time step). */
function featuresInterleaved(series: readonly CandleSeries[]): void {
  const engine = new FeatureEngine({ symbols: series.map((s) => s.symbol) });
  engine.replayHistory(series);
  const steps = new TimeSteps(series);
  while (steps.next()) {
    for (let k = 0; k < steps.dueCount; k++) {
      const s = steps.due[k] as number;
      engine.update(s, series[s] as CandleSeries, steps.cursor[s] as number);
    }
    steps.advance();
  }
}

function featuresOneMarketAtATime(series: readonly CandleSeries[]): void {
  for (const s of series) {
    const engine = new FeatureEngine({ symbols: [s.symbol] });
    for (let i = 0; i < s.length; i++) engine.update(0, s, i);
  }
}

export function benchFeatures(): void {
  const { series, source } = hourlyMarkets();
  const candles = series.reduce((n, s) => n + s.length, 0);
  const symbols = series.map((s) => s.symbol);
  const strategy = smaCross({ fast: 10, slow: 30 });
  const withFeatures = bestTiming(REPEATS, () => {
    runBacktest(series, strategy, { features: new FeatureEngine({ symbols }) });
  });
  const interleaved = bestTiming(REPEATS, () => featuresInterleaved(series));
  const oneAtATime = bestTiming(REPEATS, () => featuresOneMarketAtATime(series));
  const without = bestTiming(REPEATS, () => {
    runBacktest(series, strategy);
  });
  const row = (run: string, timing: Timing, target: string) => [
    run,
    formatRate(candles / timing.wallSeconds),
    formatRate(candles / timing.cpuSeconds),
    `${(without.cpuSeconds / timing.cpuSeconds).toFixed(2)}×`,
    target,
  ];
  printTable(
    `Feature engine throughput — ${source}, ${candles.toLocaleString('en-US')} candles, best of ${REPEATS}`,
    ['run', 'candles/s (wall)', 'candles/s (CPU)', 'vs no features (CPU)', 'target ≥ 1 M/s (CPU)'],
    [
      row(
        'backtest with FeatureEngine (all markets interleaved)',
        withFeatures,
        verdict(candles / withFeatures.cpuSeconds >= PIPELINE_WITH_FEATURES_TARGET),
      ),
      row('FeatureEngine alone, all markets interleaved (replayed history)', interleaved, ''),
      row('FeatureEngine alone, one market at a time, candle by candle', oneAtATime, ''),
      row('backtest without features (baseline)', without, ''),
    ],
  );
}
