/**
 * The loopback venue's OCO lists, as Binance keeps them: whatever path the price takes, at most one leg fills, the
 * other then expires, the quantity is locked once while both rest, and the account's balances move by exactly the
 * filled leg's trades.
 */
import { addDecimal, subDecimal } from '@keel/core/money/arithmetic.ts';
import { DECIMAL_ZERO } from '@keel/core/money/decimal.ts';
import { decimalFromString } from '@keel/core/money/parse.ts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORDER_LIST_PRICES, SimulatedAccount, SimulatedOrderError } from './exchange-simulator/simulated-account.ts';

const QTY = '0.1';
const STOP = '47500';
const TAKE_PROFIT = '55000';

function accountWithList(stopType: 'STOP_LOSS' | 'STOP_LOSS_LIMIT', tradesPerOrder: number) {
  const account = new SimulatedAccount(
    [{ symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', priceQuote: '50000', stepSize: '0.00001' }],
    { BTC: QTY, USDT: '0' },
  );
  account.matching.tradesPerOrder = tradesPerOrder;
  const list = account.placeOcoList(
    {
      symbol: 'BTCUSDT',
      side: 'SELL',
      quantity: QTY,
      listClientOrderId: 'list-1',
      above: { type: 'LIMIT_MAKER', clientOrderId: 'take-profit-1', price: TAKE_PROFIT },
      below: {
        type: stopType,
        clientOrderId: 'stop-1',
        stopPrice: STOP,
        ...(stopType === 'STOP_LOSS_LIMIT' ? { price: '47000' } : {}),
      },
    },
    1,
  );
  return { account, list };
}

describe('OCO lists on the simulated venue', () => {
  it('any price path: at most one leg fills, the other expires, the quantity is locked once, balances move exactly', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 40_000, max: 60_000 }), { maxLength: 30 }),
        fc.constantFrom('STOP_LOSS' as const, 'STOP_LOSS_LIMIT' as const),
        fc.integer({ min: 1, max: 3 }),
        (prices, stopType, tradesPerOrder) => {
          const { account, list } = accountWithList(stopType, tradesPerOrder);
          for (const [index, price] of prices.entries()) account.setPrice('BTCUSDT', String(price), index + 2);
          const [takeProfit, stop] = account.legsOf(list);
          const legs = [takeProfit, stop];
          const filled = legs.filter((leg) => leg?.status === 'FILLED');
          expect(filled.length).toBeLessThanOrEqual(1);
          const working = legs.filter((leg) => leg?.status === 'NEW');
          if (filled.length === 1) {
            expect(legs.filter((leg) => leg?.status === 'EXPIRED')).toHaveLength(1);
            expect(list.listStatusType).toBe('ALL_DONE');
          }
          // Both rest, or the stop triggered (its limit not reached yet) and the take profit expired.
          if (working.length === 2) expect(account.locked('BTC')).toBe(decimalFromString(QTY));
          const trades = account.tradesOf('BTCUSDT', undefined);
          expect(trades.length).toBe(filled.length === 0 ? 0 : tradesPerOrder);
          const soldBase = trades.reduce((sum, trade) => addDecimal(sum, trade.qty), DECIMAL_ZERO);
          const proceeds = trades.reduce(
            (sum, trade) => addDecimal(sum, subDecimal(trade.quoteQty, trade.commission)),
            DECIMAL_ZERO,
          );
          expect(account.balance('BTC')).toBe(subDecimal(decimalFromString(QTY), soldBase));
          expect(account.balance('USDT')).toBe(proceeds);
          for (const trade of trades) {
            // The take profit rests until the price comes to it (maker); a triggered STOP_LOSS sells at market.
            if (trade.orderId === takeProfit?.orderId) expect(trade.isMaker).toBe(true);
            else if (stopType === 'STOP_LOSS') expect(trade.isMaker).toBe(false);
          }
        },
      ),
    );
  });

  it('a sell list whose take profit is not above the market, or whose stop is not below it, is refused', () => {
    const { account } = accountWithList('STOP_LOSS', 1);
    const refused = (above: string, below: string) => () =>
      account.placeOcoList(
        {
          symbol: 'BTCUSDT',
          side: 'SELL',
          quantity: '0.01',
          listClientOrderId: `list-${above}-${below}`,
          above: { type: 'LIMIT_MAKER', clientOrderId: `tp-${above}-${below}`, price: above },
          below: { type: 'STOP_LOSS', clientOrderId: `stop-${above}-${below}`, stopPrice: below },
        },
        2,
      );
    expect(refused('49000', '47500')).toThrow(new SimulatedOrderError(-2010, ORDER_LIST_PRICES));
    expect(refused('55000', '50500')).toThrow(new SimulatedOrderError(-2010, ORDER_LIST_PRICES));
  });

  it('cancelling one leg cancels the whole list, and frees the quantity', () => {
    const { account, list } = accountWithList('STOP_LOSS', 1);
    account.cancel('BTCUSDT', { clientOrderId: 'take-profit-1' }, 2);
    expect(account.legsOf(list).map((leg) => leg.status)).toEqual(['CANCELED', 'CANCELED']);
    expect(list.listStatusType).toBe('ALL_DONE');
    expect(account.free('BTC')).toBe(decimalFromString(QTY));
  });
});
