/**
 * The taker-flow imbalance on a known trade list, exactly: (buy − sell) / (buy + sell) of the base amounts in
 * (T − window, T], and masked whenever the list behind it is not known to be whole and fresh.
 */
import { describe, expect, it } from 'vitest';
import type { MarketTrade, TakerSide } from '../../src/market/market-trade.ts';
import { TakerFlowWindow } from '../../src/market/taker-flow-window.ts';

const T0 = Date.UTC(2026, 10, 26, 8);
const SECOND = 1_000;

function trade(id: number, secondsAfter: number, side: TakerSide, amountBase: number): MarketTrade {
  return { id: String(id), timeMs: T0 + secondsAfter * SECOND, side, amountBase, priceQuote: 30_000 };
}

/** Buys 1.5 + 0.25 + 2 and sells 0.75 + 1 within the minute ending at T0 + 70 s; one older buy outside it. */
const KNOWN = [
  trade(1, 5, 'buy', 8),
  trade(2, 12, 'buy', 1.5),
  trade(3, 20, 'sell', 0.75),
  trade(4, 20, 'buy', 0.25),
  trade(5, 41, 'sell', 1),
  trade(6, 70, 'buy', 2),
];

function windowWith(trades: readonly MarketTrade[], coveredUntilMs: number): TakerFlowWindow {
  const window = new TakerFlowWindow({ windowMs: 60 * SECOND, maxLagMs: 10 * SECOND });
  window.restart(T0);
  window.add(trades);
  window.cover(coveredUntilMs);
  return window;
}

describe('TakerFlowWindow', () => {
  it('is (buy − sell) / (buy + sell) over the trades of the window ending at the decision, exactly', () => {
    const window = windowWith(KNOWN, T0 + 80 * SECOND);
    // (10, 70]: buys 1.5 + 0.25 + 2 = 3.75, sells 0.75 + 1 = 1.75 → 2 / 5.5.
    expect(window.readingAt(T0 + 70 * SECOND)).toEqual({ value: 2 / 5.5, timeMs: T0 + 70 * SECOND });
    // (0, 60]: the 8 bought at 5 s counts, the 2 at 70 s is the decision's future → (9.75 − 1.75) / 11.5.
    expect(window.readingAt(T0 + 60 * SECOND)).toEqual({ value: 8 / 11.5, timeMs: T0 + 60 * SECOND });
    // A trade exactly at T − window is out, one exactly at T is in: (20, 80] holds 1 sell and 2 bought.
    expect(window.readingAt(T0 + 80 * SECOND)?.value).toBe((2 - 1) / 3);
  });

  it('is +1 when only takers bought, −1 when only they sold', () => {
    expect(windowWith([trade(1, 61, 'buy', 3)], T0 + 62 * SECOND).readingAt(T0 + 62 * SECOND)?.value).toBe(1);
    expect(windowWith([trade(1, 61, 'sell', 3)], T0 + 62 * SECOND).readingAt(T0 + 62 * SECOND)?.value).toBe(-1);
  });

  it('is masked before a whole window is covered, and when no trade happened in it', () => {
    const window = windowWith(KNOWN, T0 + 200 * SECOND);
    expect(window.readingAt(T0 + 59 * SECOND)).toBeNull();
    expect(window.readingAt(T0 + 200 * SECOND)).toBeNull();
  });

  it('ends the window at the coverage when it lags a little, and masks it when it lags more or is failing', () => {
    const window = windowWith(KNOWN, T0 + 70 * SECOND);
    expect(window.readingAt(T0 + 75 * SECOND)).toEqual({ value: 2 / 5.5, timeMs: T0 + 70 * SECOND });
    expect(window.readingAt(T0 + 81 * SECOND)).toBeNull();
    window.fail();
    expect(window.readingAt(T0 + 75 * SECOND)).toBeNull();
    // What was covered before the failure is still known.
    expect(window.readingAt(T0 + 70 * SECOND)?.value).toBe(2 / 5.5);
    window.cover(T0 + 76 * SECOND);
    // Covered again: the window is the decision's own, (15, 75]: buys 0.25 + 2, sells 0.75 + 1.
    expect(window.readingAt(T0 + 75 * SECOND)).toEqual({ value: 0.5 / 4, timeMs: T0 + 75 * SECOND });
  });

  it('starts over after a restart: the trades before it are forgotten and a new window must pass', () => {
    const window = windowWith(KNOWN, T0 + 80 * SECOND);
    window.restart(T0 + 100 * SECOND);
    window.add([trade(7, 150, 'sell', 1)]);
    window.cover(T0 + 170 * SECOND);
    expect(window.readingAt(T0 + 150 * SECOND)).toBeNull();
    expect(window.readingAt(T0 + 170 * SECOND)).toEqual({ value: -1, timeMs: T0 + 170 * SECOND });
  });
});
