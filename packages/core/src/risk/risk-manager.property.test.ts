import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buy,
  decision,
  FixedPortfolio,
  feed,
  RecordingPort,
  sell,
  seriesFromCloses,
} from '../../test/risk-fixtures.ts';
import type { OrderRequest } from '../execution/types.ts';
import { RollingCorrelation } from '../indicators/rolling-correlation.ts';
import { RiskInputError } from './errors.ts';
import { Z_95, Z_99 } from './portfolio-var.ts';
import { type BotRiskConfig, PLATFORM_RISK_LIMITS } from './risk-config.ts';
import { RiskManager } from './risk-manager.ts';

const HOUR_MS = 3_600_000;
const WINDOW = 40;
const MIN_VAR_SAMPLES = 20;
const PLATFORM = { ...PLATFORM_RISK_LIMITS, maxStopLossFraction: null };
const TOLERANCE = 1e-9;

interface Scenario {
  returns: number[][];
  positions: number[];
  cash: number;
  drop: number;
  bot: BotRiskConfig;
  orders: { symbol: number; buy: boolean; size: number; confidence: number }[];
}

const scenario = fc.integer({ min: 1, max: 6 }).chain((symbols) =>
  fc.record<Scenario>({
    returns: fc.array(
      fc.array(fc.double({ min: -0.1, max: 0.1, noNaN: true }), { minLength: symbols, maxLength: symbols }),
      { minLength: 1, maxLength: 90, size: 'max' },
    ),
    /** Position values as fractions of the cash. */
    positions: fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.08, noNaN: true })), {
      minLength: symbols,
      maxLength: symbols,
    }),
    cash: fc.oneof(fc.constant(0), fc.double({ min: 100, max: 1e5, noNaN: true })),
    drop: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.3, noNaN: true })),
    bot: fc.record({
      maxPositionFraction: fc.double({ min: 0.001, max: 0.1, noNaN: true }),
      maxCorrelatedExposureFraction: fc.double({ min: 0.001, max: 0.1, noNaN: true }),
      correlationThreshold: fc.double({ min: 0, max: 0.7, noNaN: true }),
      minConfidence: fc.double({ min: 0.6, max: 1, noNaN: true }),
      maxVar95Fraction: fc.double({ min: 0.001, max: 0.03, noNaN: true }),
      maxVar99Fraction: fc.double({ min: 0.001, max: 0.05, noNaN: true }),
    }),
    orders: fc.array(
      fc.record({
        symbol: fc.integer({ min: 0, max: symbols - 1 }),
        buy: fc.boolean(),
        size: fc.oneof(
          fc.double({ min: 1e-6, max: 1e4, noNaN: true }),
          fc.double({ min: 1e-6, max: 1e7, noNaN: true }),
          fc.constant(1e12),
        ),
        confidence: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0.8, max: 1, noNaN: true })),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  }),
);

/** Closes from returns (the first candle at 100 + its index), and the per-step returns the manager will see. */
function marketOf(returns: number[][]) {
  const symbols = (returns[0] as number[]).length;
  return Array.from({ length: symbols }, (_, s) => {
    let price = 100 + s;
    const closes = [price, ...returns.map((row) => (price *= 1 + (row[s] as number)))];
    return seriesFromCloses(`S${s}-USDT`, closes);
  });
}

