/**
 * The synthetic market (core market/synthetic.ts) for installs without the data folder: seeded per symbol, so a
 * restart replays the same candles. Never presented as real data: its description says so in the logs.
 */
import { syntheticMarket } from '@keel/core/market/synthetic.ts';
import type { CandleSeries } from '@keel/core/market/types.ts';
import type { CandleSource } from './candle-source.ts';
import { timeframeMs } from './timeframe.ts';

/** Candles per synthetic market: enough for long warm-ups and many crossings. */
const SYNTHETIC_CANDLES = 5_000;
/** Fixed start so every run (and every restart) replays the same candles. */
const SYNTHETIC_START_MS = Date.UTC(2020, 0, 1);

function seedOf(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16777619);
  return hash >>> 0;
}

export function syntheticCandleSource(): CandleSource {
  const made = new Map<string, CandleSeries>();
  return {
    description: 'SYNTHETIC market (seeded random walk, not real data)',
    candles(symbol, timeframe) {
      const key = `${symbol}@${timeframe}`;
      let series = made.get(key);
      if (series === undefined) {
        series = syntheticMarket({
          symbol,
          candles: SYNTHETIC_CANDLES,
          candleMs: timeframeMs(timeframe),
          startMs: SYNTHETIC_START_MS,
          seed: seedOf(key),
        });
        made.set(key, series);
      }
      return series;
    },
  };
}
