/**
 * Volume spike: a candle whose volume exceeds `maxMultiple` × the mean volume of the `window` candles before it.
 * Silent until the window is full and while its mean is zero. A running sum over a ring: O(1), no allocation.
 */

export interface VolumeSpikeOptions {
  /** Candles averaged; default 50. */
  window: number;
  /** Default 10. */
  maxMultiple: number;
}

export const VOLUME_SPIKE_DEFAULTS: VolumeSpikeOptions = { window: 50, maxMultiple: 10 };

export class VolumeSpikeDetector {
  private readonly options: VolumeSpikeOptions;
  private readonly ring: Float64Array;
  private sum = 0;
  private count = 0;
  private next = 0;
  private updates = 0;

  constructor(options: VolumeSpikeOptions = VOLUME_SPIKE_DEFAULTS) {
    this.options = options;
    this.ring = new Float64Array(options.window);
  }

  update(volume: number): string | null {
    const window = this.options.window;
    const mean = this.sum / window;
    const full = this.count === window;
    const spike = full && mean > 0 && volume > this.options.maxMultiple * mean;
    if (this.count === window) this.sum -= this.ring[this.next] as number;
    else this.count++;
    this.ring[this.next] = volume;
    this.sum += volume;
    this.next = this.next + 1 === window ? 0 : this.next + 1;
    // A running sum drifts by rounding; re-add the ring once per window turn.
    if (++this.updates % window === 0) this.sum = this.ring.reduce((total, v) => total + v, 0);
    if (!spike) return null;
    return `volume ${volume} is ${(volume / mean).toFixed(1)}× the ${window}-candle mean ${mean.toPrecision(6)} (> ${this.options.maxMultiple}×)`;
  }
}
