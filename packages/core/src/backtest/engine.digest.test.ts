/**
 * Backtest results on real data, pinned to the last bit: trades, metrics, equity curve and risk events, serialised
 * as `keel backtest --json` prints them and hashed. Speed work on the engine, pipeline, broker or ledger must leave
 * these unchanged; a change meant to alter results updates the digests and says why.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../test/shared-data.ts';
import { loadCandlesCsv } from '../market/csv.ts';
import { smaCross } from '../strategy/sma-cross.ts';
import { type BacktestResult, runBacktest } from './engine.ts';

/** The CLI's defaults: fee 0.001 for takers and makers, no slippage, 10,000 quote, approveAll. */
const CLI_COSTS = { takerFeeRate: 0.001, makerFeeRate: 0.001, slippageBps: 0 };

function cliJsonDigest(result: BacktestResult): string {
  const equity = Array.from(result.equity.equity, (value, i) => [result.equity.time[i], value]);
  const json = JSON.stringify({
    trades: result.trades,
    metrics: result.metrics,
    equity,
    riskEvents: result.riskEvents,
  });
  return createHash('sha256').update(json).digest('hex');
}

function digestOf(files: readonly string[], fast: number, slow: number): string {
  const series = files.map((file) => loadCandlesCsv(dataFile(file)));
  return cliJsonDigest(runBacktest(series, smaCross({ fast, slow }), { initialCashQuote: 10_000, costs: CLI_COSTS }));
}

describe.skipIf(!hasSharedData())('backtest results on real data (digests of keel backtest --json)', () => {
  it('sma-cross(10,30) on BTC 1h', () => {
    expect(digestOf(['BTC-USDT_1h.csv'], 10, 30)).toBe(
      'b100cfa3fdf4d104b58338fcb2760e094ab5c296915656b84cd87592cf851ab1',
    );
  });

  it('sma-cross(10,30) on BTC 1m', () => {
    expect(digestOf(['BTC-USDT_1m.csv'], 10, 30)).toBe(
      'be3cad6cca79a453e2b54dd837193be065bc2d2c9c89e0fa6ff5b75ca85edc13',
    );
  });

  it('sma-cross(5,20) on BTC, ETH and SOL 1h together', () => {
    expect(digestOf(['BTC-USDT_1h.csv', 'ETH-USDT_1h.csv', 'SOL-USDT_1h.csv'], 5, 20)).toBe(
      'd33e5a37ce6b6eb0daa718dd4e56b76f0d7dab021a476685949a8906588b59c1',
    );
  });
});
