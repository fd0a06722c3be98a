/**
 * One rollout of experience, and its advantages by generalised advantage estimation (Schulman et al. 2016):
 *   δₜ = rₜ + γ·V(sₜ₊₁)·(1 − endₜ) − V(sₜ),   Aₜ = δₜ + γλ·(1 − endₜ)·Aₜ₊₁,   returnₜ = Aₜ + V(sₜ).
 * Every episode end is a time limit (the market goes on), so its last reward already carries γ·V(s_last):
 * the chain is cut, the value is not thrown away.
 */
export class RolloutBuffer {
  readonly capacity: number;
  readonly observations: Float32Array;
  readonly actions: Int32Array;
  readonly logProbabilities: Float32Array;
  readonly values: Float32Array;
  readonly rewards: Float32Array;
  /** 1 where an episode ended after step t. */
  readonly episodeEnds: Uint8Array;
  readonly advantages: Float32Array;
  readonly returns: Float32Array;
  readonly inputSize: number;
  size = 0;

  constructor(capacity: number, inputSize: number) {
    this.capacity = capacity;
    this.inputSize = inputSize;
    this.observations = new Float32Array(capacity * inputSize);
    this.actions = new Int32Array(capacity);
    this.logProbabilities = new Float32Array(capacity);
    this.values = new Float32Array(capacity);
    this.rewards = new Float32Array(capacity);
    this.episodeEnds = new Uint8Array(capacity);
    this.advantages = new Float32Array(capacity);
    this.returns = new Float32Array(capacity);
  }

  /** Records one step: the observation the action was chosen on, and what followed. */
  add(observation: Float32Array, action: number, logProbability: number, value: number, reward: number): void {
    const t = this.size++;
    this.observations.set(observation, t * this.inputSize);
    this.actions[t] = action;
    this.logProbabilities[t] = logProbability;
    this.values[t] = value;
    this.rewards[t] = reward;
    this.episodeEnds[t] = 0;
  }

  /** Marks the last step as an episode's end, adding γ·V(final state) to its reward (time-limit bootstrap). */
  endEpisode(discount: number, finalValue: number): void {
    const t = this.size - 1;
    this.episodeEnds[t] = 1;
    this.rewards[t] = (this.rewards[t] as number) + discount * finalValue;
  }

  /** Fills advantages and returns; `nextValue` is V of the state after the last step. */
  computeAdvantages(discount: number, gaeLambda: number, nextValue: number): void {
    let advantage = 0;
    let valueAfter = nextValue;
    for (let t = this.size - 1; t >= 0; t--) {
      const continues = this.episodeEnds[t] === 1 ? 0 : 1;
      const delta = (this.rewards[t] as number) + discount * valueAfter * continues - (this.values[t] as number);
      advantage = delta + discount * gaeLambda * continues * advantage;
      this.advantages[t] = advantage;
      this.returns[t] = advantage + (this.values[t] as number);
      valueAfter = this.values[t] as number;
    }
  }

  clear(): void {
    this.size = 0;
  }
}
