/**
 * The last `window` per-candle returns of every symbol, one time step at a time: a ring of Float64Arrays laid out
 * symbol-major (returns[s × window + slot]) so one symbol's history is contiguous. Slots [0, count) are filled;
 * their order does not matter to the VaR quantiles read from them. O(symbols) per step, no allocation.
 */
export class ReturnHistory {
  readonly symbols: number;
  readonly window: number;
  readonly returns: Float64Array;
  /** Filled slots, ≤ window. */
  count = 0;
  /** Steps pushed since the start; caches built on the history compare it to know they are current. */
  version = 0;
  private nextSlot = 0;

  constructor(symbols: number, window: number) {
    this.symbols = symbols;
    this.window = window;
    this.returns = new Float64Array(symbols * window);
  }

  /** One return per symbol (index = symbol; 0 for a symbol without a candle at this step). */
  push(stepReturns: ArrayLike<number>): void {
    const window = this.window;
    const slot = this.nextSlot;
    for (let s = 0; s < this.symbols; s++) this.returns[s * window + slot] = stepReturns[s] as number;
    this.nextSlot = slot + 1 === window ? 0 : slot + 1;
    if (this.count < window) this.count++;
    this.version++;
  }
}
