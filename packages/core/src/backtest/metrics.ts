/**
 * Performance metrics of a backtest, from its equity curve and its closed trades. Definitions (all returns are
 * fractions, 0.1 = 10%; risk-free rate 0):
 * - totalReturn: final equity / initial equity − 1.
 * - cagr: (final / initial)^(1 / years) − 1, years = time covered (first to last candle, plus one candle) / 365.25 d.
 * - sharpe: mean / sample standard deviation of per-candle returns × √(candles per year).
 * - sortino: mean per-candle return / downside deviation × √(candles per year), downside deviation =
 *   √(mean(min(r, 0)²)) over all candles (the target-downside deviation with target 0).
 * - maxDrawdown: the largest fall from a running equity peak, as a positive fraction of that peak.
 * - calmar: cagr / maxDrawdown.
 * - winRate: closed trades with pnl > 0 / closed trades.
 * - profitFactor: gross profit / gross loss of closed trades (null when there is no losing trade).
 * - exposure: fraction of candles that ended with an open position.
 * - var95: historical one-candle Value at Risk at 95%: the loss (positive fraction) that 5% of candles exceeded.
 * Undefined values (no trades, a flat curve) are null, never NaN or Infinity, so JSON stays honest.
 */

export interface ClosedTrade {
  symbol: string;
  entryTime: number;
  entryPrice: number;
  exitTime: number;
  exitPrice: number;
  qty: number;
  fees: number;
  pnl: number;
  /** Still open when the data ended: valued at the last close, no exit fee. */
  openAtEnd?: boolean;
}

export interface Metrics {
  startEquity: number;
  endEquity: number;
  totalReturn: number;
  cagr: number | null;
  sharpe: number | null;
  sortino: number | null;
  maxDrawdown: number;
  calmar: number | null;
  winRate: number | null;
  profitFactor: number | null;
  exposure: number;
  var95: number | null;
  trades: number;
  candles: number;
}

export interface EquityCurve {
  readonly time: Float64Array;
  readonly equity: Float64Array;
}

const YEAR_MS = 365.25 * 24 * 3_600_000;
const VAR_95_TAIL = 0.05;

export function computeMetrics(
  curve: EquityCurve,
  trades: readonly ClosedTrade[],
  candlesInMarket: number,
  candleMs: number,
): Metrics {
  const { equity, time } = curve;
  const n = equity.length;
  const startEquity = n > 0 ? (equity[0] as number) : 0;
  const endEquity = n > 0 ? (equity[n - 1] as number) : 0;
  const curveStats = walkCurve(equity);
  const returns = curveStats.returns;
  const averageReturn = curveStats.returnSum / returns.length;
  const moments = returnMoments(returns, averageReturn);
  const periodsPerYear = YEAR_MS / candleMs;
  const years = n > 0 ? ((time[n - 1] as number) - (time[0] as number) + candleMs) / YEAR_MS : 0;
  const growth = startEquity > 0 ? endEquity / startEquity : Number.NaN;
  const cagr = years > 0 && growth > 0 ? growth ** (1 / years) - 1 : null;
  const maxDrawdown = curveStats.maxDrawdown;
  return {
    startEquity,
    endEquity,
    totalReturn: startEquity > 0 ? growth - 1 : 0,
    cagr,
    sharpe: sharpeFromSquares(returns.length, averageReturn, moments.squares, periodsPerYear),
    sortino: sortinoFromSquares(returns.length, averageReturn, moments.downsideSquares, periodsPerYear),
    maxDrawdown,
    calmar: cagr !== null && maxDrawdown > 0 ? cagr / maxDrawdown : null,
    winRate: trades.length > 0 ? trades.filter((t) => t.pnl > 0).length / trades.length : null,
    profitFactor: profitFactor(trades),
    exposure: n > 0 ? candlesInMarket / n : 0,
    // The losses were moved to the front of `returns`, which is not read again.
    var95: varFromLosses(returns.length, returns.subarray(0, moments.lossCount), VAR_95_TAIL),
    trades: trades.length,
    candles: n,
  };
}

/**
 * One pass over the equity curve for what computeMetrics reads of it: the per-candle returns, their sum (in
 * order, as mean() sums) and the max drawdown (as maxDrawdownOf).
 */
function walkCurve(equity: Float64Array): { returns: Float64Array; returnSum: number; maxDrawdown: number } {
  const returns = new Float64Array(Math.max(0, equity.length - 1));
  let returnSum = 0;
  let peak = Number.NEGATIVE_INFINITY;
  let maxDrawdown = 0;
  for (let i = 0; i < equity.length; i++) {
    const value = equity[i] as number;
    if (i > 0) {
      const previous = equity[i - 1] as number;
      // A candle that left the equity unchanged (flat, mostly) returns exactly +0 (x / x − 1 for finite x ≠ 0),
      // which `returns` already holds and which leaves the sum as it is, and repeats the last point's drawdown
      // against the same peak: both divisions are skipped without changing any result.
      if (value === previous && previous !== 0 && Number.isFinite(previous)) continue;
      const periodReturn = value / previous - 1;
      returns[i - 1] = periodReturn;
      returnSum += periodReturn;
    }
    if (value >= peak) peak = value;
    else if (peak > 0) {
      const drawdown = 1 - value / peak;
      if (drawdown > maxDrawdown) maxDrawdown = drawdown;
    }
  }
  return { returns, returnSum, maxDrawdown };
}

