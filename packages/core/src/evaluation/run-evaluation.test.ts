import { beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../test/shared-data.ts';
import { RULE_AGENT_NAMES } from '../agents/types.ts';
import type { WalkForwardResult } from '../backtest/walk-forward-run.ts';
import { loadCandlesCsv } from '../market/csv.ts';
import { type CandleSeries, sliceSeries } from '../market/types.ts';
import { chooseTfBackend } from '../ppo/tf-backend.ts';
import { BUY_AND_HOLD } from './buy-and-hold.ts';
import { ppoFitter } from './ppo-fit.ts';
import { type CoinEvaluation, ENSEMBLE, type Evaluation, OVERALL, PPO, runEvaluation } from './run-evaluation.ts';

const YEAR_MS = 365.25 * 24 * 3_600_000;
const HOUR_MS = 3_600_000;
const STRATEGIES = [...RULE_AGENT_NAMES, PPO, ENSEMBLE, BUY_AND_HOLD];

/** Sharpe of an equity curve's per-candle returns, computed here independently of backtest/metrics.ts. */
function sharpeOf(equity: Float64Array): number {
  const returns = Array.from(equity.subarray(1), (value, i) => value / (equity[i] as number) - 1);
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
  const variance = returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (returns.length - 1);
  return (mean / Math.sqrt(variance)) * Math.sqrt(YEAR_MS / HOUR_MS);
}

function worstDrawdownOf(equity: Float64Array): number {
  let peak = 0;
  let worst = 0;
  for (const value of equity) {
    peak = Math.max(peak, value);
    worst = Math.max(worst, (peak - value) / peak);
  }
  return worst;
}

describe.skipIf(!hasSharedData())('runEvaluation on a real BTC-USDT hourly slice (2021)', () => {
  let btc: CandleSeries;
  let evaluation: Evaluation;
  const trained: string[] = [];
  beforeAll(async () => {
    await chooseTfBackend();
    btc = sliceSeries(loadCandlesCsv(dataFile('BTC-USDT_1h.csv')), 26_000, 30_000);
    evaluation = runEvaluation([btc], {
      trainCandles: 2000,
      testCandles: 500,
      fitPpo: ppoFitter({ steps: 64, seed: 1, environment: {}, onTrained: (symbol) => trained.push(symbol) }),
    });
  }, 120_000);

  it('has one row per strategy for the coin and overall, in the JSON-able shape', () => {
    expect(evaluation.strategies).toEqual(STRATEGIES);
    expect(evaluation.rows.map((row) => `${row.coin}/${row.strategy}`)).toEqual([
      ...STRATEGIES.map((s) => `BTC-USDT/${s}`),
      ...STRATEGIES.map((s) => `${OVERALL}/${s}`),
    ]);
    for (const row of evaluation.rows) {
      expect(Number.isFinite(row.totalReturn)).toBe(true);
      expect(row.maxDrawdown).toBeGreaterThanOrEqual(0);
    }
  });

  it('trains PPO once per window, on its training candles, for both the ppo row and the ensemble', () => {
    const windows = ((evaluation.coins[0] as CoinEvaluation).runs.get(PPO) as WalkForwardResult).windows;
    expect(windows).toHaveLength(4);
    expect(trained).toEqual(windows.map(() => 'BTC-USDT'));
  });

  it('trades only inside test windows: every round trip opens and closes within one', () => {
    const coin = evaluation.coins[0];
    for (const strategy of STRATEGIES) {
      const run = coin?.runs.get(strategy) as WalkForwardResult;
      for (const window of run.windows) {
        for (const trade of window.result.trades) {
          expect(trade.entryTime).toBeGreaterThan(window.testFrom);
          expect(trade.exitTime).toBeLessThan(window.testTo);
        }
      }
      expect(run.trades.length).toBe(run.windows.reduce((n, w) => n + w.result.trades.length, 0));
    }
    // Buy-and-hold buys once per test window and pays its fees there.
    const hold = coin?.runs.get(BUY_AND_HOLD) as WalkForwardResult;
    expect(hold.trades).toHaveLength(4);
    expect(hold.trades.every((trade) => trade.fees > 0)).toBe(true);
  });

  it('reports metrics that match the stitched out-of-sample curve, recomputed independently', () => {
    for (const row of evaluation.rows.filter((r) => r.coin === 'BTC-USDT')) {
      const curve = evaluation.curves.find((c) => c.coin === row.coin && c.strategy === row.strategy)?.curve;
      const equity = curve?.equity as Float64Array;
      expect(curve?.time[0]).toBe(btc.time[2000]);
      expect(equity.length).toBe(2000);
      expect(row.totalReturn).toBeCloseTo((equity[equity.length - 1] as number) / (equity[0] as number) - 1, 12);
      expect(row.maxDrawdown).toBeCloseTo(worstDrawdownOf(equity), 12);
      if (row.sharpe !== null) expect(row.sharpe).toBeCloseTo(sharpeOf(equity), 9);
    }
  });

  it('with one coin, the overall portfolio is that coin', () => {
    for (const strategy of STRATEGIES) {
      const coinRow = evaluation.rows.find((r) => r.coin === 'BTC-USDT' && r.strategy === strategy);
      const overallRow = evaluation.rows.find((r) => r.coin === OVERALL && r.strategy === strategy);
      expect(overallRow?.totalReturn).toBeCloseTo(coinRow?.totalReturn as number, 9);
      expect(overallRow?.trades).toBe(coinRow?.trades);
    }
  });

  it('gives the regime timeline over the test windows as contiguous segments', () => {
    const coin = evaluation.coins[0];
    const segments = coin?.regimes ?? [];
    expect(segments[0]?.from).toBe(coin?.testFrom);
    expect(segments.at(-1)?.to).toBe(coin?.testTo);
    segments.slice(1).forEach((segment, i) => {
      expect(segment.from).toBe(segments[i]?.to);
      expect(segment.regime).not.toBe(segments[i]?.regime);
    });
  });
});
