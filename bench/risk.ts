/**
 * Pre-trade risk check latency: one buy reviewed by the risk manager against a 20-asset portfolio, every rule on
 * (agent output, kill switch, breaker, min confidence, Kelly, position cap, correlation cluster from the rolling
 * correlation matrix, historical + parametric VaR at 95% and 99% over a 500-candle window, exchange constraints).
 * Target: p99 < 20 µs. Each call is timed alone (performance.now), so the percentiles include timer overhead.
 * Rows, measured in the same run:
 * - the full check, order approved (every rule evaluated, none binds: the common case);
 * - the full check, order resized by the VaR limit (the parametric bound solved in closed form, the historical one
 *   by bisection over the scenarios that can reach the tail: the worst case);
 * - baseline: the same check with the correlation and VaR rules off (what they cost);
 * - baseline: the VaR alone computed naively — scenario P&L rebuilt from all 20 return histories and fully sorted —
 *   which is what the incremental structures (cached scenario P&L, quickselect) avoid.
 */
import type { OrderRequest, OrderState } from '../packages/core/src/execution/types.ts';
import { allocateSeries, type CandleSeries } from '../packages/core/src/market/types.ts';
import { type BotRiskConfig, NO_PLATFORM_LIMITS } from '../packages/core/src/risk/risk-config.ts';
import { RiskManager } from '../packages/core/src/risk/risk-manager.ts';
import type { ExecutionPort, PortfolioView } from '../packages/core/src/risk/types.ts';
import type { Decision } from '../packages/core/src/strategy/types.ts';
import { printTable, verdict } from './table.ts';

const SYMBOLS = 20;
const WINDOW = 500;
const CANDLES = WINDOW + 50;
const HOUR_MS = 3_600_000;
const ITERATIONS = 200_000;
const RESIZE_ITERATIONS = 20_000;
const NAIVE_ITERATIONS = 20_000;
const P99_TARGET_US = 20;

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

/** Twenty markets driven by one common factor (crypto moves together) plus their own noise, hourly. */
function correlatedMarkets(): CandleSeries[] {
  const random = uniform(7);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const series = Array.from({ length: SYMBOLS }, (_, s) => allocateSeries(`C${s}-USDT`, CANDLES));
  const prices = series.map((_, s) => 10 + s);
  for (let i = 0; i < CANDLES; i++) {
    const factor = normal() * 0.01;
    series.forEach((candles, s) => {
      const open = prices[s] as number;
      const close = open * Math.exp(factor * (s % 3 === 0 ? 0.3 : 1) + normal() * 0.006);
      candles.time[i] = Date.UTC(2024, 0, 1) + i * HOUR_MS;
      candles.open[i] = open;
      candles.high[i] = Math.max(open, close) * 1.002;
      candles.low[i] = Math.min(open, close) * 0.998;
      candles.close[i] = close;
      candles.volume[i] = 1000;
      prices[s] = close;
    });
  }
  return series;
}

/** A portfolio of 20 positions worth 3% of equity each, marked at the last closes. */
class BenchPortfolio implements PortfolioView {
  equityQuote = 100_000;
  cashQuote = 40_000;
  private readonly qty = new Map<string, number>();
  private readonly marks = new Map<string, number>();

  constructor(series: readonly CandleSeries[]) {
    for (const candles of series) {
      const close = candles.close[candles.length - 1] as number;
      this.marks.set(candles.symbol, close);
      this.qty.set(candles.symbol, 3_000 / close);
    }
  }

  positionQtyBase(symbol: string): number {
    return this.qty.get(symbol) ?? 0;
  }

  markPrice(symbol: string): number {
    return this.marks.get(symbol) ?? Number.NaN;
  }
}

const silentPort: ExecutionPort = {
  submit(): Readonly<OrderState> {
    throw new Error('the benchmark sends no orders');
  },
  cancel: () => false,
  order: () => undefined,
  openOrders: () => [],
};

function warmedManager(series: readonly CandleSeries[], bot: BotRiskConfig, portfolio: PortfolioView): RiskManager {
  const manager = new RiskManager({
    platform: NO_PLATFORM_LIMITS,
    // As a live bot runs it: events streamed (onEvent), not kept in memory.
    retainEvents: false,
    bot: { stopLossFraction: null, takeProfitFraction: null, minConfidence: 0.6, kellyMultiplier: 0.5, ...bot },
  });
  manager.start({
    botId: 'bench',
    symbols: series.map((s) => s.symbol),
    candleMs: series.map(() => HOUR_MS),
    execution: silentPort,
  });
  for (let i = 0; i < CANDLES; i++) {
    series.forEach((candles, s) => {
      manager.onCandle(s, candles, i, portfolio);
    });
    manager.onTimeStep(series[0]?.time[i] as number, portfolio);
  }
  return manager;
}

interface Latency {
  p50: number;
  p99: number;
}

