/** The risk stage: the stage contract, the null stage, the risk manager and the rules it composes. */
export { agentOutputProblem } from './anomalies/agent-output.ts';
export { CandleGapDetector } from './anomalies/candle-gaps.ts';
export { PriceJumpDetector } from './anomalies/price-jump.ts';
export { SpreadBlowoutDetector } from './anomalies/spread-blowout.ts';
export { ANOMALY_KINDS, type AnomalyKind } from './anomalies/types.ts';
export { VolumeSpikeDetector } from './anomalies/volume-spike.ts';
export { approveAll } from './approve-all.ts';
export { BREAKER_STATES, CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.ts';
export { correlatedExposureLimit } from './correlation-limit.ts';
export { RiskConfigError, RiskInputError } from './errors.ts';
export { applyExchangeConstraints, type ExchangeRules } from './exchange-constraints.ts';
export { kellyFraction, kellyLimit, type TradeStats } from './kelly-sizing.ts';
export { KillSwitchBoard, type KillSwitchEngagement, type KillSwitchScope } from './kill-switch.ts';
export { minConfidenceLimit } from './min-confidence.ts';
export { PortfolioVar, type VarMeasure } from './portfolio-var.ts';
export { positionCapLimit } from './position-cap.ts';
export { type ProtectiveOptions, ProtectiveOrders, protectiveLevels } from './protective-stops.ts';
export {
  type BotRiskConfig,
  NO_PLATFORM_LIMITS,
  PLATFORM_RISK_LIMITS,
  type PlatformRiskLimits,
  resolveRiskConfig,
} from './risk-config.ts';
export { RiskManager, type RiskManagerOptions, type RiskNotice, type RiskSnapshot } from './risk-manager.ts';
export {
  type BreakerState,
  type BuyCheck,
  type ExecutionPort,
  isRiskControls,
  type PortfolioView,
  type RiskControls,
  type RiskEvent,
  type RiskEventType,
  type RiskMode,
  type RiskSession,
  type RiskStage,
  type RiskVerdict,
  type RiskVerdictKind,
  type SizeLimit,
} from './types.ts';
export { varLimit } from './var-limit.ts';
