/**
 * Pearson correlation of two return series over the last `window` pairs: RollingCorrelation's arithmetic for
 * exactly two series, step for step (same operations in the same order, so the same bits), with the two means
 * and three co-moments in fields instead of S-sized arrays walked by loops. The feature engine adds a pair for
 * every candle of every symbol but the reference; RollingCorrelation stays the general S × S definition, and
 * return-pair-correlation.test.ts holds the two equal.
 *
 * Welford's update while the window fills, then its sliding form when (x, y) replaces the oldest pair (x₀, y₀):
 * m' = m + (x − x₀)/n and M'_ab = M_ab + (x_a − m_a)(x_b − m'_b) − (x₀_a − m_a)(x₀_b − m'_b). A series whose
 * value has not changed over the whole window is settled exactly (mean = its value, co-moments 0), so no
 * rounding residue passes for variance. Values must be finite.
 */
export class ReturnPairCorrelation {
  readonly window: number;
  /** The correlation over the window; NaN until `window` pairs are in, or when either series is constant. */
  correlation = Number.NaN;
  private meanFirst = 0;
  private meanSecond = 0;
  /** Co-moments Σ(a − ā)², Σ(a − ā)(b − b̄), Σ(b − b̄)². */
  private firstFirst = 0;
  private firstSecond = 0;
  private secondSecond = 0;
  /** The window's pairs, a ring of `window` (first, second) entries. */
  private readonly pairs: Float64Array;
  private row = 0;
  private count = 0;
  private step = 0;
  /** Per series, the step at which its value last differed from the step before. */
  private firstChangedAt = 0;
  private secondChangedAt = 0;
  /** The pair being added, handed from `add` to `addPair`. */
  private addedFirst = Number.NaN;
  private addedSecond = Number.NaN;

  constructor(window: number) {
    this.window = window;
    this.pairs = new Float64Array(2 * window);
  }

  add(first: number, second: number): void {
    this.addedFirst = first;
    this.addedSecond = second;
    this.addPair();
  }

  /**
   * The body of `add`, which takes the pair from the fields: V8 boxes (allocates) the number arguments of a call
   * it does not inline, and whether it inlines this body depends on what else its caller's budget holds.
   */
  private addPair(): void {
    const first = this.addedFirst;
    const second = this.addedSecond;
    const pairs = this.pairs;
    const window = this.window;
    const offset = 2 * this.row;
    const previousFirst = this.meanFirst;
    const previousSecond = this.meanSecond;
    const step = this.step++;
    // The pair of the step before, which tells whether a series changed (the ring's previous row).
    const previousOffset = this.row === 0 ? 2 * (window - 1) : offset - 2;
    const lastFirst = pairs[previousOffset] as number;
    const lastSecond = pairs[previousOffset + 1] as number;
    if (this.count === window) {
      const leavingFirst = pairs[offset] as number;
      const leavingSecond = pairs[offset + 1] as number;
      const meanFirst = previousFirst + (first - leavingFirst) / window;
      const meanSecond = previousSecond + (second - leavingSecond) / window;
      this.meanFirst = meanFirst;
      this.meanSecond = meanSecond;
      const addedFirst = first - previousFirst;
      const removedFirst = leavingFirst - previousFirst;
      const addedSecond = second - previousSecond;
      const removedSecond = leavingSecond - previousSecond;
      this.firstFirst += addedFirst * (first - meanFirst) - removedFirst * (leavingFirst - meanFirst);
      this.firstSecond += addedFirst * (second - meanSecond) - removedFirst * (leavingSecond - meanSecond);
      this.secondSecond += addedSecond * (second - meanSecond) - removedSecond * (leavingSecond - meanSecond);
    } else {
      this.fill(first, second);
    }
    if (step === 0 || first !== lastFirst) this.firstChangedAt = step;
    else if (step - this.firstChangedAt >= window - 1) this.settleFirst(first);
    if (step === 0 || second !== lastSecond) this.secondChangedAt = step;
    else if (step - this.secondChangedAt >= window - 1) this.settleSecond(second);
    pairs[offset] = first;
    pairs[offset + 1] = second;
    this.row = this.row + 1 === window ? 0 : this.row + 1;
    this.updateCorrelation();
  }

  /**
   * Computed at the end of each `add` into this field rather than by a getter: a getter V8 leaves as a call
   * returns its number boxed (an allocation per pair).
   */
  private updateCorrelation(): void {
    if (this.count !== this.window) {
      this.correlation = Number.NaN;
      return;
    }
    const firstVariance = this.firstFirst;
    const secondVariance = this.secondSecond;
    const denominator = Math.sqrt(firstVariance * secondVariance);
    // A constant series has no defined correlation (NaN); rounding can leave a tiny or negative co-moment, and
    // can push |r| a hair past 1.
    this.correlation =
      firstVariance > 0 && secondVariance > 0 && denominator > 0
        ? Math.min(1, Math.max(-1, this.firstSecond / denominator))
        : Number.NaN;
  }

  /** Welford's update while the window fills (a cold path, which keeps `add` small enough to inline). */
  private fill(first: number, second: number): void {
    const previousFirst = this.meanFirst;
    const previousSecond = this.meanSecond;
    const count = ++this.count;
    const meanFirst = previousFirst + (first - previousFirst) / count;
    const meanSecond = previousSecond + (second - previousSecond) / count;
    this.meanFirst = meanFirst;
    this.meanSecond = meanSecond;
    const addedFirst = first - previousFirst;
    const addedSecond = second - previousSecond;
    this.firstFirst += addedFirst * (first - meanFirst);
    this.firstSecond += addedFirst * (second - meanSecond);
    this.secondSecond += addedSecond * (second - meanSecond);
  }

  /** The first series had `value` at every step of the window: its exact mean is `value`, its co-moments 0. */
  private settleFirst(value: number): void {
    this.meanFirst = value;
    this.firstFirst = 0;
    this.firstSecond = 0;
  }

  private settleSecond(value: number): void {
    this.meanSecond = value;
    this.firstSecond = 0;
    this.secondSecond = 0;
  }
}