function latencyUs(iterations: number, body: () => unknown): Latency {
  for (let i = 0; i < Math.min(iterations, 2_000); i++) body();
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    body();
    samples[i] = (performance.now() - started) * 1000;
  }
  samples.sort();
  return {
    p50: samples[Math.floor(0.5 * (iterations - 1))] as number,
    p99: samples[Math.floor(0.99 * (iterations - 1))] as number,
  };
}

/** The historical and parametric VaR of the same scenarios, computed the obvious way (rebuild, full sort). */
function naiveVar(
  series: readonly CandleSeries[],
  portfolio: PortfolioView,
  symbol: number,
  extraQuote: number,
): number {
  const last = CANDLES - 1;
  const pnl = new Float64Array(WINDOW);
  series.forEach((candles, s) => {
    const value =
      portfolio.positionQtyBase(candles.symbol) * portfolio.markPrice(candles.symbol) + (s === symbol ? extraQuote : 0);
    for (let k = 0; k < WINDOW; k++) {
      const i = last - k;
      pnl[k] = (pnl[k] as number) + value * ((candles.close[i] as number) / (candles.close[i - 1] as number) - 1);
    }
  });
  const mean = pnl.reduce((a, b) => a + b, 0) / WINDOW;
  const sigma = Math.sqrt(pnl.reduce((a, b) => a + (b - mean) ** 2, 0) / (WINDOW - 1));
  pnl.sort();
  const horizon = Math.sqrt(24);
  return (
    Math.max(
      -(pnl[Math.floor(0.05 * (WINDOW - 1))] as number),
      1.6449 * sigma,
      -(pnl[Math.floor(0.01 * (WINDOW - 1))] as number),
      2.3263 * sigma,
    ) * horizon
  );
}

export function benchRisk(): void {
  const series = correlatedMarkets();
  const portfolio = new BenchPortfolio(series);
  const decision: Decision = { action: 'buy', targetExposure: 0.05, confidence: 0.8, reason: 'bench' };
  const time = (series[0]?.time[CANDLES - 1] as number) + HOUR_MS;
  const order = (quoteQty: number): OrderRequest => ({
    clientOrderId: 'bench:C5-USDT',
    symbol: 'C5-USDT',
    side: 'buy',
    type: 'market',
    quoteQty,
    reason: 'bench',
  });
  const allRules: BotRiskConfig = {
    maxPositionFraction: 0.1,
    maxCorrelatedExposureFraction: 0.95,
    correlationThreshold: 0.5,
    maxVar95Fraction: 0.05,
    maxVar99Fraction: 0.08,
    windowCandles: WINDOW,
  };
  const full = warmedManager(series, allRules, portfolio);
  const approved = order(2_000);
  const approvedKind = full.review(approved, decision, portfolio, time).kind;
  const fullLatency = latencyUs(ITERATIONS, () => full.review(approved, decision, portfolio, time));

  const tight = warmedManager(series, { ...allRules, maxVar95Fraction: 0.039, maxVar99Fraction: 0.061 }, portfolio);
  const resized = order(6_000);
  const resizedVerdict = tight.review(resized, decision, portfolio, time);
  const resizeLatency = latencyUs(RESIZE_ITERATIONS, () => tight.review(resized, decision, portfolio, time));

  const light = warmedManager(
    series,
    { ...allRules, maxCorrelatedExposureFraction: null, maxVar95Fraction: null, maxVar99Fraction: null },
    portfolio,
  );
  const lightLatency = latencyUs(ITERATIONS, () => light.review(approved, decision, portfolio, time));
  const naiveLatency = latencyUs(NAIVE_ITERATIONS, () => naiveVar(series, portfolio, 5, 2_000));

  const ratio = (latency: Latency) => `${(latency.p50 / fullLatency.p50).toFixed(2)}×`;
  const us = (value: number) => value.toFixed(2);
  printTable(
    `Pre-trade risk check, one order, ${SYMBOLS}-asset portfolio, ${WINDOW}-candle VaR window (µs per call, each timed alone)`,
    ['check', 'verdict', 'p50 µs', 'p99 µs', 'p50 vs full check', `target p99 < ${P99_TARGET_US} µs`],
    [
      [
        'full check (correlation + VaR), approved',
        approvedKind,
        us(fullLatency.p50),
        us(fullLatency.p99),
        '1.00×',
        verdict(fullLatency.p99 < P99_TARGET_US),
      ],
      [
        'full check, resized by the VaR limit (worst case)',
        resizedVerdict.kind,
        us(resizeLatency.p50),
        us(resizeLatency.p99),
        ratio(resizeLatency),
        verdict(resizeLatency.p99 < P99_TARGET_US),
      ],
      [
        'baseline: correlation and VaR off',
        'approve',
        us(lightLatency.p50),
        us(lightLatency.p99),
        ratio(lightLatency),
        '',
      ],
      [
        'baseline: naive VaR alone (rebuild + sort)',
        '',
        us(naiveLatency.p50),
        us(naiveLatency.p99),
        ratio(naiveLatency),
        '',
      ],
    ],
  );
}
