/**
 * Highest (or lowest) value of the last `period` inputs, in amortized O(1) per input, via a monotonic
 * deque: the deque holds the inputs that can still become the extreme, strictly decreasing from front to
 * back, so the front is the extreme and each input is pushed and popped at most once. Both are kept in
 * fixed Float64Array rings of `period` slots (the deque never holds more), so updates do not allocate.
 *
 * The lowest is the highest of the negated inputs; negation is exact in IEEE 754, so no second copy of
 * the routine is needed.
 */
export type ExtremeSide = 'highest' | 'lowest';

export class RollingExtreme {
  readonly period: number;
  /** The extreme of the inputs seen so far, at most `period` of them; NaN before the first input. */
  value = Number.NaN;
  private readonly sign: number;
  private readonly signedValues: Float64Array;
  private readonly sequences: Float64Array;
  private front = 0;
  private size = 0;
  private seen = 0;

  constructor(period: number, side: ExtremeSide) {
    this.period = period;
    this.sign = side === 'highest' ? 1 : -1;
    this.signedValues = new Float64Array(period);
    this.sequences = new Float64Array(period);
  }

  /** True once `period` inputs have been seen, i.e. `value` covers a full window. */
  get full(): boolean {
    return this.seen >= this.period;
  }

  update(input: number): number {
    const period = this.period;
    const sequence = this.seen++;
    // At most one input leaves the window per update, and only the oldest one can.
    if (this.size > 0 && this.sequences[this.front] === sequence - period) {
      this.front = this.front + 1 === period ? 0 : this.front + 1;
      this.size--;
    }
    const signed = this.sign * input;
    // Inputs no larger than the new one can never be the extreme again.
    let back = this.front + this.size - 1;
    if (back >= period) back -= period;
    while (this.size > 0 && (this.signedValues[back] as number) <= signed) {
      this.size--;
      back = back === 0 ? period - 1 : back - 1;
    }
    let slot = this.front + this.size;
    if (slot >= period) slot -= period;
    this.signedValues[slot] = signed;
    this.sequences[slot] = sequence;
    this.size++;
    this.value = this.sign * (this.signedValues[this.front] as number);
    return this.value;
  }

  reset(): void {
    this.front = 0;
    this.size = 0;
    this.seen = 0;
    this.value = Number.NaN;
  }
}
