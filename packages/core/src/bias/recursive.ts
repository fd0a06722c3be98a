/**
 * Recursive-formula check, after freqtrade's recursive-analysis: every indicator and feature, computed from
 * different amounts of history, must agree once its declared warm-up has passed. An EMA seeded at a different
 * start converges; one whose declared warm-up is too short, or a cumulative value (OBV) that never forgets its
 * start, shows up here with the first index where the values still differ.
 */
import { computeFeatures, type FeatureMatrix } from '../features/compute-features.ts';
import { FeatureEngine } from '../features/feature-engine.ts';
import { FEATURE_NAMES } from '../features/feature-names.ts';
import { INDICATOR_NAMES, StreamingIndicatorSet } from '../indicators/indicator-set.ts';
import { type CandleSeries, sliceSeries } from '../market/types.ts';

export interface RecursiveOptions {
  /** History lengths to start from, as candle offsets into the series; default 4 offsets spread over the first half. */
  startOffsets?: number[];
  /** Largest accepted relative difference (to the value's scale); default 1e-6. */
  tolerance?: number;
}

export interface RecursiveRow {
  name: string;
  warmup: number;
  comparedValues: number;
  maxRelativeDifference: number;
  /** Null when it agreed everywhere after its warm-up. */
  firstDisagreement: { startOffset: number; index: number; full: number; fromOffset: number } | null;
  /** Why a value is not compared (cumulative indicators have no finite warm-up). */
  skipped?: string;
}

const DEFAULT_TOLERANCE = 1e-6;
const DEFAULT_OFFSET_COUNT = 4;

/** Values of each output over a series: output `o` at candle `i` is `values[o][i]`. */
export type OutputMatrix = Float64Array[];

export function indicatorOutputs(series: CandleSeries): OutputMatrix {
  const set = new StreamingIndicatorSet();
  const outputs = INDICATOR_NAMES.map(() => new Float64Array(series.length));
  for (let i = 0; i < series.length; i++) {
    const values = set.updateAt(series, i);
    for (let o = 0; o < outputs.length; o++) (outputs[o] as Float64Array)[i] = values[o] as number;
  }
  return outputs;
}

export function defaultStartOffsets(length: number): number[] {
  return Array.from({ length: DEFAULT_OFFSET_COUNT }, (_, k) =>
    Math.floor(((k + 1) * length) / (2 * (DEFAULT_OFFSET_COUNT + 1))),
  );
}

/**
 * Compares `compute` on the full series with `compute` on suffixes starting at each offset, for every output
 * after that output's warm-up.
 */
export function compareHistories(
  series: CandleSeries,
  names: readonly string[],
  warmups: readonly number[],
  compute: (series: CandleSeries) => OutputMatrix,
  options: RecursiveOptions = {},
): RecursiveRow[] {
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const offsets = options.startOffsets ?? defaultStartOffsets(series.length);
  const full = compute(series);
  const rows: RecursiveRow[] = names.map((name, o) => ({
    name,
    warmup: warmups[o] as number,
    comparedValues: 0,
    maxRelativeDifference: 0,
    firstDisagreement: null,
    ...(Number.isFinite(warmups[o]) ? {} : { skipped: 'cumulative: depends on all history by definition' }),
  }));
  for (const offset of offsets) {
    const partial = compute(sliceSeries(series, offset, series.length));
    rows.forEach((row, o) => {
      if (row.skipped) return;
      const fullValues = full[o] as Float64Array;
      const partialValues = partial[o] as Float64Array;
      const scale = valueScale(fullValues);
      for (let i = row.warmup; i < partialValues.length; i++) {
        const a = fullValues[offset + i] as number;
        const b = partialValues[i] as number;
        if (Number.isNaN(a) && Number.isNaN(b)) continue;
        const difference = Math.abs(a - b) / Math.max(scale, Math.abs(a));
        row.comparedValues++;
        if (!(difference <= tolerance)) {
          if (row.firstDisagreement === null) {
            row.firstDisagreement = { startOffset: offset, index: offset + i, full: a, fromOffset: b };
          }
          row.maxRelativeDifference = Number.isNaN(difference)
            ? Number.POSITIVE_INFINITY
            : Math.max(row.maxRelativeDifference, difference);
        } else row.maxRelativeDifference = Math.max(row.maxRelativeDifference, difference);
      }
    });
  }
  return rows;
}

/** Typical magnitude of an output (mean absolute value), so near-zero crossings do not inflate relative errors. */
function valueScale(values: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (Number.isFinite(value)) {
      sum += Math.abs(value);
      count++;
    }
  }
  return count > 0 && sum > 0 ? sum / count : 1;
}

export function checkIndicatorsRecursive(series: CandleSeries, options: RecursiveOptions = {}): RecursiveRow[] {
  const set = new StreamingIndicatorSet();
  const warmups = INDICATOR_NAMES.map((name) => set.warmups[name]);
  return compareHistories(series, INDICATOR_NAMES, warmups, indicatorOutputs, options);
}

/** Feature columns of one symbol, as OutputMatrix (single-symbol run: no reference symbol unless it is BTC itself). */
export function featureOutputs(series: CandleSeries): OutputMatrix {
  const { matrices } = computeFeatures([series]);
  const matrix = matrices[0] as FeatureMatrix;
  return FEATURE_NAMES.map((_, f) => {
    const column = new Float64Array(series.length);
    for (let i = 0; i < series.length; i++) column[i] = matrix.values[i * matrix.width + f] as number;
    return column;
  });
}

export function checkFeaturesRecursive(series: CandleSeries, options: RecursiveOptions = {}): RecursiveRow[] {
  const engine = new FeatureEngine({ symbols: [series.symbol] });
  const warmups = FEATURE_NAMES.map((name) => engine.featureWarmups[name]);
  return compareHistories(series, FEATURE_NAMES, warmups, featureOutputs, options);
}
