/**
 * Slower signals for hourly candles: each trend agent's score is an exponential moving average of its per-candle
 * score over SCORE_SMOOTHING_CANDLES (a day), seeded with the first score. One noisy candle can no longer cross an
 * entry or exit threshold by itself, so the agent trades trends of days rather than hours.
 */

/** EMA span of a trend agent's score: 24 hourly candles (design period choice, agents/README.md). */
export const SCORE_SMOOTHING_CANDLES = 24;

export class ScoreSmoothing {
  private readonly smoothed: Float64Array;
  private readonly seeded: Uint8Array;
  private readonly alpha: number;

  constructor(symbolCount: number, candles = SCORE_SMOOTHING_CANDLES) {
    this.smoothed = new Float64Array(symbolCount);
    this.seeded = new Uint8Array(symbolCount);
    this.alpha = 2 / (candles + 1);
  }

  /** Feeds the symbol's score for one candle and returns the smoothed score; NaN counts as no signal (0). */
  update(symbolIndex: number, score: number): number {
    const value = Number.isNaN(score) ? 0 : score;
    if (this.seeded[symbolIndex] === 0) {
      this.seeded[symbolIndex] = 1;
      this.smoothed[symbolIndex] = value;
      return value;
    }
    const next = (this.smoothed[symbolIndex] as number) + this.alpha * (value - (this.smoothed[symbolIndex] as number));
    this.smoothed[symbolIndex] = next;
    return next;
  }
}
