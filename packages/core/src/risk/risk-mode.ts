/**
 * What each breaker state lets the decision stage do (RiskMode): one frozen object per state, so a verdict carries
 * it without allocating. ACTIVE: any agent, full size. REDUCED: position caps halved. CONSERVATIVE: the
 * conservative agent only and reducing orders only. HALTED, or a bot paused or stopped by a kill switch: nothing.
 */
import { BREAKER_STATES } from './circuit-breaker.ts';
import type { BreakerState, RiskMode } from './types.ts';

function modeOf(breaker: BreakerState, stopped: boolean): RiskMode {
  const halted = stopped || breaker === 'HALTED';
  return Object.freeze({
    breaker,
    allowedAgents: halted ? 'none' : breaker === 'CONSERVATIVE' ? 'conservative' : 'any',
    sizeMultiplier: halted ? 0 : breaker === 'ACTIVE' ? 1 : 0.5,
    reducingOnly: halted || breaker === 'CONSERVATIVE',
  });
}

const TRADING = new Map(BREAKER_STATES.map((state) => [state, modeOf(state, false)]));
const STOPPED = new Map(BREAKER_STATES.map((state) => [state, modeOf(state, true)]));

/** The mode for a breaker state; `stopped`: paused or kill switch engaged. */
export function riskModeFor(breaker: BreakerState, stopped: boolean): RiskMode {
  return (stopped ? STOPPED : TRADING).get(breaker) as RiskMode;
}
