/**
 * From candle series to what training reads: each market's feature rows computed once (computeFeatures, the same
 * vectors the backtester's strategies see), then split in time — the early part for training, the last
 * `validationFraction` held out for validation. Decisions start after the feature warm-up; the validation window
 * reuses the features warmed on the training candles before it (features only look back, never ahead).
 */
import { computeFeatures } from '../features/compute-features.ts';
import type { CandleSeries } from '../market/types.ts';
import type { MarketRange } from './market-range.ts';
import type { MarketWindow } from './trading-environment.ts';

export interface TrainingSplit {
  train: MarketRange[];
  validation: MarketRange[];
  warmupCandles: number;
}

export class TrainingDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingDataError';
  }
}

/** Fewest candles a validation window may have: a Sharpe from fewer says nothing. */
export const MIN_VALIDATION_CANDLES = 50;

export function marketWindows(seriesList: readonly CandleSeries[]): { windows: MarketWindow[]; warmupCandles: number } {
  const { engine, matrices } = computeFeatures(seriesList);
  const windows = seriesList.map((series, s) => ({
    symbol: series.symbol,
    time: series.time,
    open: series.open,
    close: series.close,
    features: matrices[s]?.values as Float32Array,
    width: engine.names.length,
  }));
  return { windows, warmupCandles: engine.warmupCandles };
}

export function splitForValidation(seriesList: readonly CandleSeries[], validationFraction: number): TrainingSplit {
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new TrainingDataError(`validation fraction must be between 0 and 1 (exclusive), got ${validationFraction}`);
  }
  const { windows, warmupCandles } = marketWindows(seriesList);
  const train: MarketRange[] = [];
  const validation: MarketRange[] = [];
  windows.forEach((market) => {
    const length = market.time.length;
    const split = Math.floor(length * (1 - validationFraction));
    const validationCandles = length - split;
    if (split - warmupCandles < MIN_VALIDATION_CANDLES || validationCandles < MIN_VALIDATION_CANDLES) {
      throw new TrainingDataError(
        `${market.symbol}: ${length} candles are too few — need ${warmupCandles} for the feature warm-up plus at least ` +
          `${MIN_VALIDATION_CANDLES} to train on and ${MIN_VALIDATION_CANDLES} to validate on (validation fraction ${validationFraction})`,
      );
    }
    train.push({ market, start: warmupCandles, end: split });
    validation.push({ market, start: split, end: length });
  });
  return { train, validation, warmupCandles };
}
