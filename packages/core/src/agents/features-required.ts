/** Agents read the feature vector; a pipeline run without a feature source is a wiring mistake, said plainly. */
import type { DecisionContext } from '../strategy/types.ts';

export class AgentFeaturesError extends Error {
  constructor(agent: string) {
    super(`agent ${agent} reads features: run it with a feature source (FeatureEngine), not on candles alone`);
    this.name = 'AgentFeaturesError';
  }
}

export function featuresFor(context: DecisionContext, agent: string): Float32Array {
  if (context.features === null) throw new AgentFeaturesError(agent);
  return context.features;
}
