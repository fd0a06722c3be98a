/**
 * Minimum confidence: below it, no new exposure. A buy (opening or adding to a position) needs the decision's
 * confidence ≥ minConfidence (default 0.6, the platform's floor; a bot may only raise it). Sells always pass:
 * getting out never needs conviction.
 */
import type { BuyCheck, SizeLimit } from './types.ts';

export const MIN_CONFIDENCE_DEFAULT = 0.6;

export function minConfidenceLimit(check: BuyCheck, minConfidence: number): SizeLimit | null {
  if (check.confidence >= minConfidence) return null;
  return {
    rule: 'min-confidence',
    maxQuote: 0,
    reason: `min-confidence: confidence ${check.confidence.toFixed(3)} < ${minConfidence}: no new position in ${check.symbol}`,
  };
}
