/**
 * Rolling volume profile: how much volume traded at each price over the last `window` candles.
 *
 * Definitions:
 * - Bins are equal in log-price: bin k holds prices in [e^(k·s), e^((k+1)·s)) with s = ln(1 + binWidthRatio),
 *   so a bin is binWidthRatio (default 0.2%) wide at any price level, from BTC at 1e5 to altcoins at 1e-8.
 * - Each candle's volume is spread in equal shares over the bins its [low, high] range touches (OHLC does not
 *   say where inside the range it traded).
 * - Point of control (POC): the centre e^((k+½)·s) of the bin with the most volume (the lowest such bin on ties).
 * - Value area: starting from the POC bin, the neighbouring bin with more volume (above on ties) is added until
 *   the area holds `valueAreaShare` (default 70%, Steidlmayer's Market Profile convention) of the window's
 *   volume; value-area low/high are its lower and upper price edges.
 * - closeToPocPercent = (close / POC − 1) · 100; closeToPocAtr = (close − POC) / ATR(atrPeriod).
 *
 * Cost: O(bins a candle spans) to add and evict a candle, O(bins the window spans) to locate the POC and the
 * value area. Bin volumes live in a Float64Array ring indexed by bin number modulo its capacity, which grows
 * (the only allocation, rare) when the window spans more bins than it holds. A bin's volume is reset to exactly
 * 0 when its last candle leaves, so no rounding residue builds up.
 * Lookback = window − 1 (POC, value area); warmup = the larger of that and the ATR's warmup. Prices must be > 0.
 */
import { AverageTrueRange } from './atr.ts';
import { checkPeriod, IndicatorOptionsError } from './indicator-options-error.ts';
import { RollingExtreme } from './rolling-extreme.ts';
import type { StreamingIndicator } from './streaming-indicator.ts';

export interface VolumeProfileOptions {
  /** Candles in the rolling window; default 200. */
  window?: number;
  /** Width of one price bin as a fraction of price; default 0.002 (0.2%). */
  binWidthRatio?: number;
  /** Share of the window's volume inside the value area; default 0.7. */
  valueAreaShare?: number;
  /** Period of the ATR that scales closeToPocAtr; default 14. */
  atrPeriod?: number;
}

/** Bins the ring holds before its first growth: 1024 bins of 0.2% span a price ratio of 1.002^1024 ≈ 7.7. */
const INITIAL_BIN_CAPACITY = 1024;
/** Keeps bin numbers (|ln price| / ln(1 + ratio), at most ≈ 7e8 for prices down to 1e-300) within int32. */
const MINIMUM_BIN_WIDTH_RATIO = 1e-6;
const PERCENT = 100;
/** A bin's representative price is its centre in log-price. */
const BIN_CENTRE = 0.5;

export class VolumeProfile implements StreamingIndicator {
  readonly window: number;
  readonly binWidthRatio: number;
  readonly valueAreaShare: number;
  readonly lookback: number;
  readonly warmup: number;
  /** The main output: the point of control. NaN during warm-up and while the window has no volume. */
  value = Number.NaN;
  pointOfControl = Number.NaN;
  valueAreaHigh = Number.NaN;
  valueAreaLow = Number.NaN;
  closeToPocPercent = Number.NaN;
  closeToPocAtr = Number.NaN;
  /** Volume of the whole window. */
  totalVolume = Number.NaN;

  private readonly logBinWidth: number;
  private readonly averageTrueRange: AverageTrueRange;
  private readonly lowestBin: RollingExtreme;
  private readonly highestBin: RollingExtreme;
  /** Per candle of the window (a ring of `window` slots): its lowest and highest bin and its volume per bin. */
  private readonly candleLowBins: Float64Array;
  private readonly candleHighBins: Float64Array;
  private readonly candleShares: Float64Array;
  private candleSlot = 0;
  private seen = 0;
  /** Per bin (a ring indexed by bin & binMask): volume and number of candles contributing to it. */
  private binVolumes: Float64Array;
  private binCandleCounts: Float64Array;
  private binMask: number;

  constructor(options: VolumeProfileOptions = {}) {
    this.window = checkPeriod('VolumeProfile', 'window', options.window ?? 200, 1);
    this.binWidthRatio = options.binWidthRatio ?? 0.002;
    this.valueAreaShare = options.valueAreaShare ?? 0.7;
    if (!(this.binWidthRatio >= MINIMUM_BIN_WIDTH_RATIO)) {
      throw new IndicatorOptionsError(
        `VolumeProfile: binWidthRatio must be ≥ ${MINIMUM_BIN_WIDTH_RATIO}, got ${this.binWidthRatio}`,
      );
    }
    if (!(this.valueAreaShare > 0 && this.valueAreaShare <= 1)) {
      throw new IndicatorOptionsError(`VolumeProfile: valueAreaShare must be in (0, 1], got ${this.valueAreaShare}`);
    }
    this.logBinWidth = Math.log1p(this.binWidthRatio);
    this.averageTrueRange = new AverageTrueRange({ period: options.atrPeriod ?? 14 });
    this.lowestBin = new RollingExtreme(this.window, 'lowest');
    this.highestBin = new RollingExtreme(this.window, 'highest');
    this.candleLowBins = new Float64Array(this.window);
    this.candleHighBins = new Float64Array(this.window);
    this.candleShares = new Float64Array(this.window);
    this.binVolumes = new Float64Array(INITIAL_BIN_CAPACITY);
    this.binCandleCounts = new Float64Array(INITIAL_BIN_CAPACITY);
    this.binMask = INITIAL_BIN_CAPACITY - 1;
    this.lookback = this.window - 1;
    this.warmup = Math.max(this.lookback, this.averageTrueRange.warmup);
  }

