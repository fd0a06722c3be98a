/**
 * Spread blow-out, when order-book data is given: the best bid/ask spread (bps of the mid) exceeds
 * `maxMultiple` × its exponentially smoothed level and `minSpreadBps`. The smoothed level excludes the flagged
 * snapshot, so a blow-out does not become the new normal. Silent for the first `warmupSnapshots`.
 */

export interface SpreadBlowoutOptions {
  /** Default 5. */
  maxMultiple: number;
  /** Spreads below this never flag (tight books jitter); default 10 bps. */
  minSpreadBps: number;
  /** Weight of each new snapshot in the smoothed spread; default 0.05 (≈ 20 snapshots). */
  smoothing: number;
  /** Default 20. */
  warmupSnapshots: number;
}

export const SPREAD_BLOWOUT_DEFAULTS: SpreadBlowoutOptions = {
  maxMultiple: 5,
  minSpreadBps: 10,
  smoothing: 0.05,
  warmupSnapshots: 20,
};

const BPS_PER_UNIT = 10_000;

export class SpreadBlowoutDetector {
  private readonly options: SpreadBlowoutOptions;
  private smoothedBps = Number.NaN;
  private seen = 0;

  constructor(options: SpreadBlowoutOptions = SPREAD_BLOWOUT_DEFAULTS) {
    this.options = options;
  }

  /** Feeds the best bid and ask; returns why the spread blew out, or null. A crossed or empty book flags. */
  update(bidQuote: number, askQuote: number): string | null {
    if (!(bidQuote > 0 && askQuote >= bidQuote)) return `order book crossed or empty: bid ${bidQuote}, ask ${askQuote}`;
    const spreadBps = ((askQuote - bidQuote) / ((askQuote + bidQuote) / 2)) * BPS_PER_UNIT;
    const { maxMultiple, minSpreadBps, smoothing, warmupSnapshots } = this.options;
    const level = this.smoothedBps;
    const blown = this.seen >= warmupSnapshots && spreadBps > minSpreadBps && spreadBps > maxMultiple * level;
    this.seen++;
    if (blown) {
      return `spread ${spreadBps.toFixed(1)} bps is ${(spreadBps / level).toFixed(1)}× its usual ${level.toFixed(1)} bps (> ${maxMultiple}×)`;
    }
    this.smoothedBps = Number.isNaN(level) ? spreadBps : level + smoothing * (spreadBps - level);
    return null;
  }
}