/** The one-day VaR of exposures over the last `window` returns, the obvious way (rebuild, sort). */
function naiveVar(stepReturns: number[][], exposures: number[]) {
  const n = stepReturns.length;
  const pnl = stepReturns.map((row) => row.reduce((sum, r, i) => sum + r * (exposures[i] as number), 0));
  const sorted = [...pnl].sort((a, b) => a - b);
  const mean = pnl.reduce((a, b) => a + b, 0) / n;
  const sigma = Math.sqrt(pnl.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const h = Math.sqrt(24);
  return {
    var95: Math.max(-(sorted[Math.floor(0.05 * (n - 1))] as number), 0, Z_95 * sigma) * h,
    var99: Math.max(-(sorted[Math.floor(0.01 * (n - 1))] as number), 0, Z_99 * sigma) * h,
  };
}

describe('RiskManager properties', () => {
  it('never approves an order beyond a cap, whatever the inputs', () => {
    let buysChecked = 0;
    let buysCheckedForVar = 0;
    fc.assert(
      fc.property(scenario, ({ returns, positions, cash, drop, bot, orders }) => {
        const series = marketOf(returns);
        const symbols = series.map((s) => s.symbol);
        const last = (series[0]?.length as number) - 1;
        const marks = series.map((s) => s.close[last] as number);
        const portfolio = new FixedPortfolio(cash);
        symbols.forEach((symbol, i) => {
          portfolio.marks.set(symbol, marks[i] as number);
          if ((positions[i] as number) > 0)
            portfolio.qty.set(symbol, ((positions[i] as number) * cash) / (marks[i] as number));
        });
        const equity = portfolio.valueOf();
        portfolio.equityQuote = equity;
        const config: BotRiskConfig = {
          ...bot,
          windowCandles: WINDOW,
          minVarSamples: MIN_VAR_SAMPLES,
          stopLossFraction: null,
        };
        const manager = new RiskManager({ platform: PLATFORM, bot: config });
        manager.start({ botId: 'p', symbols, candleMs: symbols.map(() => HOUR_MS), execution: new RecordingPort() });
        feed(manager, series, portfolio);
        portfolio.equityQuote = equity * (1 - drop); // a drawdown for the breaker (the books need not balance here)
        manager.onTimeStep((series[0]?.time[last] as number) + HOUR_MS, portfolio);
        const finalEquity = portfolio.equityQuote;

        // The same returns and correlations the manager saw, computed independently.
        const stepReturns: number[][] = [];
        const correlation = new RollingCorrelation({ symbols: symbols.length, window: WINDOW });
        for (let i = 0; i <= last + 1; i++) {
          const row = series.map((s) =>
            i === 0 || i > last ? 0 : (s.close[i] as number) / (s.close[i - 1] as number) - 1,
          );
          stepReturns.push(row);
          correlation.update(row);
        }
        const windowReturns = stepReturns.slice(-WINDOW);
        const windowFull = stepReturns.length >= WINDOW;

        const pending = symbols.map(() => 0);
        for (const planned of orders) {
          const symbol = symbols[planned.symbol] as string;
          const held = portfolio.positionQtyBase(symbol);
          const intent = planned.buy ? buy(symbol, planned.size) : sell(symbol, planned.size);
          const verdict = manager.review(
            intent,
            decision(planned.buy ? 'buy' : 'sell', planned.confidence, 1),
            portfolio,
            1,
          );
          if (verdict.kind === 'approve') expect(verdict.order).toBe(intent);
          if (verdict.order === null) continue;
          expect(verdict.kind === 'reject').toBe(false);
          const mode = verdict.mode ?? manager.mode;
          if (!planned.buy) {
            expect(verdict.order.qtyBase).toBeLessThanOrEqual(held);
            continue;
          }
          const spend = verdict.order.quoteQty as number;
          const s = planned.symbol;
          const value = (i: number) =>
            portfolio.positionQtyBase(symbols[i] as string) * (marks[i] as number) + (pending[i] as number);
          const slack = TOLERANCE * (1 + finalEquity);
          expect(mode.reducingOnly).toBe(false);
          expect(planned.confidence).toBeGreaterThanOrEqual(bot.minConfidence as number);
          expect(spend).toBeLessThanOrEqual(cash - pending.reduce((a, b) => a + b, 0) + slack);
          expect(value(s) + spend).toBeLessThanOrEqual(
            (bot.maxPositionFraction as number) * mode.sizeMultiplier * finalEquity + slack,
          );
          const kelly = Math.max(0, planned.confidence - (1 - planned.confidence)) * 0.5 * mode.sizeMultiplier;
          expect(value(s) + spend).toBeLessThanOrEqual(kelly * finalEquity + slack);
          let cluster = value(s) + spend;
          symbols.forEach((_, j) => {
            const r = correlation.correlation(s, j);
            if (j !== s && (r > (bot.correlationThreshold as number) || (Number.isNaN(r) && !windowFull)))
              cluster += value(j);
          });
          expect(cluster).toBeLessThanOrEqual((bot.maxCorrelatedExposureFraction as number) * finalEquity + slack);
          buysChecked++;
          if (windowReturns.length >= MIN_VAR_SAMPLES) {
            buysCheckedForVar++;
            const exposures = symbols.map((_, i) => value(i) + (i === s ? spend : 0));
            const { var95, var99 } = naiveVar(windowReturns, exposures);
            expect(var95).toBeLessThanOrEqual((bot.maxVar95Fraction as number) * finalEquity * (1 + 1e-6) + slack);
            expect(var99).toBeLessThanOrEqual((bot.maxVar99Fraction as number) * finalEquity * (1 + 1e-6) + slack);
          }
          pending[s] = (pending[s] as number) + spend;
          manager.onSubmitted(verdict.order, 1);
        }
      }),
      { numRuns: 500 },
    );
    // The property must have been exercised, not satisfied by refusing everything.
    expect(buysChecked).toBeGreaterThan(40);
    expect(buysCheckedForVar).toBeGreaterThan(20);
  });

  it('gives bad input a RiskInputError, never an approved order', () => {
    const corruptions = [
      'nan-mark',
      'infinite-equity',
      'negative-equity',
      'negative-cash',
      'unknown-symbol',
      'nan-quote',
      'negative-qty',
      'held-without-mark',
      'short-position',
      'no-size',
      'both-sizes',
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...corruptions), fc.double({ min: 1, max: 1e6, noNaN: true }), (corruption, size) => {
        const symbols = ['A-USDT', 'B-USDT'];
        const portfolio = new FixedPortfolio(10_000, { 'B-USDT': { qty: 1, mark: 50 } }, { 'A-USDT': 100 });
        const manager = new RiskManager({ platform: PLATFORM, bot: { stopLossFraction: null } });
        manager.start({ botId: 'p', symbols, candleMs: [HOUR_MS, HOUR_MS], execution: new RecordingPort() });
        feed(manager, [seriesFromCloses('A-USDT', [100, 101]), seriesFromCloses('B-USDT', [50, 50])], portfolio);
        let intent: OrderRequest = buy('A-USDT', size);
        if (corruption === 'nan-mark') portfolio.marks.set('A-USDT', Number.NaN);
        if (corruption === 'infinite-equity') portfolio.equityQuote = Number.POSITIVE_INFINITY;
        if (corruption === 'negative-equity') portfolio.equityQuote = -size;
        if (corruption === 'negative-cash') portfolio.cashQuote = -size;
        if (corruption === 'unknown-symbol') intent = buy('C-USDT', size);
        if (corruption === 'nan-quote') intent = buy('A-USDT', Number.NaN);
        if (corruption === 'negative-qty') intent = { ...intent, quoteQty: -size };
        if (corruption === 'held-without-mark') portfolio.marks.set('B-USDT', Number.NaN);
        if (corruption === 'short-position') portfolio.qty.set('B-USDT', -size);
        if (corruption === 'no-size') intent = { ...intent, quoteQty: undefined };
        if (corruption === 'both-sizes') intent = { ...intent, qtyBase: 1 };
        let outcome: string;
        try {
          outcome = manager.review(intent, decision('buy', 1), portfolio, 1).kind;
        } catch (error) {
          expect(error).toBeInstanceOf(RiskInputError);
          expect((error as Error).message).toMatch(/^risk input \S/);
          outcome = 'error';
        }
        expect(outcome).toBe('error');
      }),
    );
  });
});
