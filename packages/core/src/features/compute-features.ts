/**
 * Runs the feature engine over whole series at once — research, model training, tests — feeding candles in
 * the same order as the backtester: time step by time step, and within a step in the order of `seriesList`.
 * So a symbol's rows here are exactly the vectors its strategy sees in a backtest of the same series.
 */
import type { CandleSeries } from '../market/types.ts';
import { FeatureEngine } from './feature-engine.ts';
import type { FeatureEngineOptions } from './feature-options.ts';

export interface FeatureMatrix {
  readonly symbol: string;
  /** Feature vectors row by row: candle i's vector is `values.subarray(i · width, (i + 1) · width)`. */
  readonly values: Float32Array;
  /** Features per row (FEATURE_NAMES.length). */
  readonly width: number;
  /** 1 where the row is past the warm-up (FeatureEngine.isReady), else 0. */
  readonly ready: Uint8Array;
}

export function computeFeatures(
  seriesList: readonly CandleSeries[],
  options: Omit<FeatureEngineOptions, 'symbols'> = {},
): { engine: FeatureEngine; matrices: FeatureMatrix[] } {
  const engine = new FeatureEngine({ ...options, symbols: seriesList.map((series) => series.symbol) });
  engine.replayHistory(seriesList);
  const width = engine.names.length;
  const matrices = seriesList.map((series) => ({
    symbol: series.symbol,
    values: new Float32Array(series.length * width),
    width,
    ready: new Uint8Array(series.length),
  }));
  const cursors = new Int32Array(seriesList.length);
  for (;;) {
    let time = Number.POSITIVE_INFINITY;
    seriesList.forEach((series, s) => {
      const i = cursors[s] as number;
      if (i < series.length && (series.time[i] as number) < time) time = series.time[i] as number;
    });
    if (time === Number.POSITIVE_INFINITY) break;
    seriesList.forEach((series, s) => {
      const i = cursors[s] as number;
      if (i >= series.length || series.time[i] !== time) return;
      const matrix = matrices[s] as FeatureMatrix;
      matrix.values.set(engine.update(s, series, i), i * width);
      matrix.ready[i] = engine.isReady(s) ? 1 : 0;
      cursors[s] = i + 1;
    });
  }
  return { engine, matrices };
}