  /** The bin holding `price` (> 0). */
  binOf(price: number): number {
    return Math.floor(Math.log(price) / this.logBinWidth);
  }

  update(high: number, low: number, close: number, volume: number): number {
    if (!(low > 0 && high >= low)) {
      throw new RangeError(`VolumeProfile: needs 0 < low ≤ high, got low ${low}, high ${high}`);
    }
    const atr = this.averageTrueRange.update(high, low, close);
    const lowBin = this.binOf(low);
    const highBin = this.binOf(high);
    const windowLowestBin = this.lowestBin.update(lowBin);
    const windowHighestBin = this.highestBin.update(highBin);
    const slot = this.candleSlot;
    if (windowHighestBin - windowLowestBin > this.binMask) {
      this.storeCandle(slot, lowBin, highBin, volume);
      this.growBins(windowHighestBin - windowLowestBin + 1);
    } else {
      if (this.seen >= this.window) this.spreadCandle(slot, -1);
      this.storeCandle(slot, lowBin, highBin, volume);
      this.spreadCandle(slot, 1);
    }
    this.candleSlot = slot + 1 === this.window ? 0 : slot + 1;
    if (this.seen < this.lookback) {
      this.seen++;
      return this.value;
    }
    this.seen = this.window;
    this.locatePointOfControl(windowLowestBin, windowHighestBin);
    this.closeToPocPercent = (close / this.pointOfControl - 1) * PERCENT;
    this.closeToPocAtr = (close - this.pointOfControl) / atr;
    return this.value;
  }

  reset(): void {
    this.averageTrueRange.reset();
    this.lowestBin.reset();
    this.highestBin.reset();
    this.binVolumes.fill(0);
    this.binCandleCounts.fill(0);
    this.candleSlot = 0;
    this.seen = 0;
    this.value = this.pointOfControl = this.valueAreaHigh = this.valueAreaLow = Number.NaN;
    this.closeToPocPercent = this.closeToPocAtr = this.totalVolume = Number.NaN;
  }

  private storeCandle(slot: number, lowBin: number, highBin: number, volume: number): void {
    this.candleLowBins[slot] = lowBin;
    this.candleHighBins[slot] = highBin;
    this.candleShares[slot] = volume / (highBin - lowBin + 1);
  }

  /** Adds (direction 1) or removes (direction −1) the candle in `slot` from its bins. */
  private spreadCandle(slot: number, direction: 1 | -1): void {
    const share = this.candleShares[slot] as number;
    const highBin = this.candleHighBins[slot] as number;
    const mask = this.binMask;
    const volumes = this.binVolumes;
    const counts = this.binCandleCounts;
    for (let bin = this.candleLowBins[slot] as number; bin <= highBin; bin++) {
      const at = bin & mask;
      const count = (counts[at] as number) + direction;
      counts[at] = count;
      volumes[at] = count === 0 ? 0 : (volumes[at] as number) + direction * share;
    }
  }

  private growBins(binsNeeded: number): void {
    let capacity = this.binMask + 1;
    while (capacity < binsNeeded) capacity *= 2;
    this.binVolumes = new Float64Array(capacity);
    this.binCandleCounts = new Float64Array(capacity);
    this.binMask = capacity - 1;
    const candles = Math.min(this.seen + 1, this.window);
    for (let slot = 0; slot < candles; slot++) this.spreadCandle(slot, 1);
  }

  private locatePointOfControl(lowestBin: number, highestBin: number): void {
    const volumes = this.binVolumes;
    const mask = this.binMask;
    let pocBin = lowestBin;
    let pocVolume = -1;
    let total = 0;
    for (let bin = lowestBin; bin <= highestBin; bin++) {
      const volume = volumes[bin & mask] as number;
      total += volume;
      if (volume > pocVolume) {
        pocVolume = volume;
        pocBin = bin;
      }
    }
    this.totalVolume = total;
    if (!(total > 0)) {
      this.value = this.pointOfControl = this.valueAreaLow = this.valueAreaHigh = Number.NaN;
      return;
    }
    const target = this.valueAreaShare * total;
    let areaLow = pocBin;
    let areaHigh = pocBin;
    let areaVolume = pocVolume;
    while (areaVolume < target && (areaLow > lowestBin || areaHigh < highestBin)) {
      const above = areaHigh < highestBin ? (volumes[(areaHigh + 1) & mask] as number) : -1;
      const below = areaLow > lowestBin ? (volumes[(areaLow - 1) & mask] as number) : -1;
      if (above >= below) {
        areaHigh++;
        areaVolume += above;
      } else {
        areaLow--;
        areaVolume += below;
      }
    }
    const step = this.logBinWidth;
    this.pointOfControl = Math.exp((pocBin + BIN_CENTRE) * step);
    this.valueAreaLow = Math.exp(areaLow * step);
    this.valueAreaHigh = Math.exp((areaHigh + 1) * step);
    this.value = this.pointOfControl;
  }
}
