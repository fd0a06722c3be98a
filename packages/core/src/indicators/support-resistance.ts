/**
 * Support and resistance from confirmed swing points, without look-ahead.
 *
 * Definitions:
 * - A swing high is a candle whose high is above the highs of the `strength` candles before it and not
 *   below the highs of the `strength` candles after it (so of equal highs the first counts); a swing low
 *   mirrors it with lows. A swing point is therefore confirmed only `strength` candles after it happens,
 *   and it enters the levels at that moment, never earlier.
 * - The levels are the prices of the last `maxLevels` confirmed swing points (highs and lows together,
 *   a small ring), each dropped once its swing candle is more than `maxAgeCandles` old.
 * - Nearest support: the highest level below the close; nearest resistance: the lowest level above it.
 *   A broken resistance counts as support and vice versa (role reversal), as traders read them.
 * - Distances: supportDistancePercent = (close / support − 1) · 100 ≥ 0 and
 *   resistanceDistancePercent = (resistance / close − 1) · 100 ≥ 0.
 * Cost per candle: O(strength) to test the candidate, a short scan of the levels sorted by price to find the
 * nearest ones (see SwingLevels); no allocation.
 * Lookback = 2·strength (the first candle at which a swing can be confirmed); support/resistance stay NaN while
 * no level qualifies. Warmup = maxAgeCandles + strength: older swings have expired by then.
 */
import { checkPeriod } from './indicator-options-error.ts';
import type { StreamingIndicator } from './streaming-indicator.ts';
import { SwingLevels } from './swing-levels.ts';

export interface SupportResistanceOptions {
  /** Candles on each side a swing point must dominate; default 5. */
  strength?: number;
  /** Number of most recent swing levels kept; default 16. */
  maxLevels?: number;
  /** Age in candles after which a swing level is dropped; default 500. */
  maxAgeCandles?: number;
}

const PERCENT = 100;

export class SupportResistance implements StreamingIndicator {
  readonly strength: number;
  readonly maxLevels: number;
  readonly maxAgeCandles: number;
  readonly lookback: number;
  readonly warmup: number;
  /** The main output: the nearest support. */
  value = Number.NaN;
  support = Number.NaN;
  resistance = Number.NaN;

  /** The last 2·strength + 1 highs and lows; the candidate swing candle is the middle one. */
  private readonly recentHighs: Float64Array;
  private readonly recentLows: Float64Array;
  private recentSlot = 0;
  private readonly levels: SwingLevels;
  private candleIndex = 0;
  /** The latest close, which the distances are computed from when read. */
  private close = Number.NaN;

  constructor(options: SupportResistanceOptions = {}) {
    this.strength = checkPeriod('SupportResistance', 'strength', options.strength ?? 5, 1);
    this.maxLevels = checkPeriod('SupportResistance', 'maxLevels', options.maxLevels ?? 16, 1);
    this.maxAgeCandles = checkPeriod('SupportResistance', 'maxAgeCandles', options.maxAgeCandles ?? 500, 1);
    const span = 2 * this.strength + 1;
    this.recentHighs = new Float64Array(span);
    this.recentLows = new Float64Array(span);
    this.levels = new SwingLevels(this.maxLevels, this.maxAgeCandles);
    this.lookback = 2 * this.strength;
    this.warmup = this.maxAgeCandles + this.strength;
  }

  update(high: number, low: number, close: number): number {
    this.recentHighs[this.recentSlot] = high;
    this.recentLows[this.recentSlot] = low;
    this.close = close;
    this.feedCandle();
    return this.value;
  }

  /** (close / support − 1) · 100 ≥ 0; NaN while there is no support. */
  get supportDistancePercent(): number {
    return (this.close / this.support - 1) * PERCENT;
  }

  /** (resistance / close − 1) · 100 ≥ 0; NaN while there is no resistance. */
  get resistanceDistancePercent(): number {
    return (this.resistance / this.close - 1) * PERCENT;
  }

  /**
   * The body of `update`, which takes its candle from the rings and `close`: V8 boxes (allocates) the number
   * arguments of every call it does not inline, and this body is too large to be inlined.
   */
  private feedCandle(): void {
    const span = this.recentHighs.length;
    this.recentSlot = this.recentSlot + 1 === span ? 0 : this.recentSlot + 1;
    const candleIndex = this.candleIndex++;
    const levels = this.levels;
    if (candleIndex >= this.lookback) {
      // After the write, recentSlot is the oldest candle; the candidate sits `strength` slots later.
      let candidate = this.recentSlot + this.strength;
      if (candidate >= span) candidate -= span;
      const candidateCandle = candleIndex - this.strength;
      if (this.isSwing(this.recentHighs, candidate, 1)) {
        levels.add(this.recentHighs[candidate] as number, candidateCandle);
      }
      if (this.isSwing(this.recentLows, candidate, -1)) {
        levels.add(this.recentLows[candidate] as number, candidateCandle);
      }
    }
    levels.expire(candleIndex);
    levels.findNearest(this.close);
    this.support = levels.below;
    this.resistance = levels.above;
    this.value = levels.below;
  }

  reset(): void {
    this.recentSlot = 0;
    this.levels.reset();
    this.candleIndex = 0;
    this.close = this.value = this.support = this.resistance = Number.NaN;
  }

  /**
   * Whether the candidate dominates the ring: above (sign 1; below for sign −1) every older value, and not
   * below (above) any newer one. Signs make one routine serve highs and lows; multiplying by ±1 is exact.
   * The nearest neighbours are compared first: they are the likeliest to beat the candidate, which ends the test.
   */
  private isSwing(values: Float64Array, candidate: number, sign: 1 | -1): boolean {
    const span = values.length;
    const level = sign * (values[candidate] as number);
    for (let distance = 1; distance <= this.strength; distance++) {
      const newer = candidate + distance < span ? candidate + distance : candidate + distance - span;
      const older = candidate - distance >= 0 ? candidate - distance : candidate - distance + span;
      if (sign * (values[newer] as number) > level || sign * (values[older] as number) >= level) return false;
    }
    return true;
  }
}
