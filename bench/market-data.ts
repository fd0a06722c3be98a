/** The candles benchmarks run on: the real hourly Binance files when present, else the synthetic market (said so). */

import { loadCandlesCsv } from '../packages/core/src/market/csv.ts';
import { syntheticMarket } from '../packages/core/src/market/synthetic.ts';
import type { CandleSeries } from '../packages/core/src/market/types.ts';
import { dataFile, hasSharedData } from '../packages/core/test/shared-data.ts';

export const HOURLY_FILES = ['BTC', 'ETH', 'SOL', 'BNB', 'XRP', 'ADA', 'LTC'].map((coin) => `${coin}-USDT_1h.csv`);

export function hourlyMarkets(): { series: CandleSeries[]; source: string } {
  if (hasSharedData()) {
    return {
      series: HOURLY_FILES.map((name) => loadCandlesCsv(dataFile(name))),
      source: 'real Binance 1h candles, 7 coins',
    };
  }
  const series = HOURLY_FILES.map((name, seed) =>
    syntheticMarket({ candles: 70_000, seed: seed + 1, symbol: name.replace('_1h.csv', '') }),
  );
  return { series, source: 'SYNTHETIC candles (no shared data folder)' };
}
