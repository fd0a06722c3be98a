/** Real Binance BTC-USDT hours from the shared data (2018: far older than the warm tier's 30 days). */
import { readFileSync } from 'node:fs';
import { parseCandlesCsv } from '@keel/core/market/csv.ts';
import { type Candle, candleAt } from '@keel/core/market/types.ts';
import { dataFile, hasSharedData } from '../../../core/test/shared-data.ts';

export { hasSharedData };

export function realHours(count: number): Candle[] {
  const text = readFileSync(dataFile('BTC-USDT_1h.csv'), 'utf8')
    .split('\n')
    .slice(0, count + 1)
    .join('\n');
  const series = parseCandlesCsv(text, 'BTC-USDT_1h.csv');
  return Array.from({ length: series.length }, (_, i) => candleAt(series, i));
}
