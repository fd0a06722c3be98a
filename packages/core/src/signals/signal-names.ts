/**
 * The market signals beyond the candles that may reach a decision, each as two columns of the signal vector
 * (signal-vector.ts): `<name>`, the reading scaled to about [−1, 1] (0 when masked), and `<name>_available`, 1 or 0 —
 * the FeatureEngine's `funding_rate` / `funding_available` convention, kept apart from its 22 feature columns.
 * Backtests have no signals: every one is masked there, so a strategy must behave as before when a flag is 0.
 * Two kinds: signals from outside the exchange, the same for every market (the worker's SignalBoard writes them),
 * and signals of the decision's own market from the exchange's data (its MarketExtrasHub writes them per market).
 *
 * The scales say which raw value counts as a full-strength signal; they were set from each source's documented
 * range, not fitted to any data.
 */

/** From outside the exchange, one value for every market. */
export const OUTSIDE_SIGNAL_NAMES = [
  'fear_greed',
  'market_cap_change_24h',
  'btc_dominance',
  'whale_exchange_netflow',
  'eth_block_fullness',
] as const;

/** Of the decision's market, from the exchange's own data. */
export const MARKET_SIGNAL_NAMES = ['taker_flow_imbalance'] as const;

export const SIGNAL_NAMES = [...OUTSIDE_SIGNAL_NAMES, ...MARKET_SIGNAL_NAMES] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];

export const SIGNAL_INDEX = Object.fromEntries(SIGNAL_NAMES.map((name, index) => [name, index])) as Record<
  SignalName,
  number
>;

/** The vector's column names, in column order: each signal's value, then its availability flag. */
export const SIGNAL_COLUMN_NAMES: readonly string[] = SIGNAL_NAMES.flatMap((name) => [name, `${name}_available`]);

/** Total market cap change over 24 h (%) that counts as a full-strength move. */
const FULL_MARKET_CAP_CHANGE_PCT = 10;
/** BTC dominance is read around an even split, a full signal 25 points away (25 % or 75 %). */
const DOMINANCE_MIDPOINT_PCT = 50;
const DOMINANCE_FULL_SPAN_PCT = 25;
/** Net USD flowing into exchanges over an hour that reads as tanh(1) ≈ 0.76 of a full signal. */
const WHALE_NETFLOW_SCALE_USD = 250_000_000;

function clampUnit(value: number): number {
  return Math.max(-1, Math.min(1, value));
}

/** Raw reading (in the provider's unit) → the vector's value in [−1, 1]. */
export const SIGNAL_SCALES: Record<SignalName, (raw: number) => number> = {
  /** alternative.me's index 0 (extreme fear) … 100 (extreme greed). */
  fear_greed: (index) => clampUnit((index - 50) / 50),
  /** CoinGecko's market_cap_change_percentage_24h_usd, in %. */
  market_cap_change_24h: (percent) => clampUnit(percent / FULL_MARKET_CAP_CHANGE_PCT),
  /** CoinGecko's market_cap_percentage.btc, in %. */
  btc_dominance: (percent) => clampUnit((percent - DOMINANCE_MIDPOINT_PCT) / DOMINANCE_FULL_SPAN_PCT),
  /** Whale Alert transfers to exchanges minus from exchanges over the last hour, USD: > 0 is selling pressure. */
  whale_exchange_netflow: (usd) => Math.tanh(usd / WHALE_NETFLOW_SCALE_USD),
  /** Etherscan's mean gasUsedRatio of recent blocks, 0 … 1 (EIP-1559 targets 0.5). */
  eth_block_fullness: (ratio) => clampUnit(2 * ratio - 1),
  /** (taker buy − taker sell) / (buy + sell) base volume of the market's trades over the last minute, −1 … 1. */
  taker_flow_imbalance: (imbalance) => clampUnit(imbalance),
};

export function isSignalName(name: string): name is SignalName {
  return (SIGNAL_NAMES as readonly string[]).includes(name);
}
