import { describe, expect, it } from 'vitest';
import { DECIMAL_ZERO, type Decimal } from '../money/decimal.ts';
import { decimalFromString } from '../money/parse.ts';
import { BrokerConfigError, OrderValidationError } from './errors.ts';
import { PaperBroker } from './paper-broker.ts';
import type { PaperBrokerOptions } from './paper-broker-options.ts';
import type { Fill, OrderRequest } from './types.ts';

const MINUTE = 60_000;
const NO_FEES: PaperBrokerOptions = { makerFeeRate: 0, takerFeeRate: 0 };

/** A broker plus a candle feeder that collects fills. */
function setup(options: PaperBrokerOptions = NO_FEES) {
  const broker = new PaperBroker(options);
  const fills: Fill[] = [];
  const candle = (time: number, open: number, high: number, low: number, close: number, volume = 1e6, symbol = 'BTC') =>
    broker.onCandle(symbol, time, open, high, low, close, volume, (fill) => fills.push(fill));
  return { broker, fills, candle };
}

let sequence = 0;
function order(change: Partial<OrderRequest>): OrderRequest {
  return {
    clientOrderId: `o-${++sequence}`,
    symbol: 'BTC',
    side: 'buy',
    type: 'market',
    qtyBase: 1,
    reason: 't',
    ...change,
  };
}

describe('PaperBroker: timing', () => {
  it('never fills on the candle the order was decided on, only from the next open', () => {
    const { broker, fills, candle } = setup();
    // Decided at the close of the candle opening at 0, i.e. at MINUTE.
    const state = broker.submit(order({}), MINUTE);
    candle(0, 100, 120, 80, 110); // the decision candle, replayed: too early
    expect(fills).toEqual([]);
    candle(MINUTE, 111, 112, 109, 110);
    expect(fills).toEqual([
      {
        clientOrderId: state.request.clientOrderId,
        symbol: 'BTC',
        side: 'buy',
        time: MINUTE,
        priceQuote: 111,
        qtyBase: 1,
        feeQuote: 0,
        liquidity: 'taker',
      },
    ]);
    expect(state.status).toBe('filled');
    expect(state.filledQtyBase).toBe(1);
    expect(state.filledQuote).toBe(111);
  });

  it('ignores candles of other symbols and allocates nothing without orders', () => {
    const { broker, fills, candle } = setup();
    candle(0, 1, 1, 1, 1);
    broker.submit(order({ symbol: 'ETH' }), 0);
    candle(0, 1, 1, 1, 1);
    expect(fills).toEqual([]);
    expect(broker.openOrders()).toHaveLength(1);
  });
});

