/**
 * Feature engine throughput on real data, candles per second on one core:
 * - the full backtest (pipeline, sizing, paper broker, ledger) with FeatureEngine as the feature source, all
 *   hourly markets in one interleaved run: target ≥ 1 M candles/s;
 * - the feature engine alone over the same candles, which shows what the features cost;
 * - baseline in the same run: the same backtest without features.
 */
import { runBacktest } from '../packages/core/src/backtest/engine.ts';
import { FeatureEngine } from '../packages/core/src/features/feature-engine.ts';
import type { CandleSeries } from '../packages/core/src/market/types.ts';
import { smaCross } from '../packages/core/src/strategy/sma-cross.ts';
import { hourlyMarkets } from './market-data.ts';
import { bestSeconds, formatRate, printTable, verdict } from './table.ts';

const REPEATS = 3;
const PIPELINE_WITH_FEATURES_TARGET = 1e6;

function featuresAlone(series: readonly CandleSeries[]): void {
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
  const withFeatures = bestSeconds(REPEATS, () => {
    runBacktest(series, strategy, { features: new FeatureEngine({ symbols }) });
  });
  const alone = bestSeconds(REPEATS, () => featuresAlone(series));
  const without = bestSeconds(REPEATS, () => {
    runBacktest(series, strategy);
  });
  const rate = (seconds: number) => candles / seconds;
  printTable(
    `Feature engine throughput — ${source}, ${candles.toLocaleString('en-US')} candles, best of ${REPEATS}`,
    ['run', 'candles/s', 'vs no features', 'target ≥ 1 M/s'],
    [
      [
        'backtest with FeatureEngine (all markets interleaved)',
        formatRate(rate(withFeatures)),
        `${(without / withFeatures).toFixed(2)}×`,
        verdict(rate(withFeatures) >= PIPELINE_WITH_FEATURES_TARGET),
      ],
      ['FeatureEngine alone', formatRate(rate(alone)), `${(without / alone).toFixed(2)}×`, ''],
      ['backtest without features (baseline)', formatRate(rate(without)), '1.00×', ''],
    ],
  );
}
