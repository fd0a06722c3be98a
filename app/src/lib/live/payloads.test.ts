import { describe, expect, it } from 'vitest';
import { candleOf, equityPointOf, withCandle, withEquityPoint } from './payloads.ts';

describe('stream payloads', () => {
  it('reads equity points in the shapes the worker may send', () => {
    expect(equityPointOf([1000, 10_500.5], 9)).toEqual([1000, 10_500.5]);
    expect(equityPointOf({ time: 1000, equityQuote: '10500.5' }, 9)).toEqual([1000, 10_500.5]);
    expect(equityPointOf({ equity: 10 }, 9)).toEqual([9, 10]);
    expect(equityPointOf({ time: '1970-01-01T00:00:01Z', equity: 10 }, 9)).toEqual([1000, 10]);
    expect(equityPointOf({ nothing: true }, 9)).toBeNull();
    expect(equityPointOf('junk', 9)).toBeNull();
  });

  it('reads candles as a tuple or as fields', () => {
    expect(candleOf({ symbol: 'BTC-USDT', timeframe: '1h', candle: [1, 2, 3, 1, 2.5, 9] })).toEqual({
      symbol: 'BTC-USDT',
      timeframe: '1h',
      candle: [1, 2, 3, 1, 2.5, 9],
    });
    expect(candleOf({ symbol: 'BTC-USDT', time: 1, open: '2', high: 3, low: 1, close: 2.5 })?.candle).toEqual([
      1, 2, 3, 1, 2.5, 0,
    ]);
    expect(candleOf({ symbol: 'BTC-USDT', candle: [1, 2] })).toBeNull();
    expect(candleOf({ candle: [1, 2, 3, 4, 5, 6] })).toBeNull();
  });

  it('merges live points and candles into the series in time order', () => {
    expect(
      withEquityPoint(
        [
          [1, 10],
          [3, 30],
        ],
        [4, 40],
      ),
    ).toEqual([
      [1, 10],
      [3, 30],
      [4, 40],
    ]);
    expect(
      withEquityPoint(
        [
          [1, 10],
          [3, 30],
        ],
        [3, 31],
      ),
    ).toEqual([
      [1, 10],
      [3, 31],
    ]);
    expect(
      withEquityPoint(
        [
          [1, 10],
          [3, 30],
        ],
        [2, 20],
      ),
    ).toEqual([
      [1, 10],
      [2, 20],
      [3, 30],
    ]);
    expect(withCandle([[1, 1, 1, 1, 1, 1]], [1, 1, 2, 1, 2, 1])).toEqual([[1, 1, 2, 1, 2, 1]]);
    expect(withCandle([[2, 1, 1, 1, 1, 1]], [1, 1, 2, 1, 2, 1])).toEqual([[2, 1, 1, 1, 1, 1]]);
  });
});