describe('PaperBroker: order types', () => {
  it('charges the taker rate and slippage on market orders', () => {
    const { broker, fills, candle } = setup({ takerFeeRate: 0.001, makerFeeRate: 0, slippageBps: 10 });
    broker.submit(order({ qtyBase: 2 }), 0);
    broker.submit(order({ side: 'sell', qtyBase: 1 }), 0);
    candle(0, 100, 101, 99, 100);
    expect(fills.map((f) => [f.side, f.priceQuote, f.qtyBase, f.feeQuote, f.liquidity])).toEqual([
      ['buy', 100.1, 2, 0.2002, 'taker'],
      ['sell', 99.9, 1, 0.0999, 'taker'],
    ]);
  });

  it('rests a limit until the market reaches it, then fills as maker at the limit', () => {
    const { broker, fills, candle } = setup({ makerFeeRate: 0.0005, takerFeeRate: 0.001 });
    const state = broker.submit(order({ type: 'limit', limitPrice: 95 }), 0);
    candle(0, 100, 101, 96, 97);
    expect(fills).toEqual([]);
    expect(state.status).toBe('open');
    candle(MINUTE, 97, 98, 94, 96);
    expect(fills.map((f) => [f.priceQuote, f.feeQuote, f.liquidity])).toEqual([[95, 0.0475, 'maker']]);
  });

  it('gives a limit gapped through at the open the better open price', () => {
    const { broker, fills, candle } = setup();
    broker.submit(order({ type: 'limit', limitPrice: 95 }), 0);
    broker.submit(order({ type: 'limit', side: 'sell', limitPrice: 120 }), 0);
    candle(0, 100, 101, 99, 100);
    candle(MINUTE, 92, 93, 91, 92); // gap down through the buy limit
    candle(2 * MINUTE, 125, 126, 124, 125); // gap up through the sell limit
    expect(fills.map((f) => [f.side, f.priceQuote, f.liquidity])).toEqual([
      ['buy', 92, 'maker'],
      ['sell', 125, 'maker'],
    ]);
  });

  it('makes a limit marketable on arrival a taker at the open', () => {
    const { broker, fills, candle } = setup({ makerFeeRate: 0, takerFeeRate: 0.001 });
    broker.submit(order({ type: 'limit', limitPrice: 105 }), 0);
    candle(0, 100, 101, 99, 100);
    expect(fills.map((f) => [f.priceQuote, f.feeQuote, f.liquidity])).toEqual([[100, 0.1, 'taker']]);
  });

  it('triggers a stop when the range crosses it, and on the open when it gaps past it', () => {
    const { broker, fills, candle } = setup({ ...NO_FEES, slippageBps: 100 });
    broker.submit(order({ type: 'stop', stopPrice: 105 }), 0);
    broker.submit(order({ type: 'stop', side: 'sell', stopPrice: 90 }), 0);
    candle(0, 100, 104, 96, 100);
    expect(fills).toEqual([]);
    candle(MINUTE, 100, 110, 95, 108); // buy stop at 105 + 1% = 106.05
    candle(2 * MINUTE, 85, 86, 80, 82); // opens below the sell stop: 85 − 1% = 84.15
    expect(fills.map((f) => [f.side, f.time, f.priceQuote])).toEqual([
      ['buy', MINUTE, 106.05],
      ['sell', 2 * MINUTE, 84.15],
    ]);
  });

  it('rounds slipped prices to the market tick, against the trader', () => {
    const { broker, fills, candle } = setup({ ...NO_FEES, slippageBps: 1, markets: { BTC: { tickSizeQuote: 0.1 } } });
    broker.submit(order({}), 0);
    broker.submit(order({ side: 'sell' }), 0);
    candle(0, 100, 101, 99, 100);
    expect(fills.map((f) => f.priceQuote)).toEqual([100.1, 99.9]);
  });
});

