/**
 * When a retrained model replaces the one in use: only when it beats the incumbent out of sample, on the same
 * validation window, by a margin — validation Sharpe (annualised, after fees and slippage, greedy policy, averaged
 * over the markets) at least MIN_SHARPE_MARGIN above the incumbent's. Sharpe rather than return, because a model
 * that earns the same with half the swings is the better one to trust with money; a margin, because a difference
 * of a few hundredths is noise on one window. With no incumbent, the candidate is promoted.
 */
import type { PolicyScore } from './evaluate.ts';

export const MIN_SHARPE_MARGIN = 0.1;

export interface PromotionDecision {
  promoted: boolean;
  reason: string;
}

export function decidePromotion(
  candidate: PolicyScore,
  incumbent: PolicyScore | null,
  minSharpeMargin = MIN_SHARPE_MARGIN,
): PromotionDecision {
  const sharpe = (score: PolicyScore) => score.sharpe.toFixed(2);
  if (incumbent === null) {
    return { promoted: true, reason: `no incumbent: first model (validation Sharpe ${sharpe(candidate)})` };
  }
  const needed = incumbent.sharpe + minSharpeMargin;
  if (candidate.sharpe >= needed) {
    return {
      promoted: true,
      reason: `validation Sharpe ${sharpe(candidate)} beats the incumbent's ${sharpe(incumbent)} by at least ${minSharpeMargin}`,
    };
  }
  return {
    promoted: false,
    reason: `validation Sharpe ${sharpe(candidate)} does not beat the incumbent's ${sharpe(incumbent)} by ${minSharpeMargin} (needs ≥ ${needed.toFixed(2)})`,
  };
}
