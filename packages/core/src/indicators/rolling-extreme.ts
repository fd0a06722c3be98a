/**
 * Highest (or lowest) value of the last `period` inputs, in amortized O(1) per input, via a monotonic
 * deque: the deque holds the inputs that can still become the extreme, strictly decreasing from front to
 * back, so the front is the extreme and each input is pushed and popped at most once. The deque never holds
 * more than `period` inputs; it lives in one Float64Array ring of a power-of-two number of (value, input number)
 * pairs, addressed by ever-growing front and back positions masked to a slot, so updates neither allocate nor
 * branch on wrap-around, and a pair shares its cache line.
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
  private readonly mask: number;
  /**
   * The queued inputs, sign applied, each followed by its input number (0, 1, …), which tells when it leaves
   * the window: slot s holds entries 2s and 2s + 1.
   */
  private readonly queue: Float64Array;
  /** Position of the front of the deque and one past its back; the slot of position p is p & mask. */
  private front = 0;
  private back = 0;
  private seen = 0;

  constructor(period: number, side: ExtremeSide) {
    this.period = period;
    this.sign = side === 'highest' ? 1 : -1;
    const capacity = 2 ** Math.ceil(Math.log2(period));
    this.mask = capacity - 1;
    this.queue = new Float64Array(2 * capacity);
  }

  /** True once `period` inputs have been seen, i.e. `value` covers a full window. */
  get full(): boolean {
    return this.seen >= this.period;
  }

  update(input: number): number {
    const mask = this.mask;
    const queue = this.queue;
    const sequence = this.seen++;
    let front = this.front;
    let back = this.back;
    // At most one input leaves the window per update, and only the oldest one can.
    if (front < back && queue[((front & mask) << 1) + 1] === sequence - this.period) front++;
    const signed = this.sign * input;
    // Inputs no larger than the new one can never be the extreme again.
    while (back > front && (queue[((back - 1) & mask) << 1] as number) <= signed) back--;
    const slot = (back & mask) << 1;
    queue[slot] = signed;
    queue[slot + 1] = sequence;
    this.front = front;
    this.back = back + 1;
    this.value = this.sign * (queue[(front & mask) << 1] as number);
    return this.value;
  }

  reset(): void {
    this.front = 0;
    this.back = 0;
    this.seen = 0;
    this.value = Number.NaN;
  }
}
