/**
 * Position size by fractional Kelly. For a bet won with probability p that pays b per unit lost, Kelly's growth-
 * optimal stake is f* = p − (1 − p) / b (Kelly 1956; Thorp, "The Kelly criterion in blackjack, sports betting and
 * the stock market", 2006). Here:
 * - p is the agent's confidence (its probability that the trade wins);
 * - b is the strategy's measured payoff ratio: mean winning round trip / mean losing round trip (net of fees),
 *   once it has `minTrades` closed round trips with at least one win and one loss; until then `priorPayoff`;
 * - the position may reach `multiplier` × f* of equity (half Kelly by default: most of the growth, far less
 *   variance, and room for an over-confident agent), times the breaker's size multiplier.
 * f* ≤ 0 means no edge at that confidence: the buy is refused.
 */
import { percent, quote } from './format.ts';
import type { BuyCheck, SizeLimit } from './types.ts';

export interface KellyOptions {
  /** Share of full Kelly; default 0.5. */
  multiplier: number;
  /** Closed round trips before the measured payoff replaces the prior; default 20. */
  minTrades: number;
  /** Payoff ratio assumed until then; default 1 (wins as large as losses). */
  priorPayoff: number;
}

export const KELLY_DEFAULTS: KellyOptions = { multiplier: 0.5, minTrades: 20, priorPayoff: 1 };

/** Closed round trips of the strategy, net of fees (risk-manager.ts records them from fills). */
export interface TradeStats {
  wins: number;
  losses: number;
  grossProfitQuote: number;
  /** Positive: the sum of the losing trades' losses. */
  grossLossQuote: number;
}

export function emptyTradeStats(): TradeStats {
  return { wins: 0, losses: 0, grossProfitQuote: 0, grossLossQuote: 0 };
}

export function recordRoundTrip(stats: TradeStats, pnlQuote: number): void {
  if (pnlQuote > 0) {
    stats.wins++;
    stats.grossProfitQuote += pnlQuote;
  } else {
    stats.losses++;
    stats.grossLossQuote -= pnlQuote;
  }
}

/** Mean win / mean loss, or null until measurable (see the file comment). */
export function measuredPayoff(stats: TradeStats, options: KellyOptions): number | null {
  const measurable = stats.wins + stats.losses >= options.minTrades && stats.wins > 0 && stats.grossLossQuote > 0;
  return measurable ? stats.grossProfitQuote / stats.wins / (stats.grossLossQuote / stats.losses) : null;
}

/** f* = p − (1 − p) / b; may be negative (no edge). */
export function kellyFraction(winProbability: number, payoff: number): number {
  return winProbability - (1 - winProbability) / payoff;
}

export function kellyLimit(check: BuyCheck, stats: TradeStats, options: KellyOptions): SizeLimit | null {
  const measured = measuredPayoff(stats, options);
  const payoff = measured ?? options.priorPayoff;
  const full = kellyFraction(check.confidence, payoff);
  const targetFraction = Math.max(0, full) * options.multiplier * check.sizeMultiplier;
  const maxQuote = targetFraction * check.equityQuote - check.positionValueQuote;
  if (check.quoteQty <= maxQuote) return null;
  const source = measured === null ? 'prior' : `measured over ${stats.wins + stats.losses} trades`;
  const basis = `confidence ${check.confidence.toFixed(3)}, payoff ${payoff.toFixed(3)} (${source}) → Kelly ${full.toFixed(3)}`;
  if (full <= 0) return { rule: 'kelly', maxQuote: 0, reason: `kelly: ${basis}: no edge, no position` };
  const scaled = `× ${options.multiplier}${check.sizeMultiplier === 1 ? '' : ` × breaker ${check.sizeMultiplier}`}`;
  return {
    rule: 'kelly',
    maxQuote,
    reason:
      `kelly: ${basis} ${scaled} = ${percent(targetFraction)} of equity ${quote(check.equityQuote)}; ` +
      `${check.symbol} holds ${quote(check.positionValueQuote)}`,
  };
}
