/** Real candles from CSV files named `<SYMBOL>_<timeframe>.csv` (BTC-USDT_1h.csv), loaded once per market. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCandlesCsv } from '@keel/core/market/csv.ts';
import type { CandleSeries } from '@keel/core/market/types.ts';
import type { CandleSource } from './candle-source.ts';

export function csvCandleSource(dataDir: string): CandleSource {
  const loaded = new Map<string, CandleSeries | null>();
  return {
    description: `CSV replay of real candles from ${dataDir}`,
    candles(symbol, timeframe) {
      const fileName = `${symbol.replace('/', '-')}_${timeframe}.csv`;
      if (!loaded.has(fileName)) {
        const path = join(dataDir, fileName);
        loaded.set(fileName, existsSync(path) ? loadCandlesCsv(path, { symbol }) : null);
      }
      return loaded.get(fileName) ?? null;
    },
  };
}