/**
 * One pass over the returns for Sharpe's squared deviations and Sortino's squared losses (summed in order, as
 * sharpeRatio and sortinoRatio sum them), moving the losses to the front of `returns`, in order, for var95.
 */
function returnMoments(
  returns: Float64Array,
  average: number,
): { squares: number; downsideSquares: number; lossCount: number } {
  let squares = 0;
  let downsideSquares = 0;
  let lossCount = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i] as number;
    const deviation = r - average;
    squares += deviation * deviation;
    if (r < 0) {
      downsideSquares += r * r;
      returns[lossCount++] = r;
    }
  }
  return { squares, downsideSquares, lossCount };
}

export function periodReturns(equity: Float64Array): Float64Array {
  const returns = new Float64Array(Math.max(0, equity.length - 1));
  for (let i = 1; i < equity.length; i++) returns[i - 1] = (equity[i] as number) / (equity[i - 1] as number) - 1;
  return returns;
}

// Indexed loops below, not for-of: iterating a typed array through its iterator is several times slower in V8.

function mean(values: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] as number;
  return sum / values.length;
}

/** `average`: mean(returns), when the caller has it already. */
export function sharpeRatio(returns: Float64Array, periodsPerYear: number, average = mean(returns)): number | null {
  let squares = 0;
  for (let i = 0; i < returns.length; i++) {
    const deviation = (returns[i] as number) - average;
    squares += deviation * deviation;
  }
  return sharpeFromSquares(returns.length, average, squares, periodsPerYear);
}

/** Sharpe from the sum of squared deviations from the mean of `count` returns. */
function sharpeFromSquares(count: number, average: number, squares: number, periodsPerYear: number): number | null {
  if (count < 2) return null;
  const deviation = Math.sqrt(squares / (count - 1));
  return deviation > 0 ? (average / deviation) * Math.sqrt(periodsPerYear) : null;
}

/** `average`: mean(returns), when the caller has it already. */
export function sortinoRatio(returns: Float64Array, periodsPerYear: number, average = mean(returns)): number | null {
  let downsideSquares = 0;
  for (let i = 0; i < returns.length; i++) {
    const r = returns[i] as number;
    if (r < 0) downsideSquares += r * r;
  }
  return sortinoFromSquares(returns.length, average, downsideSquares, periodsPerYear);
}

/** Sortino from the sum of squared negative returns among `count` returns. */
function sortinoFromSquares(
  count: number,
  average: number,
  downsideSquares: number,
  periodsPerYear: number,
): number | null {
  if (count < 2) return null;
  const downside = Math.sqrt(downsideSquares / count);
  return downside > 0 ? (average / downside) * Math.sqrt(periodsPerYear) : null;
}

export function maxDrawdownOf(equity: Float64Array): number {
  let peak = Number.NEGATIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < equity.length; i++) {
    const value = equity[i] as number;
    // At or above the peak the drawdown is 0: only points below it need the division.
    if (value >= peak) peak = value;
    else if (peak > 0) {
      const drawdown = 1 - value / peak;
      if (drawdown > worst) worst = drawdown;
    }
  }
  return worst;
}

/** Drawdown from the running peak at every point (0 at a new high), for charts. */
export function drawdownCurve(equity: Float64Array): Float64Array {
  const drawdowns = new Float64Array(equity.length);
  let peak = Number.NEGATIVE_INFINITY;
  equity.forEach((value, i) => {
    if (value > peak) peak = value;
    drawdowns[i] = peak > 0 ? 1 - value / peak : 0;
  });
  return drawdowns;
}

function profitFactor(trades: readonly ClosedTrade[]): number | null {
  let gains = 0;
  let losses = 0;
  for (const trade of trades) {
    if (trade.pnl > 0) gains += trade.pnl;
    else losses -= trade.pnl;
  }
  return losses > 0 ? gains / losses : null;
}

/**
 * The loss exceeded in `tail` of periods (empirical quantile, lower interpolation), as a positive fraction; 0 when
 * that quantile is not a loss. The quantile is searched among the losing periods only: when more of them lost than
 * the quantile's rank, it is one of them, else it is ≥ 0 (a NaN return, an unvalued period, counts as no loss).
 */
export function historicalVar(returns: Float64Array, tail: number): number | null {
  return varFromLosses(returns.length, lossesOf(returns), tail);
}

/** historicalVar from the losing returns (in any order) among `count` returns. */
function varFromLosses(count: number, losses: Float64Array, tail: number): number | null {
  if (count === 0) return null;
  const index = Math.floor(tail * (count - 1));
  return losses.length > index ? -kthSmallest(losses, index) : 0;
}

/** The negative values, in a new array. */
function lossesOf(returns: Float64Array): Float64Array {
  const losses = new Float64Array(returns.length);
  let count = 0;
  for (let i = 0; i < returns.length; i++) {
    const value = returns[i] as number;
    if (value < 0) losses[count++] = value;
  }
  return losses.subarray(0, count);
}

/**
 * The k-th smallest value (0-based) by quickselect with median-of-three pivots: O(n) on average where a full sort
 * is O(n log n); reorders `values`.
 */
export function kthSmallest(values: Float64Array, k: number): number {
  let low = 0;
  let high = values.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const pivot = medianOfThree(values[low] as number, values[middle] as number, values[high] as number);
    let i = low;
    let j = high;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const swap = values[i] as number;
        values[i] = values[j] as number;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else return values[k] as number;
  }
  return values[k] as number;
}

function medianOfThree(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}