describe('PaperBroker: sizes', () => {
  it('fills partially within the volume cap and keeps the rest open for later candles', () => {
    const { broker, fills, candle } = setup({ ...NO_FEES, maxVolumeParticipation: 0.5 });
    const state = broker.submit(order({ qtyBase: 5 }), 0);
    candle(0, 100, 101, 99, 100, 4);
    expect(state.status).toBe('partially_filled');
    candle(MINUTE, 101, 102, 100, 101, 0); // no volume, no fill
    candle(2 * MINUTE, 102, 103, 101, 102, 4);
    candle(3 * MINUTE, 103, 104, 102, 103, 4);
    expect(fills.map((f) => [f.time, f.priceQuote, f.qtyBase])).toEqual([
      [0, 100, 2],
      [2 * MINUTE, 102, 2],
      [3 * MINUTE, 103, 1],
    ]);
    expect(state.status).toBe('filled');
    expect(state.filledQtyBase).toBe(5);
  });

  it('fills regardless of volume when the cap is off', () => {
    const { broker, fills, candle } = setup({ ...NO_FEES, maxVolumeParticipation: null });
    broker.submit(order({ qtyBase: 1000 }), 0);
    candle(0, 100, 101, 99, 100, 0);
    expect(fills.map((f) => f.qtyBase)).toEqual([1000]);
  });

  it('shares one candle volume between orders, first submitted first', () => {
    const { broker, fills, candle } = setup();
    broker.submit(order({ qtyBase: 3 }), 0);
    broker.submit(order({ qtyBase: 3 }), 0);
    candle(0, 100, 101, 99, 100, 4);
    expect(fills.map((f) => f.qtyBase)).toEqual([3, 1]);
    candle(MINUTE, 100, 101, 99, 100, 4);
    expect(fills.map((f) => f.qtyBase)).toEqual([3, 1, 2]);
  });

  it('sizes a quoteQty buy to spend the quote, fee included, rounded down to the lot', () => {
    const { broker, fills, candle } = setup({ takerFeeRate: 0.001 });
    const state = broker.submit(order({ qtyBase: undefined, quoteQty: 1000 }), 0);
    candle(0, 100, 101, 99, 100);
    expect(fills.map((f) => [f.qtyBase, f.feeQuote])).toEqual([[9.99000999, 0.999001]]);
    expect(state.status).toBe('filled');
    expect(state.filledQuote).toBe(1000);
  });

  it('spreads a quoteQty buy over candles when volume is short', () => {
    const { broker, fills, candle } = setup(NO_FEES);
    const state = broker.submit(order({ qtyBase: undefined, quoteQty: 300 }), 0);
    candle(0, 100, 101, 99, 100, 1);
    candle(MINUTE, 200, 201, 199, 200, 1);
    expect(fills.map((f) => [f.priceQuote, f.qtyBase])).toEqual([
      [100, 1],
      [200, 1],
    ]);
    expect(state.status).toBe('filled');
  });

  it('rejects at fill time a quoteQty too small for one lot', () => {
    const { broker, fills, candle } = setup({ ...NO_FEES, lotStepBase: 0.01 });
    const state = broker.submit(order({ qtyBase: undefined, quoteQty: 0.5 }), 0);
    candle(0, 100, 101, 99, 100);
    expect(fills).toEqual([]);
    expect(state.status).toBe('rejected');
    expect(state.rejectReason).toMatch(/cannot buy one more lot \(0\.01\)/);
  });

  it('rounds quantities down to the market lot', () => {
    const { broker, fills, candle } = setup({ ...NO_FEES, markets: { BTC: { lotStepBase: 0.001 } } });
    const state = broker.submit(order({ qtyBase: 0.12345 }), 0);
    expect(state.request.qtyBase).toBe(0.123);
    candle(0, 100, 101, 99, 100);
    expect(fills[0]?.qtyBase).toBe(0.123);
  });
});

describe('PaperBroker: balances', () => {
  it('cuts a buy to the quote available and cancels the remainder', () => {
    let cash: Decimal = decimalFromString('250');
    const { broker, fills, candle } = setup({ ...NO_FEES, availableQuote: () => cash });
    const state = broker.submit(order({ qtyBase: 5 }), 0);
    candle(0, 100, 101, 99, 100);
    expect(fills.map((f) => f.qtyBase)).toEqual([2.5]);
    expect(state.status).toBe('cancelled');
    expect(state.rejectReason).toMatch(/^remainder cancelled: available quote 250/);
    cash = DECIMAL_ZERO;
    const broke = broker.submit(order({}), 0);
    candle(MINUTE, 100, 101, 99, 100);
    expect(broke.status).toBe('rejected');
    expect(fills).toHaveLength(1);
  });

  it('cuts a sell to the base held', () => {
    const { broker, fills, candle } = setup({ ...NO_FEES, availableBase: () => decimalFromString('0.4') });
    const state = broker.submit(order({ side: 'sell', qtyBase: 1 }), 0);
    candle(0, 100, 101, 99, 100);
    expect(fills.map((f) => f.qtyBase)).toEqual([0.4]);
    expect(state.status).toBe('cancelled');
  });
});

