/**
 * The swing levels SupportResistance keeps: the prices of the last `maxLevels` confirmed swing points, each
 * dropped once its swing candle is more than `maxAgeCandles` old, and the nearest of them below and above a price.
 *
 * Levels arrive in the order of their swing candles, so both limits drop the oldest level first: they form a
 * queue (a ring in arrival order). Their prices are also kept sorted, so the nearest levels around a close are
 * found by one forward scan that leaves the loop once, where a scan of the unordered ring took an
 * unpredictable branch per level (the cost of the old nearest-level search). Adding or dropping a level shifts
 * at most `maxLevels` prices. NaN prices are queued but never sorted: no comparison selects them.
 */
export class SwingLevels {
  readonly maxLevels: number;
  readonly maxAgeCandles: number;
  /** Nearest level strictly below the last queried price; NaN when none. */
  below = Number.NaN;
  /** Nearest level strictly above the last queried price; NaN when none. */
  above = Number.NaN;

  private readonly queuedPrices: Float64Array;
  private readonly queuedCandles: Float64Array;
  private oldest = 0;
  private queued = 0;
  private readonly sortedPrices: Float64Array;
  private sorted = 0;
  /** The price being queried, handed from `findNearest` to `scanForNearest`. */
  private price = Number.NaN;

  constructor(maxLevels: number, maxAgeCandles: number) {
    this.maxLevels = maxLevels;
    this.maxAgeCandles = maxAgeCandles;
    this.queuedPrices = new Float64Array(maxLevels);
    this.queuedCandles = new Float64Array(maxLevels);
    this.sortedPrices = new Float64Array(maxLevels);
  }

  /** A swing point at `swingCandle` was confirmed; it replaces the oldest level when `maxLevels` are kept. */
  add(price: number, swingCandle: number): void {
    if (this.queued === this.maxLevels) this.dropOldest();
    let slot = this.oldest + this.queued;
    if (slot >= this.maxLevels) slot -= this.maxLevels;
    this.queuedPrices[slot] = price;
    this.queuedCandles[slot] = swingCandle;
    this.queued++;
    if (!Number.isNaN(price)) this.insertSorted(price);
  }

  /** Drops the levels whose swing candle is more than `maxAgeCandles` before `candleIndex`. */
  expire(candleIndex: number): void {
    const oldestKept = candleIndex - this.maxAgeCandles;
    while (this.queued > 0 && (this.queuedCandles[this.oldest] as number) < oldestKept) this.dropOldest();
  }

  /** Sets `below` and `above` to the nearest levels strictly below and above `price` (a level equal to it is neither). */
  findNearest(price: number): void {
    this.price = price;
    this.scanForNearest();
  }

  /**
   * The body of `findNearest`, which takes the price from `price`: V8 boxes (allocates) the number arguments of a
   * call it does not inline, and this scan does not fit the inlining budget of SupportResistance's update.
   */
  private scanForNearest(): void {
    const price = this.price;
    const prices = this.sortedPrices;
    const count = Number.isNaN(price) ? 0 : this.sorted;
    let index = 0;
    while (index < count && (prices[index] as number) < price) index++;
    this.below = index > 0 ? (prices[index - 1] as number) : Number.NaN;
    while (index < count && (prices[index] as number) === price) index++;
    this.above = index < count ? (prices[index] as number) : Number.NaN;
  }

  reset(): void {
    this.oldest = 0;
    this.queued = 0;
    this.sorted = 0;
    this.below = this.above = Number.NaN;
  }

  private dropOldest(): void {
    const price = this.queuedPrices[this.oldest] as number;
    this.oldest = this.oldest + 1 === this.maxLevels ? 0 : this.oldest + 1;
    this.queued--;
    if (!Number.isNaN(price)) this.removeSorted(price);
  }

  private insertSorted(price: number): void {
    const prices = this.sortedPrices;
    let index = this.sorted;
    for (; index > 0 && (prices[index - 1] as number) > price; index--) prices[index] = prices[index - 1] as number;
    prices[index] = price;
    this.sorted++;
  }

  private removeSorted(price: number): void {
    const prices = this.sortedPrices;
    const count = this.sorted;
    let index = 0;
    while ((prices[index] as number) !== price) index++;
    for (; index + 1 < count; index++) prices[index] = prices[index + 1] as number;
    this.sorted = count - 1;
  }
}
