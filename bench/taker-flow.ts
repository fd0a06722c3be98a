/**
 * The taker-flow signal's cost on the worker (market/taker-flow-stream.ts's pure parts), one core:
 * - taking trades: each websocket batch or REST page through the trade cursor (dedupe) into the rolling window,
 *   at a busy market's pace (BTC-USDT: tens of aggregate trades a second, bursts of hundreds), against the baseline
 *   of pushing the same trades into an array. Target: ≥ 100 k trades/s, a hundred times a burst.
 * - reading it at a decision: the imbalance over the last minute of 200 trades/s (12,000 trades), against the
 *   baseline of summing those amounts in a plain loop. Target: ≤ 100 µs, a thousandth of the decision budget.
 */
import type { MarketTrade } from '../worker/src/market/market-trade.ts';
import { TakerFlowWindow } from '../worker/src/market/taker-flow-window.ts';
import { TradeCursor } from '../worker/src/market/trade-cursor.ts';
import { bestSeconds, formatRate, printTable, verdict } from './table.ts';

const TRADES_PER_SECOND = 200;
const SECONDS = 600;
const BATCH = 20;
const REPEATS = 5;
const READINGS = 2_000;
const INGEST_TARGET_PER_SECOND = 100_000;
const READING_TARGET_MICROSECONDS = 100;
const T0 = Date.UTC(2026, 10, 26, 8);

function tape(): MarketTrade[] {
  return Array.from({ length: TRADES_PER_SECOND * SECONDS }, (_, at) => ({
    id: String(at),
    timeMs: T0 + Math.floor((at * 1_000) / TRADES_PER_SECOND),
    side: at % 3 === 0 ? 'sell' : 'buy',
    amountBase: ((at * 7) % 40) / 8 + 0.125,
    priceQuote: 30_000,
  }));
}

function ingest(trades: readonly MarketTrade[]): TakerFlowWindow {
  const cursor = new TradeCursor(T0 - 1);
  const window = new TakerFlowWindow();
  window.restart(T0 - 1);
  for (let at = 0; at < trades.length; at += BATCH) {
    const batch = trades.slice(at, at + BATCH);
    window.add(cursor.take(batch));
    window.cover((batch[batch.length - 1] as MarketTrade).timeMs);
  }
  return window;
}

export function benchTakerFlow(): void {
  const trades = tape();
  const ingestSeconds = bestSeconds(REPEATS, () => ingest(trades));
  const baselineIngestSeconds = bestSeconds(REPEATS, () => {
    const kept: MarketTrade[] = [];
    for (let at = 0; at < trades.length; at += BATCH) kept.push(...trades.slice(at, at + BATCH));
  });
  const ingestRate = trades.length / ingestSeconds;
  printTable(
    `Taker flow: taking ${trades.length.toLocaleString('en')} trades in batches of ${BATCH}`,
    ['path', 'trades/s', 'vs baseline'],
    [
      ['baseline: push into an array', formatRate(trades.length / baselineIngestSeconds), '1.00×'],
      ['cursor + rolling window', formatRate(ingestRate), `${(baselineIngestSeconds / ingestSeconds).toFixed(2)}×`],
      ['target ≥ 100 k/s', verdict(ingestRate >= INGEST_TARGET_PER_SECOND), ''],
    ],
  );

  const window = ingest(trades);
  const endMs = (trades[trades.length - 1] as MarketTrade).timeMs;
  const lastMinute = trades.filter((trade) => trade.timeMs > endMs - 60_000);
  const readingSeconds =
    bestSeconds(REPEATS, () => {
      for (let at = 0; at < READINGS; at++) window.readingAt(endMs - (at % 1_000));
    }) / READINGS;
  const baselineSeconds =
    bestSeconds(REPEATS, () => {
      for (let at = 0; at < READINGS; at++) {
        let signed = 0;
        for (const trade of lastMinute) signed += trade.side === 'buy' ? trade.amountBase : -trade.amountBase;
        if (Number.isNaN(signed)) throw new Error('unreachable');
      }
    }) / READINGS;
  const micro = (seconds: number) => `${(seconds * 1e6).toFixed(1)} µs`;
  printTable(
    `Taker flow: one reading over the last minute (${lastMinute.length.toLocaleString('en')} trades)`,
    ['path', 'per reading', 'vs baseline'],
    [
      ['baseline: sum the minute in a loop', micro(baselineSeconds), '1.00×'],
      ['TakerFlowWindow.readingAt', micro(readingSeconds), `${(readingSeconds / baselineSeconds).toFixed(2)}×`],
      ['target ≤ 100 µs', verdict(readingSeconds * 1e6 <= READING_TARGET_MICROSECONDS), ''],
    ],
  );
}
