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
 * Cost: O(bins a candle spans) to add and evict a candle; no allocation. Bin volumes live in a Float64Array
 * ring indexed by bin number modulo its capacity, which grows (the only allocation, rare) when the window spans
 * more bins than it holds. A bin's volume is reset to exactly 0 when its last candle leaves, so no rounding
 * residue builds up in empty bins. The POC is kept incrementally: an added candle's bins only grow, so the
 * fullest of them takes the lead or leaves it; an evicted candle's bins only shrink, so the lead can only change
 * when the fullest bin is among them, and only then (≈15% of hourly candles) are the bins the window spans
 * rescanned. The window's lowest and highest bin follow from the bins' candle counts. The value area and the
 * total volume are computed from the bins on first read after an update (the feature engine reads only the POC).
 * Lookback = window − 1 (POC, value area); warmup = the larger of that and the ATR's warmup (none without the
 * ATR). Prices must be > 0.
 */
import { AverageTrueRange } from './atr.ts';
import { checkPeriod, IndicatorOptionsError } from './indicator-options-error.ts';
import type { StreamingIndicator } from './streaming-indicator.ts';

export interface VolumeProfileOptions {
  /** Candles in the rolling window; default 200. */
  window?: number;
  /** Width of one price bin as a fraction of price; default 0.002 (0.2%). */
  binWidthRatio?: number;
  /** Share of the window's volume inside the value area; default 0.7. */
  valueAreaShare?: number;
  /**
   * Period of the ATR that scales closeToPocAtr; default 14. null: no ATR, closeToPocAtr stays NaN (for a caller
   * that keeps the same ATR itself and divides by it, which then is computed once).
   */
  atrPeriod?: number | null;
}

const DEFAULT_ATR_PERIOD = 14;
/** Bins the ring holds before its first growth: 1024 bins of 0.2% span a price ratio of 1.002^1024 ≈ 7.7. */
const INITIAL_BIN_CAPACITY = 1024;
/** Keeps bin numbers (|ln price| / ln(1 + ratio), at most ≈ 7e8 for prices down to 1e-300) within int32. */
const MINIMUM_BIN_WIDTH_RATIO = 1e-6;
const PERCENT = 100;
/** A bin's representative price is its centre in log-price. */
const BIN_CENTRE = 0.5;
/** Slots of `VolumeProfile.candle`. */
const HIGH = 0;
const LOW = 1;
const CLOSE = 2;
const VOLUME = 3;

export class VolumeProfile implements StreamingIndicator {
  readonly window: number;
  readonly binWidthRatio: number;
  readonly valueAreaShare: number;
  readonly lookback: number;
  readonly warmup: number;
  /** The main output: the point of control. NaN during warm-up and while the window has no volume. */
  value = Number.NaN;
  pointOfControl = Number.NaN;

