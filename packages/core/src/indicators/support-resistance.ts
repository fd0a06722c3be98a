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
 * Cost per candle: O(strength) to test the candidate, O(maxLevels) to find the nearest levels; no allocation.
 * Lookback = 2·strength (the first candle at which a swing can be confirmed); support/resistance stay NaN while
 * no level qualifies. Warmup = maxAgeCandles + strength: older swings have expired by then.
 */
import { checkPeriod } from './indicator-options-error.ts';
import type { StreamingIndicator } from './streaming-indicator.ts';

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
  supportDistancePercent = Number.NaN;
  resistanceDistancePercent = Number.NaN;

  /** The last 2·strength + 1 highs and lows; the candidate swing candle is the middle one. */
  private readonly recentHighs: Float64Array;
  private readonly recentLows: Float64Array;
  private recentSlot = 0;
  private readonly levelPrices: Float64Array;
  private readonly levelCandles: Float64Array;
  private levelSlot = 0;
  private levelCount = 0;
  private candleIndex = 0;

  constructor(options: SupportResistanceOptions = {}) {
    this.strength = checkPeriod('SupportResistance', 'strength', options.strength ?? 5, 1);
    this.maxLevels = checkPeriod('SupportResistance', 'maxLevels', options.maxLevels ?? 16, 1);
    this.maxAgeCandles = checkPeriod('SupportResistance', 'maxAgeCandles', options.maxAgeCandles ?? 500, 1);
    const span = 2 * this.strength + 1;
    this.recentHighs = new Float64Array(span);
    this.recentLows = new Float64Array(span);
    this.levelPrices = new Float64Array(this.maxLevels);
    this.levelCandles = new Float64Array(this.maxLevels);
    this.lookback = 2 * this.strength;
    this.warmup = this.maxAgeCandles + this.strength;
  }

  update(high: number, low: number, close: number): number {
    const span = this.recentHighs.length;
    this.recentHighs[this.recentSlot] = high;
    this.recentLows[this.recentSlot] = low;
    this.recentSlot = this.recentSlot + 1 === span ? 0 : this.recentSlot + 1;
    const candleIndex = this.candleIndex++;
    if (candleIndex >= this.lookback) {
      // After the write, recentSlot is the oldest candle; the candidate sits `strength` slots later.
      let candidate = this.recentSlot + this.strength;
      if (candidate >= span) candidate -= span;
      const candidateCandle = candleIndex - this.strength;
      if (this.isSwing(this.recentHighs, candidate, 1)) {
        this.addLevel(this.recentHighs[candidate] as number, candidateCandle);
      }
      if (this.isSwing(this.recentLows, candidate, -1)) {
        this.addLevel(this.recentLows[candidate] as number, candidateCandle);
      }
    }
    this.findNearestLevels(close, candleIndex);
    return this.value;
  }

  reset(): void {
    this.recentSlot = 0;
    this.levelSlot = 0;
    this.levelCount = 0;
    this.candleIndex = 0;
    this.value = this.support = this.resistance = Number.NaN;
    this.supportDistancePercent = this.resistanceDistancePercent = Number.NaN;
  }

  /**
   * Whether the candidate dominates the ring: above (sign 1; below for sign −1) every older value, and not
   * below (above) any newer one. Signs make one routine serve highs and lows; multiplying by ±1 is exact.
   */
  private isSwing(values: Float64Array, candidate: number, sign: 1 | -1): boolean {
    const span = values.length;
    const level = sign * (values[candidate] as number);
    let slot = this.recentSlot;
    for (let offset = 0; offset < span; offset++) {
      if (slot !== candidate) {
        const other = sign * (values[slot] as number);
        const isOlder = offset < this.strength;
        if (isOlder ? other >= level : other > level) return false;
      }
      slot = slot + 1 === span ? 0 : slot + 1;
    }
    return true;
  }

  private addLevel(price: number, swingCandle: number): void {
    this.levelPrices[this.levelSlot] = price;
    this.levelCandles[this.levelSlot] = swingCandle;
    this.levelSlot = this.levelSlot + 1 === this.maxLevels ? 0 : this.levelSlot + 1;
    if (this.levelCount < this.maxLevels) this.levelCount++;
  }

  private findNearestLevels(close: number, candleIndex: number): void {
    let support = Number.NEGATIVE_INFINITY;
    let resistance = Number.POSITIVE_INFINITY;
    const oldestSwingCandle = candleIndex - this.maxAgeCandles;
    for (let level = 0; level < this.levelCount; level++) {
      if ((this.levelCandles[level] as number) < oldestSwingCandle) continue;
      const price = this.levelPrices[level] as number;
      if (price < close && price > support) support = price;
      else if (price > close && price < resistance) resistance = price;
    }
    this.support = support === Number.NEGATIVE_INFINITY ? Number.NaN : support;
    this.resistance = resistance === Number.POSITIVE_INFINITY ? Number.NaN : resistance;
    this.supportDistancePercent = (close / this.support - 1) * PERCENT;
    this.resistanceDistancePercent = (this.resistance / close - 1) * PERCENT;
    this.value = this.support;
  }
}
