/** The checks a venue's trades pass before they count: one bad trade rejects its batch, naming it and why. */
import { describe, expect, it } from 'vitest';
import { checkedTrades } from '../../src/market/market-trade.ts';

const NOW = Date.UTC(2026, 10, 26, 8);
const WHAT = 'ccxt:binance trades of BTC-USDT';
const good = { id: '17', timestamp: NOW - 1_000, side: 'sell', amount: 0.5, price: 30_000 };

describe('checkedTrades', () => {
  it('keeps what the reading needs from a good trade', () => {
    expect(checkedTrades([good, { ...good, id: 18, side: 'buy' }], NOW, WHAT)).toEqual([
      { id: '17', timeMs: NOW - 1_000, side: 'sell', amountBase: 0.5, priceQuote: 30_000 },
      { id: '18', timeMs: NOW - 1_000, side: 'buy', amountBase: 0.5, priceQuote: 30_000 },
    ]);
  });

  it.each([
    [{ id: undefined }, 'trade[1] has no id'],
    [{ timestamp: Number.NaN }, 'trade[1] timestamp NaN is not a time'],
    [{ timestamp: NOW + 3_600_000 }, `trade[1] timestamp ${NOW + 3_600_000} is 3600000 ms ahead`],
    [{ side: 'unknown' }, 'trade[1] side unknown is neither buy nor sell'],
    [{ amount: -2 }, 'trade[1] amount -2 is not a positive number'],
    [{ amount: 0 }, 'trade[1] amount 0 is not a positive number'],
    [{ price: Number.NaN }, 'trade[1] price NaN is not a positive number'],
  ])('rejects the batch for %j', (bad, reason) => {
    expect(() => checkedTrades([good, { ...good, ...bad }], NOW, WHAT)).toThrow(`${WHAT} rejected: ${reason}`);
  });

  it('rejects an answer that is no list', () => {
    expect(() => checkedTrades('<html>', NOW, WHAT)).toThrow(`${WHAT} rejected: the answer is not a list of trades`);
  });
});
