import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DECIMAL_ONE } from '../money/decimal.ts';
import { decimalFromString } from '../money/parse.ts';
import {
  type Match,
  type MatchableOrder,
  type MatchingRules,
  matchOrder,
  slippedPriceQuote,
} from './order-matching.ts';
import type { OrderType, Side } from './types.ts';

const d = decimalFromString;
const exact: MatchingRules = {
  buyPriceMultiplier: DECIMAL_ONE,
  sellPriceMultiplier: DECIMAL_ONE,
  tickSizeQuote: null,
  limitFillRequiresTradeThrough: false,
};
/** 10 bps of slippage. */
const slipped: MatchingRules = { ...exact, buyPriceMultiplier: d('1.001'), sellPriceMultiplier: d('0.999') };

function order(side: Side, type: OrderType, price = Number.NaN, stopTriggered = false): MatchableOrder {
  return {
    side,
    type,
    limitPriceQuote: type === 'limit' ? price : Number.NaN,
    stopPriceQuote: type === 'stop' ? price : Number.NaN,
    stopTriggered,
  };
}

/** Matches against candle (open, high, low); returns [price, liquidity] or null. */
function run(o: MatchableOrder, candle: [number, number, number], rules = exact, arriving = false) {
  const out: Match = { priceQuote: Number.NaN, liquidity: 'taker' };
  return matchOrder(o, arriving, ...candle, rules, out) ? [out.priceQuote, out.liquidity] : null;
}

describe('matchOrder', () => {
  it('fills market orders at the open, slipped against the trader', () => {
    expect(run(order('buy', 'market'), [100, 110, 90])).toEqual([100, 'taker']);
    expect(run(order('buy', 'market'), [100, 110, 90], slipped)).toEqual([100.1, 'taker']);
    expect(run(order('sell', 'market'), [100, 110, 90], slipped)).toEqual([99.9, 'taker']);
  });

  it('caps slippage at the candle range', () => {
    expect(run(order('buy', 'market'), [100, 100.05, 99], slipped)).toEqual([100.05, 'taker']);
    expect(run(order('sell', 'market'), [100, 101, 99.95], slipped)).toEqual([99.95, 'taker']);
  });

  it('fills a resting limit at the limit when touched, at the open when gapped through', () => {
    expect(run(order('buy', 'limit', 95), [100, 101, 95])).toEqual([95, 'maker']);
    expect(run(order('buy', 'limit', 95), [100, 101, 95.01])).toBeNull();
    expect(run(order('buy', 'limit', 95), [93, 94, 92])).toEqual([93, 'maker']);
    expect(run(order('sell', 'limit', 105), [100, 105, 99])).toEqual([105, 'maker']);
    expect(run(order('sell', 'limit', 105), [107, 108, 106], slipped)).toEqual([107, 'maker']);
  });

  it('can require the price to trade through a resting limit', () => {
    const through = { ...exact, limitFillRequiresTradeThrough: true };
    expect(run(order('buy', 'limit', 95), [100, 101, 95], through)).toBeNull();
    expect(run(order('buy', 'limit', 95), [100, 101, 94.99], through)).toEqual([95, 'maker']);
    expect(run(order('sell', 'limit', 105), [100, 105, 99], through)).toBeNull();
  });

  it('makes a limit marketable on arrival a taker, slipped but never past the limit', () => {
    expect(run(order('buy', 'limit', 105), [100, 101, 99], slipped, true)).toEqual([100.1, 'taker']);
    expect(run(order('buy', 'limit', 100.05), [100, 101, 99], slipped, true)).toEqual([100.05, 'taker']);
    expect(run(order('sell', 'limit', 95), [100, 101, 99], slipped, true)).toEqual([99.9, 'taker']);
    // The same order after its first candle rests: maker at the better open.
    expect(run(order('buy', 'limit', 105), [100, 101, 99], slipped, false)).toEqual([100, 'maker']);
  });

  it('triggers stops through the range and fills at the stop or the gapped open, slipped', () => {
    expect(run(order('buy', 'stop', 105), [100, 104.99, 99])).toBeNull();
    expect(run(order('buy', 'stop', 105), [100, 106, 99], slipped)).toEqual([105.105, 'taker']);
    expect(run(order('buy', 'stop', 105), [107, 108, 106], slipped)).toEqual([107.107, 'taker']);
    expect(run(order('sell', 'stop', 95), [100, 101, 94], slipped)).toEqual([94.905, 'taker']);
    expect(run(order('sell', 'stop', 95), [93, 94, 92], slipped)).toEqual([92.907, 'taker']);
    expect(run(order('sell', 'stop', 95), [100, 101, 95.5])).toBeNull();
    // A triggered stop's remainder is a market order.
    expect(run(order('buy', 'stop', 105, true), [100, 101, 99])).toEqual([100, 'taker']);
  });

  it('keeps every fill price inside the candle', () => {
    const price = fc.integer({ min: 1, max: 10_000_000 }).map((cents) => cents / 100);
    fc.assert(
      fc.property(
        fc.array(price, { minLength: 4, maxLength: 4 }),
        price,
        fc.constantFrom<Side>('buy', 'sell'),
        fc.constantFrom<OrderType>('market', 'limit', 'stop'),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 500 }),
        (ohlc, orderPrice, side, type, arriving, triggered, bps) => {
          const [low, a, b, high] = ohlc.toSorted((x, y) => x - y) as [number, number, number, number];
          const open = arriving ? a : b;
          const rate = d(String(bps / 10_000));
          const rules = { ...exact, buyPriceMultiplier: DECIMAL_ONE + rate, sellPriceMultiplier: DECIMAL_ONE - rate };
          const result = run(
            order(side, type, orderPrice, triggered),
            [open, high, low],
            rules as MatchingRules,
            arriving,
          );
          if (result === null) return;
          const [fill] = result as [number];
          expect(fill >= low && fill <= high).toBe(true);
          if (type === 'limit') expect(side === 'buy' ? fill <= orderPrice : fill >= orderPrice).toBe(true);
        },
      ),
    );
  });
});

describe('slippedPriceQuote', () => {
  it('rounds against the trader to the tick', () => {
    const ticked = { ...slipped, tickSizeQuote: d('0.5') };
    expect(slippedPriceQuote(true, 100, ticked)).toBe(100.5);
    expect(slippedPriceQuote(false, 100, ticked)).toBe(99.5);
    expect(slippedPriceQuote(true, 100, { ...exact, tickSizeQuote: d('0.5') })).toBe(100);
  });
});