describe('PaperBroker: lifecycle and validation', () => {
  it('cancels working orders only', () => {
    const { broker, fills, candle } = setup();
    const resting = broker.submit(order({ type: 'limit', limitPrice: 50 }), 0);
    const market = broker.submit(order({}), 0);
    candle(0, 100, 101, 99, 100);
    expect(broker.openOrders()).toEqual([resting]);
    expect(broker.cancel(market.request.clientOrderId)).toBe(false); // already filled
    expect(broker.cancel('unknown')).toBe(false);
    expect(broker.cancel(resting.request.clientOrderId)).toBe(true);
    expect(broker.cancel(resting.request.clientOrderId)).toBe(false);
    expect(resting.status).toBe('cancelled');
    candle(MINUTE, 40, 41, 39, 40);
    expect(fills).toHaveLength(1);
    expect(broker.openOrders()).toEqual([]);
    expect(broker.order(resting.request.clientOrderId)).toBe(resting);
  });

  it('refuses a reused clientOrderId, even after the first order closed', () => {
    const { broker, candle } = setup();
    broker.submit(order({ clientOrderId: 'same' }), 0);
    candle(0, 100, 101, 99, 100);
    expect(() => broker.submit(order({ clientOrderId: 'same' }), MINUTE)).toThrow(
      expect.objectContaining({ name: 'OrderValidationError', code: 'duplicate-client-order-id' }),
    );
  });

  it('refuses invalid orders without keeping them', () => {
    const { broker } = setup();
    expect(() => broker.submit(order({ clientOrderId: 'bad', qtyBase: 0 }), 0)).toThrow(OrderValidationError);
    expect(() => broker.submit(order({ clientOrderId: 'bad', type: 'limit' }), 0)).toThrow(OrderValidationError);
    expect(() => broker.submit(order({ clientOrderId: 'bad', quoteQty: 10 }), 0)).toThrow(OrderValidationError);
    expect(broker.openOrders()).toEqual([]);
    expect(() => broker.submit(order({ clientOrderId: 'bad' }), 0)).not.toThrow();
  });

  it.each<[PaperBrokerOptions, string]>([
    [{ takerFeeRate: -0.001 }, 'takerFeeRate'],
    [{ makerFeeRate: 1 }, 'makerFeeRate'],
    [{ slippageBps: Number.NaN }, 'slippageBps'],
    [{ maxVolumeParticipation: 0 }, 'maxVolumeParticipation'],
    [{ maxVolumeParticipation: 1.5 }, 'maxVolumeParticipation'],
    [{ lotStepBase: 0 }, 'lotStepBase'],
    [{ markets: { ETH: { tickSizeQuote: -1 } } }, 'markets.ETH.tickSizeQuote'],
    [{ feeStepQuote: 0 }, 'feeStepQuote'],
  ])('refuses options %j', (options, option) => {
    expect(() => new PaperBroker(options)).toThrow(BrokerConfigError);
    expect(() => new PaperBroker(options)).toThrow(expect.objectContaining({ option }));
  });
});

describe('PaperBroker: what the fill listener receives', () => {
  it('hands each fill with its amounts as exact decimals: the numbers it carries, and their product', () => {
    const broker = new PaperBroker({ takerFeeRate: 0.001 });
    const received: { fill: Fill; qtyBase: Decimal; priceQuote: Decimal; feeQuote: Decimal; notional: Decimal }[] = [];
    expect(broker.hasWorkingOrders()).toBe(false);
    broker.submit(order({ quoteQty: 1000.5, qtyBase: undefined }), MINUTE);
    broker.submit(order({ side: 'sell', qtyBase: 0.123 }), MINUTE);
    expect(broker.hasWorkingOrders()).toBe(true);
    broker.onCandle('BTC', MINUTE, 30_000.37, 30_100, 29_900, 30_050, 1e6, (fill, exact) =>
      received.push({ fill, ...exact, notional: exact.notionalQuote }),
    );
    expect(broker.hasWorkingOrders()).toBe(false);
    expect(received).toHaveLength(2);
    for (const { fill, qtyBase, priceQuote, feeQuote, notional } of received) {
      expect(qtyBase).toBe(decimalFromString(String(fill.qtyBase)));
      expect(priceQuote).toBe(decimalFromString(String(fill.priceQuote)));
      expect(feeQuote).toBe(decimalFromString(String(fill.feeQuote)));
      expect(notional * 10n ** 18n).toBe(qtyBase * priceQuote); // 8 × 2 decimals: the product is exact
    }
  });
});
