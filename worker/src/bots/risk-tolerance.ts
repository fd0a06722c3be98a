/**
 * The user's risk tolerance in the two vocabularies it lives in: the profile's (conservative / moderate /
 * aggressive, what the dashboard shows) and the meta-agent's (low / medium / high, core agents/types.ts).
 */
import type { RiskTolerance } from '@keel/core/agents/types.ts';
import type { Profile } from '@keel/db';

export type ProfileRiskTolerance = Profile['riskTolerance'];

const TO_AGENT: Record<ProfileRiskTolerance, RiskTolerance> = {
  conservative: 'low',
  moderate: 'medium',
  aggressive: 'high',
};
const TO_PROFILE: Record<RiskTolerance, ProfileRiskTolerance> = {
  low: 'conservative',
  medium: 'moderate',
  high: 'aggressive',
};

export const agentTolerance = (tolerance: ProfileRiskTolerance): RiskTolerance => TO_AGENT[tolerance];
export const profileTolerance = (tolerance: RiskTolerance): ProfileRiskTolerance => TO_PROFILE[tolerance];
