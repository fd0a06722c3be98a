/**
 * A synthetic market for offline use (no data folder, no internet) and for tests that need long or odd series.
 * Prices follow a seeded geometric random walk whose drift and volatility switch between bull, bear and sideways
 * regimes, so strategies see trends and ranges; candles are internally consistent (low ≤ open, close ≤ high).
 * Same seed, same candles. It is never presented as real data.
 */
import { allocateSeries, type CandleSeries } from './types.ts';

export interface SyntheticMarketOptions {
  symbol?: string;
  candles: number;
  /** Candle length; default one hour. */
  candleMs?: number;
  /** Open time of the first candle; default 2020-01-01 UTC. */
  startMs?: number;
  startPrice?: number;
  seed?: number;
}

interface Regime {
  driftPerCandle: number;
  volatilityPerCandle: number;
}

const REGIMES: readonly Regime[] = [
  { driftPerCandle: 0.0004, volatilityPerCandle: 0.008 }, // bull
  { driftPerCandle: -0.0004, volatilityPerCandle: 0.011 }, // bear
  { driftPerCandle: 0, volatilityPerCandle: 0.005 }, // sideways
];
/** Average regime length in candles (a regime ends with probability 1/length each candle). */
const MEAN_REGIME_CANDLES = 500;
const BASE_VOLUME = 100;

/** Seeded uniform numbers in [0, 1) (mulberry32). */
function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal from two uniforms (Box–Muller). */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function roundPrice(price: number): number {
  return Math.round(price * 100) / 100;
}

export function syntheticMarket(options: SyntheticMarketOptions): CandleSeries {
  const { candles, symbol = 'SYNTH-USDT', candleMs = 3_600_000, startMs = Date.UTC(2020, 0, 1), seed = 42 } = options;
  const random = uniform(seed);
  const series = allocateSeries(symbol, candles);
  let price = options.startPrice ?? 10_000;
  let regime = REGIMES[0] as Regime;
  for (let i = 0; i < candles; i++) {
    if (random() < 1 / MEAN_REGIME_CANDLES) regime = REGIMES[Math.floor(random() * REGIMES.length)] as Regime;
    const open = roundPrice(price);
    price = Math.max(0.01, price * Math.exp(regime.driftPerCandle + regime.volatilityPerCandle * normal(random)));
    const close = roundPrice(price);
    const wick = regime.volatilityPerCandle * price;
    series.time[i] = startMs + i * candleMs;
    series.open[i] = open;
    series.close[i] = close;
    series.high[i] = roundPrice(Math.max(open, close) + wick * random());
    series.low[i] = Math.max(0.01, roundPrice(Math.min(open, close) - wick * random()));
    series.volume[i] = Math.round(BASE_VOLUME * (0.5 + random()) * (1 + Math.abs(close - open) / wick) * 1e4) / 1e4;
  }
  return series;
}