  private readonly logBinWidth: number;
  private readonly averageTrueRange: AverageTrueRange | null;
  /**
   * Per candle of the window (a ring of `window` slots, plus slot `window` for the candle entering it): its
   * lowest and highest bin and its volume per bin.
   */
  private readonly candleLowBins: Int32Array;
  private readonly candleHighBins: Int32Array;
  private readonly candleShares: Float64Array;
  private candleSlot = 0;
  private seen = 0;
  /** The candle being fed (high, low, close, volume), handed from `update` to `feedCandle`. */
  private readonly candle = new Float64Array(4);
  /** Per bin (a ring indexed by bin & binMask): volume and number of candles contributing to it. */
  private binVolumes: Float64Array;
  private binCandleCounts: Int32Array;
  private binMask: number;
  /** The fullest bin (the lowest on ties) and its volume, kept as bins change; stale once it lost volume. */
  private fullestBin = 0;
  private fullestBinVolume = Number.NEGATIVE_INFINITY;
  private fullestBinStale = true;
  /**
   * Bins whose volume is negative or NaN: rounding residue in a bin left with zero-volume candles, or invalid
   * volumes. With none, the window has volume exactly when its fullest bin has; with some, the window's total
   * decides, and NaN defeats the tracking of the fullest bin, so both are recomputed from the bins.
   */
  private irregularBins = 0;
  /** The window's lowest and highest bin: those of its candles' lows and highs; ±Infinity while it is empty. */
  private lowestBin = Number.POSITIVE_INFINITY;
  private highestBin = Number.NEGATIVE_INFINITY;
  /**
   * The close and ATR of the last located update, from which the distances to the POC are computed when read
   * (the feature engine reads none of them, so the candle does not pay their divisions); NaN before.
   */
  private locatedClose = Number.NaN;
  private locatedAtr = Number.NaN;
  /** The bin whose centre price was computed last, and that price: the POC bin rarely moves. */
  private centredBin = Number.NaN;
  private centrePrice = Number.NaN;
  /** Whether the total and value area below belong to the current window (they are computed on first read). */
  private windowDescribed = true;
  private windowVolume = Number.NaN;
  private areaLow = Number.NaN;
  private areaHigh = Number.NaN;

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
    this.averageTrueRange =
      options.atrPeriod === null ? null : new AverageTrueRange({ period: options.atrPeriod ?? DEFAULT_ATR_PERIOD });
    // One slot more than the window: the entering candle waits there (see feedCandle).
    this.candleLowBins = new Int32Array(this.window + 1);
    this.candleHighBins = new Int32Array(this.window + 1);
    this.candleShares = new Float64Array(this.window + 1);
    this.binVolumes = new Float64Array(INITIAL_BIN_CAPACITY);
    this.binCandleCounts = new Int32Array(INITIAL_BIN_CAPACITY);
    this.binMask = INITIAL_BIN_CAPACITY - 1;
    this.lookback = this.window - 1;
    this.warmup = Math.max(this.lookback, this.averageTrueRange?.warmup ?? 0);
  }

  /** Value-area low: the lower price edge of the value area; NaN when the POC is. */
  get valueAreaLow(): number {
    this.describeWindow();
    return this.areaLow;
  }

  /** Value-area high: the upper price edge of the value area; NaN when the POC is. */
  get valueAreaHigh(): number {
    this.describeWindow();
    return this.areaHigh;
  }

  /** Volume of the whole window; NaN during warm-up. */
  get totalVolume(): number {
    this.describeWindow();
    return this.windowVolume;
  }

  /** (close / POC − 1) · 100; NaN during warm-up and while the POC is. */
  get closeToPocPercent(): number {
    return (this.locatedClose / this.pointOfControl - 1) * PERCENT;
  }

  /** (close − POC) / ATR; NaN during warm-up, while the POC is, and without the ATR. */
  get closeToPocAtr(): number {
    return (this.locatedClose - this.pointOfControl) / this.locatedAtr;
  }

  /** The bin holding `price` (> 0). */
  binOf(price: number): number {
    return Math.floor(Math.log(price) / this.logBinWidth);
  }

  update(high: number, low: number, close: number, volume: number): number {
    const candle = this.candle;
    candle[HIGH] = high;
    candle[LOW] = low;
    candle[CLOSE] = close;
    candle[VOLUME] = volume;
    this.feedCandle();
    return this.value;
  }

  reset(): void {
    this.averageTrueRange?.reset();
    this.lowestBin = Number.POSITIVE_INFINITY;
    this.highestBin = Number.NEGATIVE_INFINITY;
    this.binVolumes.fill(0);
    this.binCandleCounts.fill(0);
    this.candleSlot = 0;
    this.seen = 0;
    this.fullestBinVolume = Number.NEGATIVE_INFINITY;
    this.fullestBinStale = true;
    this.irregularBins = 0;
    this.windowDescribed = true;
    this.value = this.pointOfControl = this.locatedClose = this.locatedAtr = Number.NaN;
    this.windowVolume = this.areaLow = this.areaHigh = Number.NaN;
  }

  /**
   * The body of `update`, which takes its candle from `candle`: V8 boxes (allocates) the number arguments of
   * every call it does not inline, and this body is too large to be inlined.
   */
  private feedCandle(): void {
    const candle = this.candle;
    const high = candle[HIGH] as number;
    const low = candle[LOW] as number;
    const close = candle[CLOSE] as number;
    if (!(low > 0 && high >= low)) {
      throw new RangeError(`VolumeProfile: needs 0 < low ≤ high, got low ${low}, high ${high}`);
    }
    const atr = this.averageTrueRange === null ? Number.NaN : this.averageTrueRange.update(high, low, close);
    // The candle waits in the extra slot while the one it replaces leaves the window.
    this.storeCandle(this.window, this.binOf(low), this.binOf(high), candle[VOLUME] as number);
    this.slideWindow();
    if (this.seen < this.lookback) {
      this.seen++;
      return;
    }
    this.seen = this.window;
    this.locatePointOfControl();
    this.locatedClose = close;
    this.locatedAtr = atr;
  }

  /** Moves the entering candle into the window, in place of the candle that leaves it once the window is full. */
  private slideWindow(): void {
    const slot = this.candleSlot;
    const entering = this.window;
    if (this.seen >= this.window) this.removeCandle(slot);
    const lowBin = this.candleLowBins[entering] as number;
    const highBin = this.candleHighBins[entering] as number;
    this.candleLowBins[slot] = lowBin;
    this.candleHighBins[slot] = highBin;
    this.candleShares[slot] = this.candleShares[entering] as number;
    const lowestBin = Math.min(this.lowestBin, lowBin);
    const highestBin = Math.max(this.highestBin, highBin);
    this.lowestBin = lowestBin;
    this.highestBin = highestBin;
    if (highestBin - lowestBin > this.binMask) this.growBins(highestBin - lowestBin + 1);
    else this.addCandle(slot);
    this.candleSlot = slot + 1 === this.window ? 0 : slot + 1;
  }

  private storeCandle(slot: number, lowBin: number, highBin: number, volume: number): void {
    this.candleLowBins[slot] = lowBin;
    this.candleHighBins[slot] = highBin;
    this.candleShares[slot] = volume / (highBin - lowBin + 1);
  }

  /**
   * Adds the candle in `slot` to its bins. Only its bins grow, so the fullest of them either takes the lead
   * (the lowest bin on ties) or leaves it where it was; when the fullest bin is among them, the fullest of them
   * leads, as every other bin is no fuller than before.
   */
  private addCandle(slot: number): void {
    const share = this.candleShares[slot] as number;
    if (this.fullestBinStale || this.irregularBins > 0 || !(share >= 0)) {
      // A negative or NaN share (invalid volume) can make bins irregular; the next location rescans.
      this.spreadCandle(slot, 1);
      this.fullestBinStale = true;
      return;
    }
    const lowBin = this.candleLowBins[slot] as number;
    const highBin = this.candleHighBins[slot] as number;
    const mask = this.binMask;
    const volumes = this.binVolumes;
    const counts = this.binCandleCounts;
    let candleFullestBin = lowBin;
    let candleFullestVolume = Number.NEGATIVE_INFINITY;
    for (let bin = lowBin; bin <= highBin; bin++) {
      const at = bin & mask;
      counts[at] = (counts[at] as number) + 1;
      const volume = (volumes[at] as number) + share;
      volumes[at] = volume;
      if (volume > candleFullestVolume) {
        candleFullestVolume = volume;
        candleFullestBin = bin;
      }
    }
    const fullestBin = this.fullestBin;
    const fullestVolume = this.fullestBinVolume;
    if (
      (lowBin <= fullestBin && fullestBin <= highBin) ||
      candleFullestVolume > fullestVolume ||
      (candleFullestVolume === fullestVolume && candleFullestBin < fullestBin)
    ) {
      this.fullestBin = candleFullestBin;
      this.fullestBinVolume = candleFullestVolume;
    }
  }

  /**
   * Removes the candle in `slot` from its bins. They lose volume, so the lead can only change when the fullest
   * bin is among them, and only a rescan can tell to whom: the fullest bin is then marked stale.
   */
  private removeCandle(slot: number): void {
    const share = this.candleShares[slot] as number;
    const lowBin = this.candleLowBins[slot] as number;
    const highBin = this.candleHighBins[slot] as number;
    if (this.irregularBins > 0 || !(share >= 0)) {
      // A negative or NaN share (invalid volume) moves its bins the other way.
      this.spreadCandle(slot, -1);
      this.fullestBinStale = true;
    } else {
      const mask = this.binMask;
      const volumes = this.binVolumes;
      const counts = this.binCandleCounts;
      for (let bin = lowBin; bin <= highBin; bin++) {
        const at = bin & mask;
        const count = (counts[at] as number) - 1;
        counts[at] = count;
        const volume = count === 0 ? 0 : (volumes[at] as number) - share;
        volumes[at] = volume;
        // Rounding can leave a bin of zero-volume candles a hair below 0.
        if (!(volume >= 0)) this.irregularBins++;
      }
      const fullestBin = this.fullestBin;
      if (lowBin <= fullestBin && fullestBin <= highBin) this.fullestBinStale = true;
    }
    if (lowBin === this.lowestBin || highBin === this.highestBin) this.narrowBinRange();
  }

  /** Moves the window's lowest and highest bin inward past the edge bins no candle covers any more. */
  private narrowBinRange(): void {
    const counts = this.binCandleCounts;
    const mask = this.binMask;
    let lowestBin = this.lowestBin;
    let highestBin = this.highestBin;
    while (lowestBin <= highestBin && counts[lowestBin & mask] === 0) lowestBin++;
    while (highestBin >= lowestBin && counts[highestBin & mask] === 0) highestBin--;
    const empty = lowestBin > highestBin;
    this.lowestBin = empty ? Number.POSITIVE_INFINITY : lowestBin;
    this.highestBin = empty ? Number.NEGATIVE_INFINITY : highestBin;
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
      const previous = volumes[at] as number;
      const volume = count === 0 ? 0 : previous + direction * share;
      volumes[at] = volume;
      if (!(volume >= 0 && previous >= 0)) this.irregularBins += irregularityChange(previous, volume);
    }
  }

  private growBins(binsNeeded: number): void {
    let capacity = this.binMask + 1;
    while (capacity < binsNeeded) capacity *= 2;
    this.binVolumes = new Float64Array(capacity);
    this.binCandleCounts = new Int32Array(capacity);
    this.binMask = capacity - 1;
    this.irregularBins = 0;
    this.fullestBinStale = true;
    const candles = Math.min(this.seen + 1, this.window);
    for (let slot = 0; slot < candles; slot++) this.spreadCandle(slot, 1);
  }

  private locatePointOfControl(): void {
    const lowestBin = this.lowestBin;
    const highestBin = this.highestBin;
    const irregular = this.irregularBins > 0;
    if (irregular || this.fullestBinStale) this.rescanFullestBin(lowestBin, highestBin);
    // Bins all ≥ 0 sum to a positive total exactly when the fullest one is positive.
    const hasVolume = irregular ? this.sumVolumes(lowestBin, highestBin) > 0 : this.fullestBinVolume > 0;
    if (irregular) this.fullestBinStale = true;
    this.windowDescribed = false;
    this.pointOfControl = hasVolume ? this.binCentre(this.fullestBin) : Number.NaN;
    this.value = this.pointOfControl;
  }

  /** The centre price of `bin`; the POC bin rarely moves, so the last one's centre is kept rather than recomputed. */
  private binCentre(bin: number): number {
    if (bin !== this.centredBin) {
      this.centredBin = bin;
      this.centrePrice = Math.exp((bin + BIN_CENTRE) * this.logBinWidth);
    }
    return this.centrePrice;
  }

  /** Finds the fullest bin of the window (the lowest on ties) by scanning every bin it spans. */
  private rescanFullestBin(lowestBin: number, highestBin: number): void {
    const volumes = this.binVolumes;
    const mask = this.binMask;
    let fullestBin = lowestBin;
    let fullestVolume = Number.NEGATIVE_INFINITY;
    for (let bin = lowestBin; bin <= highestBin; bin++) {
      const volume = volumes[bin & mask] as number;
      if (volume > fullestVolume) {
        fullestVolume = volume;
        fullestBin = bin;
      }
    }
    this.fullestBin = fullestBin;
    this.fullestBinVolume = fullestVolume;
    this.fullestBinStale = false;
  }

  /** The volume of bins lowestBin…highestBin, summed in bin order. */
  private sumVolumes(lowestBin: number, highestBin: number): number {
    const volumes = this.binVolumes;
    const mask = this.binMask;
    let total = 0;
    for (let bin = lowestBin; bin <= highestBin; bin++) total += volumes[bin & mask] as number;
    return total;
  }

  /**
   * The total volume and value area of the last located update, computed once when first read: starting from
   * the POC bin, the neighbouring bin with more volume (above on ties) joins until the area holds
   * `valueAreaShare` of the total.
   */
  private describeWindow(): void {
    if (this.windowDescribed) return;
    this.windowDescribed = true;
    const lowestBin = this.lowestBin;
    const highestBin = this.highestBin;
    const total = this.sumVolumes(lowestBin, highestBin);
    this.windowVolume = total;
    if (!(total > 0)) {
      this.areaLow = this.areaHigh = Number.NaN;
      return;
    }
    const volumes = this.binVolumes;
    const mask = this.binMask;
    const target = this.valueAreaShare * total;
    let areaLow = this.fullestBin;
    let areaHigh = this.fullestBin;
    let areaVolume = volumes[this.fullestBin & mask] as number;
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
    this.areaLow = Math.exp(areaLow * this.logBinWidth);
    this.areaHigh = Math.exp((areaHigh + 1) * this.logBinWidth);
  }
}

/** How a bin's change from `previous` to `volume` changes the count of irregular (negative or NaN) bins. */
function irregularityChange(previous: number, volume: number): number {
  return (previous >= 0 ? 1 : 0) - (volume >= 0 ? 1 : 0);
}
