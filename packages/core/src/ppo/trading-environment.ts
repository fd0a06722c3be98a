/**
 * The market the PPO agent learns in: one symbol's candles and precomputed feature rows, a long-only spot account,
 * and the backtester's timing — the action chosen on candle i's close trades at candle i+1's open, paying the fee
 * and the slippage on the traded notional, and the position is marked at i+1's close.
 *
 * Reward (risk-adjusted return, in per-cent units so the critic sees values of order 1):
 *   r = 100 · (g − riskAversion · g²),   g = ln(E₍ᵢ₊₁₎ / Eᵢ)  (the account's log return after costs)
 * Summed log returns are the compounded return, whose maximiser is the Kelly exposure μ/σ²; the quadratic term
 * charges the return's variance as well, and with riskAversion ½ the best constant exposure becomes μ/(2σ²) — half
 * Kelly, the sizing the risk stage uses too. Costs enter through g (fees and slippage lower the equity), so churning
 * is punished exactly as much as it costs. Flat earns exactly 0.
 * (A drawdown-deepening charge was tried first: on hourly candles it charges almost every down move, which made
 * flat optimal even without fees.)
 *
 * Money here is float64: the environment is a training simulator run millions of times; the exact ledger is in the
 * backtester, which is what `keel backtest --strategy ppo` reports.
 */
import { needsRebalance, targetExposureOf } from './actions.ts';

export interface TradingEnvironmentOptions {
  /** Fee per side as a fraction of the traded notional; default 0.001 (Binance spot taker). */
  feeRate?: number;
  /** Price moves against each fill by this many basis points; default 5. */
  slippageBps?: number;
  /** Position limit: the largest position value as a fraction of equity, 0 to 1; default 1. */
  maxExposure?: number;
  /** λ of the reward's variance charge; default 0.5 (half Kelly). */
  riskAversion?: number;
}

export const ENVIRONMENT_DEFAULTS: Required<TradingEnvironmentOptions> = {
  feeRate: 0.001,
  slippageBps: 5,
  maxExposure: 1,
  riskAversion: 0.5,
};

const REWARD_SCALE = 100;
const BPS = 1e-4;

/** One symbol's candles with its feature rows, as the environment reads them. */
export interface MarketWindow {
  symbol: string;
  time: Float64Array;
  open: Float64Array;
  close: Float64Array;
  /** Row i (width values) is candle i's feature vector. */
  features: Float32Array;
  width: number;
}

export class EnvironmentOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvironmentOptionsError';
  }
}

export function resolveEnvironmentOptions(options: TradingEnvironmentOptions): Required<TradingEnvironmentOptions> {
  const resolved = { ...ENVIRONMENT_DEFAULTS, ...options };
  const { feeRate, slippageBps, maxExposure, riskAversion } = resolved;
  if (!(feeRate >= 0 && feeRate < 0.1))
    throw new EnvironmentOptionsError(`feeRate must be in [0, 0.1), got ${feeRate}`);
  if (!(slippageBps >= 0 && slippageBps < 1000)) {
    throw new EnvironmentOptionsError(`slippageBps must be in [0, 1000), got ${slippageBps}`);
  }
  if (!(maxExposure > 0 && maxExposure <= 1)) {
    throw new EnvironmentOptionsError(`maxExposure must be in (0, 1], got ${maxExposure}`);
  }
  if (!(riskAversion >= 0 && Number.isFinite(riskAversion))) {
    throw new EnvironmentOptionsError(`riskAversion must be ≥ 0, got ${riskAversion}`);
  }
  return resolved;
}

export class TradingEnvironment {
  readonly options: Required<TradingEnvironmentOptions>;
  /** Network input for the current candle: scaled features, then the held exposure. */
  readonly observation: Float32Array;
  /** Candle whose close the agent is deciding on. */
  index = 0;
  equityQuote = 1;
  private market: MarketWindow;
  private readonly inputScale: Float32Array;
  private cashQuote = 1;
  private qtyBase = 0;
  /** Candles traded (with a fill) since reset. */
  trades = 0;

  /** `inputScale[k]` multiplies feature k (the model's normalisation). */
  constructor(market: MarketWindow, inputScale: Float32Array, options: TradingEnvironmentOptions = {}) {
    this.options = resolveEnvironmentOptions(options);
    this.market = market;
    this.inputScale = inputScale;
    this.observation = new Float32Array(market.width + 1);
  }

  /** Starts flat with equity 1 at candle `index` of `market`. */
  reset(market: MarketWindow, index: number): void {
    this.market = market;
    this.index = index;
    this.cashQuote = 1;
    this.qtyBase = 0;
    this.equityQuote = 1;
    this.trades = 0;
    this.observe();
  }

  /** The held position's value as a fraction of equity at the current close. */
  exposure(): number {
    return (this.qtyBase * (this.market.close[this.index] as number)) / this.equityQuote;
  }

  /** Applies `action` (an index into ACTION_EXPOSURES) and moves to the next candle; returns the reward. */
  step(action: number): number {
    const market = this.market;
    const next = this.index + 1;
    const openPrice = market.open[next] as number;
    const target = targetExposureOf(action, this.options.maxExposure);
    if (needsRebalance(this.exposure(), target, this.options.maxExposure)) this.rebalance(openPrice, target);
    const previousEquity = this.equityQuote;
    this.index = next;
    this.equityQuote = this.cashQuote + this.qtyBase * (market.close[next] as number);
    this.observe();
    const logReturn = Math.log(this.equityQuote / previousEquity);
    return REWARD_SCALE * (logReturn - this.options.riskAversion * logReturn * logReturn);
  }

  /** Trades at `openPrice` to `targetExposure` of the equity valued at that price, paying slippage and fee. */
  private rebalance(openPrice: number, targetExposure: number): void {
    const { feeRate, slippageBps } = this.options;
    const heldValue = this.qtyBase * openPrice;
    const targetValue = targetExposure * (this.cashQuote + heldValue);
    if (targetValue > heldValue) {
      const spendQuote = Math.min(this.cashQuote, targetValue - heldValue);
      this.qtyBase += spendQuote / (1 + feeRate) / (openPrice * (1 + slippageBps * BPS));
      this.cashQuote -= spendQuote;
    } else {
      const sellQty = targetExposure === 0 ? this.qtyBase : (heldValue - targetValue) / openPrice;
      this.cashQuote += sellQty * openPrice * (1 - slippageBps * BPS) * (1 - feeRate);
      this.qtyBase -= sellQty;
    }
    this.trades++;
  }

  private observe(): void {
    const { features, width } = this.market;
    const row = this.index * width;
    for (let k = 0; k < width; k++) {
      this.observation[k] = (features[row + k] as number) * (this.inputScale[k] as number);
    }
    this.observation[width] = this.exposure();
  }
}
