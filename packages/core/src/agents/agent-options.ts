/** Options every rule agent takes. */
export interface RuleAgentOptions {
  /** Candles of a symbol the agent holds through; default the feature engine's warm-up (FEATURE_WARMUP_CANDLES). */
  warmupCandles?: number;
}
