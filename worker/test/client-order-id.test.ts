import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientOrderIdFor, orderListClientOrderId, riskOrderId } from '../src/bots/client-order-id.ts';

const ORDERS_TABLE_FORMAT = /^[A-Za-z0-9._:/-]{1,36}$/;

describe('clientOrderIdFor', () => {
  it('is deterministic and fits the venues and the orders table (36 characters of A–Z a–z 0–9 . _ : / -)', () => {
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.stringMatching(/^[A-Z0-9]{1,20}[-/][A-Z0-9]{1,20}$/),
        fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }),
        (botId, symbol, decisionTime) => {
          const id = clientOrderIdFor(botId, symbol, decisionTime);
          expect(id).toMatch(ORDERS_TABLE_FORMAT);
          expect(clientOrderIdFor(botId, symbol, decisionTime)).toBe(id);
        },
      ),
    );
  });

  it('differs between bots, markets and decision times', () => {
    const bot = '3f2a9c41-d07b-4c1e-9a7d-0123456789ab';
    const other = '9b1d2e33-0000-4c1e-9a7d-0123456789ab';
    const time = Date.UTC(2024, 0, 1, 12);
    const ids = [
      clientOrderIdFor(bot, 'BTC-USDT', time),
      clientOrderIdFor(other, 'BTC-USDT', time),
      clientOrderIdFor(bot, 'ETH-USDT', time),
      clientOrderIdFor(bot, 'BTC-USDT', time + 3_600_000),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toBe(`3f2a9c41d07b:BTCUSDT:${time.toString(36)}`);
  });
});

describe('orderListClientOrderId', () => {
  it("is the stop leg's: deterministic, under the bot's prefix, distinct from both legs, and fits Binance's 36 characters", () => {
    fc.assert(
      fc.property(fc.uuid(), fc.string({ minLength: 1, maxLength: 80 }), (botId, name) => {
        const stopLeg = riskOrderId(botId, `${name}:stop`);
        const takeProfitLeg = riskOrderId(botId, `${name}:take-profit`);
        const list = orderListClientOrderId(stopLeg);
        expect(list).toMatch(ORDERS_TABLE_FORMAT);
        expect(orderListClientOrderId(stopLeg)).toBe(list);
        expect(list.slice(0, 13)).toBe(stopLeg.slice(0, 13)); // the bot's prefix: reconciliation counts it as the bot's
        expect(list).not.toBe(stopLeg);
        expect(list).not.toBe(takeProfitLeg);
      }),
    );
  });
});
