/**
 * Missing and stale candles of one market.
 * - Missing: a candle opening more than one candle length after the previous one (the feed skipped candles, or
 *   the venue was down); also `overdue(now)`: no candle for longer than `maxMissingCandles` lengths, for drivers
 *   that tick without data (flagged once per gap).
 * - Stale: `staleCandles` candles in a row that repeat the previous close with no volume (a frozen feed).
 */

export interface CandleGapOptions {
  /** The market's candle length, ms. */
  candleMs: number;
  /** Frozen candles in a row that count as stale; default 3. */
  staleCandles: number;
  /** Candles that may be missing before it is flagged; default 0 (any gap). */
  maxMissingCandles: number;
}

export interface CandleGap {
  kind: 'missing-candles' | 'stale-candles';
  reason: string;
}

export const CANDLE_GAP_DEFAULTS: Omit<CandleGapOptions, 'candleMs'> = { staleCandles: 3, maxMissingCandles: 0 };

export class CandleGapDetector {
  private readonly options: CandleGapOptions;
  private lastTime = Number.NaN;
  private lastClose = Number.NaN;
  private frozen = 0;
  private overdueFlagged = false;

  constructor(options: CandleGapOptions) {
    this.options = options;
  }

  /** Feeds one closed candle; returns what is anomalous about it, or null. */
  update(time: number, open: number, high: number, low: number, close: number, volume: number): CandleGap | null {
    const { candleMs, staleCandles, maxMissingCandles } = this.options;
    const missing = Math.round((time - this.lastTime) / candleMs) - 1;
    const alreadyFlagged = this.overdueFlagged;
    const previousClose = this.lastClose;
    this.lastTime = time;
    this.lastClose = close;
    this.overdueFlagged = false;
    const isFrozen = volume === 0 && open === previousClose && high === open && low === open && close === open;
    this.frozen = isFrozen ? this.frozen + 1 : 0;
    if (missing > maxMissingCandles && !alreadyFlagged) {
      return { kind: 'missing-candles', reason: `${missing} candle(s) missing before ${new Date(time).toISOString()}` };
    }
    if (this.frozen === staleCandles) {
      return {
        kind: 'stale-candles',
        reason: `${staleCandles} candles in a row repeat the close ${close} with no volume (frozen feed)`,
      };
    }
    return null;
  }

  /** At `now` (ms UTC): why the market's data is overdue, once per gap, or null. */
  overdue(now: number): string | null {
    if (this.overdueFlagged || Number.isNaN(this.lastTime)) return null;
    const missing = Math.floor((now - this.lastTime) / this.options.candleMs) - 1;
    if (missing <= this.options.maxMissingCandles) return null;
    this.overdueFlagged = true;
    return `no candle since ${new Date(this.lastTime).toISOString()}: ${missing} candle(s) overdue`;
  }
}
