/**
 * The feature engine's options, their defaults and their validation. Indicator periods are TA-Lib's
 * classic ones (RSI 14, MACD 12/26/9, Bollinger 20/2, ATR 14, stochastic 14/3/3, ADX 14) and not options:
 * the feature names and the README describe those. The windows below are the engine's own.
 */

export interface FeatureEngineOptions {
  /** The run's symbols; `update(symbolIndex, …)` indexes this list. */
  symbols: readonly string[];
  /**
   * Symbol whose returns `btc_correlation` correlates with. Default: 'BTC-USDT' when in `symbols`, else the
   * first symbol starting with 'BTC', else none (the feature is masked). null: none. A named symbol that is
   * not in `symbols` is an error.
   */
  referenceSymbol?: string | null;
  /** Candles of every rolling z-score (returns, MACD histogram, band width, volume, volatility); default 200. */
  zScoreWindow?: number;
  /** Candles of 1-candle log returns whose standard deviation is the realised volatility; default 24. */
  volatilityWindow?: number;
  /** Paired returns in the rolling correlation to the reference; default 72. */
  correlationWindow?: number;
  /** Candles over which the OBV slope is taken; default 24. */
  obvSlopeWindow?: number;
  /** Candles of the rolling volume profile whose point of control is measured; default 200. */
  volumeProfileWindow?: number;
  /** Candles on each side a swing high or low must dominate to become a support/resistance level; default 5. */
  pivotStrength?: number;
  /** Age in candles after which a swing level no longer counts as support or resistance; default 500. */
  levelMaxAgeCandles?: number;
  /** Oldest order-book imbalance, in ms before the candle's close, still used; older is masked. Default 60 s. */
  orderBookMaxAgeMs?: number;
  /** Oldest funding rate, in ms before the candle's close, still used; older is masked. Default 9 h. */
  fundingRateMaxAgeMs?: number;
  /**
   * Candle length in ms, which places each candle's close (its decision time) for the staleness rule.
   * Default: inferred per symbol as the smallest step between its candle times seen so far; until a second
   * candle is seen, the close is taken to be the open (conservative: only older data qualifies).
   */
  candleMs?: number;
}

export type ResolvedFeatureOptions = Required<Omit<FeatureEngineOptions, 'referenceSymbol' | 'candleMs'>> & {
  /** Index of the reference symbol in `symbols`, or −1 when there is none. */
  referenceIndex: number;
  /** NaN when inferred. */
  candleMs: number;
};

/** A feature engine option that cannot work, named with what it must be. */
export class FeatureOptionsError extends RangeError {
  override name = 'FeatureOptionsError';
}

const SECOND_MS = 1_000;
const HOUR_MS = 3_600_000;

export const FEATURE_DEFAULTS = {
  zScoreWindow: 200,
  volatilityWindow: 24,
  correlationWindow: 72,
  obvSlopeWindow: 24,
  volumeProfileWindow: 200,
  pivotStrength: 5,
  levelMaxAgeCandles: 500,
  /** A book snapshot taken up to a minute before the close still describes the book at the close. */
  orderBookMaxAgeMs: 60 * SECOND_MS,
  /** Perpetual funding settles every 8 h; one more hour allows for a late fetch. */
  fundingRateMaxAgeMs: 9 * HOUR_MS,
} as const;

/** Smallest window for which a standard deviation or a correlation means anything. */
const MIN_STATISTIC_WINDOW = 2;
const DEFAULT_REFERENCE_SYMBOL = 'BTC-USDT';
const REFERENCE_PREFIX = 'BTC';

export function resolveFeatureOptions(options: FeatureEngineOptions): ResolvedFeatureOptions {
  const { symbols } = options;
  if (symbols.length === 0) throw new FeatureOptionsError('FeatureEngine: symbols must name at least one symbol');
  if (new Set(symbols).size !== symbols.length) {
    throw new FeatureOptionsError(`FeatureEngine: symbols must be distinct, got ${symbols.join(', ')}`);
  }
  const candleMs = options.candleMs ?? Number.NaN;
  if (options.candleMs !== undefined && !(candleMs > 0 && Number.isFinite(candleMs))) {
    throw new FeatureOptionsError(`FeatureEngine: candleMs must be a positive number of ms, got ${candleMs}`);
  }
  return {
    symbols,
    referenceIndex: referenceIndexOf(symbols, options.referenceSymbol),
    zScoreWindow: windowOption(options, 'zScoreWindow', MIN_STATISTIC_WINDOW),
    volatilityWindow: windowOption(options, 'volatilityWindow', MIN_STATISTIC_WINDOW),
    correlationWindow: windowOption(options, 'correlationWindow', MIN_STATISTIC_WINDOW),
    obvSlopeWindow: windowOption(options, 'obvSlopeWindow', 1),
    volumeProfileWindow: windowOption(options, 'volumeProfileWindow', 1),
    pivotStrength: windowOption(options, 'pivotStrength', 1),
    levelMaxAgeCandles: windowOption(options, 'levelMaxAgeCandles', 1),
    orderBookMaxAgeMs: ageOption(options, 'orderBookMaxAgeMs'),
    fundingRateMaxAgeMs: ageOption(options, 'fundingRateMaxAgeMs'),
    candleMs,
  };
}

function referenceIndexOf(symbols: readonly string[], referenceSymbol: string | null | undefined): number {
  if (referenceSymbol === null) return -1;
  if (referenceSymbol !== undefined) {
    const index = symbols.indexOf(referenceSymbol);
    if (index < 0) {
      throw new FeatureOptionsError(
        `FeatureEngine: referenceSymbol ${referenceSymbol} is not among the symbols (${symbols.join(', ')}); pass null for none`,
      );
    }
    return index;
  }
  const exact = symbols.indexOf(DEFAULT_REFERENCE_SYMBOL);
  return exact >= 0 ? exact : symbols.findIndex((symbol) => symbol.startsWith(REFERENCE_PREFIX));
}

type WindowOption =
  | 'zScoreWindow'
  | 'volatilityWindow'
  | 'correlationWindow'
  | 'obvSlopeWindow'
  | 'volumeProfileWindow'
  | 'pivotStrength'
  | 'levelMaxAgeCandles';

function windowOption(options: FeatureEngineOptions, name: WindowOption, minimum: number): number {
  const value = options[name] ?? FEATURE_DEFAULTS[name];
  if (!Number.isInteger(value) || value < minimum) {
    throw new FeatureOptionsError(`FeatureEngine: ${name} must be an integer ≥ ${minimum}, got ${value}`);
  }
  return value;
}

function ageOption(options: FeatureEngineOptions, name: 'orderBookMaxAgeMs' | 'fundingRateMaxAgeMs'): number {
  const value = options[name] ?? FEATURE_DEFAULTS[name];
  if (!(value >= 0)) throw new FeatureOptionsError(`FeatureEngine: ${name} must be ≥ 0 ms, got ${value}`);
  return value;
}
