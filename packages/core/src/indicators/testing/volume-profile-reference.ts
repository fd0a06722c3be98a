/**
 * The volume profile computed the plain way, as the oracle of VolumeProfile's property test: after every candle
 * it rescans every bin the window spans for the point of control, and grows the value area from it, exactly as
 * VolumeProfile's definition reads (see volume-profile.ts).
 *
 * Its bins hold the same floating-point sums as VolumeProfile's (shares added and removed candle by candle in the
 * same order, a bin reset to exactly 0 when its last candle leaves, the bins re-summed slot by slot when the ring
 * grows), so the two must agree bit for bit, not merely within a tolerance.
 */
import { AverageTrueRange } from '../atr.ts';

const INITIAL_BIN_CAPACITY = 1024;
const PERCENT = 100;
const BIN_CENTRE = 0.5;

export interface ReferenceVolumeProfileOptions {
  window: number;
  binWidthRatio: number;
  valueAreaShare: number;
  atrPeriod: number;
}

export class ReferenceVolumeProfile {
  value = Number.NaN;
  pointOfControl = Number.NaN;
  valueAreaHigh = Number.NaN;
  valueAreaLow = Number.NaN;
  closeToPocPercent = Number.NaN;
  closeToPocAtr = Number.NaN;
  totalVolume = Number.NaN;

  private readonly options: ReferenceVolumeProfileOptions;
  private readonly logBinWidth: number;
  private readonly atr: AverageTrueRange;
  /** The window's candles in ring slots: lowest bin, highest bin, volume per bin. */
  private readonly candles: { lowBin: number; highBin: number; share: number }[] = [];
  private slot = 0;
  private seen = 0;
  /** Volume and candle count per bin number, and the capacity of VolumeProfile's bin ring. */
  private bins = new Map<number, { volume: number; count: number }>();
  private capacity = INITIAL_BIN_CAPACITY;

  constructor(options: ReferenceVolumeProfileOptions) {
    this.options = options;
    this.logBinWidth = Math.log1p(options.binWidthRatio);
    this.atr = new AverageTrueRange({ period: options.atrPeriod });
  }

  binOf(price: number): number {
    return Math.floor(Math.log(price) / this.logBinWidth);
  }

  update(high: number, low: number, close: number, volume: number): number {
    const { window } = this.options;
    const atr = this.atr.update(high, low, close);
    const lowBin = this.binOf(low);
    const highBin = this.binOf(high);
    const candle = { lowBin, highBin, share: volume / (highBin - lowBin + 1) };
    const leaving = this.candles[this.slot];
    this.candles[this.slot] = candle;
    const inWindow = this.candles.slice(0, Math.min(this.seen + 1, window));
    const lowestBin = Math.min(...inWindow.map((c) => c.lowBin));
    const highestBin = Math.max(...inWindow.map((c) => c.highBin));
    if (highestBin - lowestBin >= this.capacity) {
      while (this.capacity < highestBin - lowestBin + 1) this.capacity *= 2;
      this.bins = new Map();
      for (const c of inWindow) this.spread(c, 1);
    } else {
      if (this.seen >= window && leaving !== undefined) this.spread(leaving, -1);
      this.spread(candle, 1);
    }
    this.slot = this.slot + 1 === window ? 0 : this.slot + 1;
    if (this.seen < window - 1) {
      this.seen++;
      return this.value;
    }
    this.seen = window;
    this.describe(lowestBin, highestBin);
    this.closeToPocPercent = (close / this.pointOfControl - 1) * PERCENT;
    this.closeToPocAtr = (close - this.pointOfControl) / atr;
    return this.value;
  }

  private spread(candle: { lowBin: number; highBin: number; share: number }, direction: 1 | -1): void {
    for (let bin = candle.lowBin; bin <= candle.highBin; bin++) {
      const entry = this.bins.get(bin) ?? { volume: 0, count: 0 };
      entry.count += direction;
      entry.volume = entry.count === 0 ? 0 : entry.volume + direction * candle.share;
      this.bins.set(bin, entry);
    }
  }

  private volumeOf(bin: number): number {
    return this.bins.get(bin)?.volume ?? 0;
  }

  private describe(lowestBin: number, highestBin: number): void {
    let pocBin = lowestBin;
    let pocVolume = -1;
    let total = 0;
    for (let bin = lowestBin; bin <= highestBin; bin++) {
      const volume = this.volumeOf(bin);
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
    const target = this.options.valueAreaShare * total;
    let areaLow = pocBin;
    let areaHigh = pocBin;
    let areaVolume = pocVolume;
    while (areaVolume < target && (areaLow > lowestBin || areaHigh < highestBin)) {
      const above = areaHigh < highestBin ? this.volumeOf(areaHigh + 1) : -1;
      const below = areaLow > lowestBin ? this.volumeOf(areaLow - 1) : -1;
      if (above >= below) {
        areaHigh++;
        areaVolume += above;
      } else {
        areaLow--;
        areaVolume += below;
      }
    }
    this.pointOfControl = Math.exp((pocBin + BIN_CENTRE) * this.logBinWidth);
    this.valueAreaLow = Math.exp(areaLow * this.logBinWidth);
    this.valueAreaHigh = Math.exp((areaHigh + 1) * this.logBinWidth);
    this.value = this.pointOfControl;
  }
}
