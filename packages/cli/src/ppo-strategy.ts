/** The trained PPO agent of `--model DIR`, for `--strategy ppo` and as the ensemble's extra voter. */
import type { PpoAgent } from '@keel/core/ppo/ppo-agent.ts';
import { ppoAgent } from '@keel/core/ppo/ppo-agent.ts';
import { loadModel } from '@keel/worker/models/model-files.ts';

/** A missing, corrupt or mismatched model throws ModelError, which keel prints as one line. */
export function ppoAgentFromModelDir(dir: string): (symbols: readonly string[]) => PpoAgent {
  return ppoAgent(loadModel(dir));
}
