/**
 * Agent output out of range: an action that is not buy, sell or hold, a confidence outside [0, 1], or a buy/sell
 * whose target exposure is not a number in [0, 1] (long-only spot). Such a decision is never traded.
 */
import type { Decision } from '../../strategy/types.ts';

const ACTIONS: ReadonlySet<string> = new Set(['buy', 'sell', 'hold']);

/** Why the decision is out of range, or null when it is well-formed. */
export function agentOutputProblem(decision: Readonly<Decision>): string | null {
  if (!ACTIONS.has(decision.action)) return `action ${JSON.stringify(decision.action)} is not buy, sell or hold`;
  const { confidence, targetExposure } = decision;
  if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1)) {
    return `confidence ${confidence} is outside [0, 1]`;
  }
  if (
    decision.action !== 'hold' &&
    (typeof targetExposure !== 'number' || !(targetExposure >= 0 && targetExposure <= 1))
  ) {
    return `target exposure ${targetExposure} is outside [0, 1]`;
  }
  return null;
}
