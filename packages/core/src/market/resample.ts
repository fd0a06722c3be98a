/**
 * Candle resampler (1m → 5m → 1h → 1d …). A target candle covers [bucketStart, bucketStart + targetMs), aligned to
 * the Unix epoch like exchanges align UTC candles: open = first source open, high = max, low = min,
 * close = last close, volume = sum. Buckets with no source candle (exchange downtime) are absent, not invented.
 * The trailing bucket is dropped while it is still forming (its last source candle ends before the bucket does),
 * so a resampled series never shows a candle that later changes.
 */
import { allocateSeries, type CandleSeries, sliceSeries, TIMEFRAME_MS, type Timeframe } from './types.ts';

export class ResampleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResampleError';
  }
}

export interface ResampleOptions {
  /** The source's candle length; default: the smallest gap between consecutive candles. */
  sourceMs?: number;
  /** Keep a trailing bucket that is still forming; default false. */
  keepPartialLast?: boolean;
}

export function resample(series: CandleSeries, target: Timeframe, options: ResampleOptions = {}): CandleSeries {
  const targetMs = TIMEFRAME_MS[target];
  const sourceMs = options.sourceMs ?? smallestStepMs(series);
  if (sourceMs > targetMs || targetMs % sourceMs !== 0) {
    throw new ResampleError(
      `${series.symbol}: cannot resample ${sourceMs} ms candles to ${target}: the target must be a whole multiple`,
    );
  }
  const out = allocateSeries(series.symbol, countBuckets(series, targetMs));
  let n = -1;
  let bucketStart = Number.NaN;
  for (let i = 0; i < series.length; i++) {
    const time = series.time[i] as number;
    const start = time - (time % targetMs);
    if (start !== bucketStart) {
      n++;
      bucketStart = start;
      out.time[n] = start;
      out.open[n] = series.open[i] as number;
      out.high[n] = series.high[i] as number;
      out.low[n] = series.low[i] as number;
      out.volume[n] = 0;
    } else {
      if ((series.high[i] as number) > (out.high[n] as number)) out.high[n] = series.high[i] as number;
      if ((series.low[i] as number) < (out.low[n] as number)) out.low[n] = series.low[i] as number;
    }
    out.close[n] = series.close[i] as number;
    out.volume[n] = (out.volume[n] as number) + (series.volume[i] as number);
  }
  const buckets = n + 1;
  const lastSourceEnd = series.length > 0 ? (series.time[series.length - 1] as number) + sourceMs : 0;
  const stillForming = buckets > 0 && lastSourceEnd < bucketStart + targetMs;
  return stillForming && !options.keepPartialLast ? sliceSeries(out, 0, buckets - 1) : out;
}

/** The smallest time step between consecutive candles: the series' native timeframe despite gaps. */
export function smallestStepMs(series: CandleSeries): number {
  let smallest = Number.POSITIVE_INFINITY;
  for (let i = 1; i < series.length; i++) {
    const step = (series.time[i] as number) - (series.time[i - 1] as number);
    if (step < smallest) smallest = step;
  }
  if (!Number.isFinite(smallest)) {
    throw new ResampleError(`${series.symbol}: need at least two candles to infer the timeframe; pass sourceMs`);
  }
  return smallest;
}

function countBuckets(series: CandleSeries, targetMs: number): number {
  let count = 0;
  let bucketStart = Number.NaN;
  for (let i = 0; i < series.length; i++) {
    const time = series.time[i] as number;
    const start = time - (time % targetMs);
    if (start !== bucketStart) {
      count++;
      bucketStart = start;
    }
  }
  return count;
}
