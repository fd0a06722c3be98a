/**
 * The last `capacity` values of a stream, read by how many pushes ago they came: `ago(0)` is the latest.
 * A fixed Float64Array ring, so pushing never allocates.
 */
export class LagRing {
  readonly capacity: number;
  private readonly values: Float64Array;
  /** Slot of the latest value. */
  private latest: number;
  private pushed = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.values = new Float64Array(capacity);
    this.latest = capacity - 1;
  }

  push(value: number): void {
    this.latest = this.latest + 1 === this.capacity ? 0 : this.latest + 1;
    this.values[this.latest] = value;
    if (this.pushed < this.capacity) this.pushed++;
  }

  /** The value pushed `lag` pushes before the latest (0 ≤ lag < capacity); NaN if there was none. */
  ago(lag: number): number {
    if (lag >= this.pushed) return Number.NaN;
    const slot = this.latest - lag;
    return this.values[slot < 0 ? slot + this.capacity : slot] as number;
  }

  reset(): void {
    this.latest = this.capacity - 1;
    this.pushed = 0;
  }
}
