/**
 * Position cap: after the buy, the symbol's position (held value plus buys still pending) is at most
 * maxPositionFraction × equity × the breaker's size multiplier (default 10% of equity, the platform cap; a bot
 * may only lower it; halved while REDUCED). A position already above the cap (the price rose) is not sold down,
 * but gets no more.
 */
import { percent, quote } from './format.ts';
import type { BuyCheck, SizeLimit } from './types.ts';

export const MAX_POSITION_FRACTION_DEFAULT = 0.1;

export function positionCapLimit(check: BuyCheck, maxPositionFraction: number): SizeLimit | null {
  const capFraction = maxPositionFraction * check.sizeMultiplier;
  const maxQuote = capFraction * check.equityQuote - check.positionValueQuote;
  if (check.quoteQty <= maxQuote) return null;
  const breaker =
    check.sizeMultiplier === 1 ? '' : ` (${percent(maxPositionFraction)} × breaker ${check.sizeMultiplier})`;
  return {
    rule: 'position-cap',
    maxQuote,
    reason:
      `position-cap: ${check.symbol} would be ${quote(check.positionValueQuote + check.quoteQty)} = ` +
      `${percent((check.positionValueQuote + check.quoteQty) / check.equityQuote)} of equity ${quote(check.equityQuote)}, ` +
      `cap ${percent(capFraction)}${breaker}`,
  };
}
