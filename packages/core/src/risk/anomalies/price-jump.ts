/**
 * Price jump: a close that moved more than `maxAtrMultiple` average true ranges from the previous close. The ATR is
 * the one before the candle (Wilder's, as TA-Lib, over `atrPeriod`), so the jump is measured against the range
 * the market had, not one the jump itself inflated. Silent until the ATR is warm.
 */
import { AverageTrueRange } from '../../indicators/atr.ts';

export interface PriceJumpOptions {
  /** Default 14 (Wilder's). */
  atrPeriod: number;
  /** Default 6: a one-candle move of six typical ranges is a crash, a fat finger or a bad print. */
  maxAtrMultiple: number;
}

export const PRICE_JUMP_DEFAULTS: PriceJumpOptions = { atrPeriod: 14, maxAtrMultiple: 6 };

export class PriceJumpDetector {
  private readonly options: PriceJumpOptions;
  private readonly atr: AverageTrueRange;
  private previousClose = Number.NaN;

  constructor(options: PriceJumpOptions = PRICE_JUMP_DEFAULTS) {
    this.options = options;
    this.atr = new AverageTrueRange({ period: options.atrPeriod });
  }

  /** Feeds one closed candle; returns why it is a jump, or null. */
  update(high: number, low: number, close: number): string | null {
    const atrBefore = this.atr.value;
    const previousClose = this.previousClose;
    this.atr.update(high, low, close);
    this.previousClose = close;
    if (!(atrBefore > 0)) return null;
    const jumpAtr = Math.abs(close - previousClose) / atrBefore;
    if (!(jumpAtr > this.options.maxAtrMultiple)) return null;
    return (
      `close ${close} moved ${(close - previousClose).toPrecision(6)} from ${previousClose}: ` +
      `${jumpAtr.toFixed(1)} ATR > ${this.options.maxAtrMultiple} ATR (ATR ${atrBefore.toPrecision(6)})`
    );
  }
}
