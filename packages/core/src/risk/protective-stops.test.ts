import { describe, expect, it } from 'vitest';
import { RecordingPort } from '../../test/risk-fixtures.ts';
import { resolveExchangeRules } from './exchange-constraints.ts';
import { PROTECTIVE_DEFAULTS, type ProtectiveOptions, ProtectiveOrders, protectiveLevels } from './protective-stops.ts';
import type { RiskEventType } from './types.ts';

const RULES = [resolveExchangeRules({ lotStepBase: 0.001, tickSizeQuote: 0.01 }, '')];

function protection(options: Partial<ProtectiveOptions> = {}, port = new RecordingPort()) {
  const reports: { type: RiskEventType; reason: string; to: string | null }[] = [];
  const orders = new ProtectiveOrders(
    port,
    'bot',
    ['BTC-USDT'],
    RULES,
    { ...PROTECTIVE_DEFAULTS, ...options },
    (type, _s, reason, _from, to) => reports.push({ type, reason, to }),
  );
  return { orders, port, reports };
}

const summary = (port: RecordingPort) =>
  port.submitted.map(({ order }) => `${order.type} ${order.qtyBase} @${order.stopPrice ?? order.limitPrice ?? 'mkt'}`);

describe('protective levels', () => {
  it('puts the stop under the entry, the take profit above, the trailing stop under the highest high', () => {
    expect(protectiveLevels(100, 100, PROTECTIVE_DEFAULTS)).toEqual({
      stopPrice: 95,
      stopKind: 'stop-loss',
      takeProfitPrice: 110,
    });
    const trailing = { ...PROTECTIVE_DEFAULTS, trailingStopFraction: 0.03 };
    expect(protectiveLevels(100, 97, trailing).stopKind).toBe('stop-loss'); // 94.09 < 95
    expect(protectiveLevels(100, 120, trailing)).toMatchObject({
      stopPrice: 116.4,
      stopKind: 'trailing-stop',
    });
    expect(protectiveLevels(100, 120, { ...trailing, stopLossFraction: null }).stopKind).toBe('trailing-stop');
    expect(
      protectiveLevels(100, 120, { ...PROTECTIVE_DEFAULTS, stopLossFraction: null, takeProfitFraction: null }),
    ).toMatchObject({
      stopPrice: Number.NaN,
      takeProfitPrice: Number.NaN,
    });
  });
});

describe('ProtectiveOrders', () => {
  it('sends a provisional stop right behind an entry, sized for the position after it', () => {
    const { orders, port } = protection();
    orders.onEntrySubmitted(
      0,
      { clientOrderId: 'e', symbol: 'BTC-USDT', side: 'buy', type: 'market', quoteQty: 950, reason: '' },
      100,
      1,
      7_200_000,
    );
    // 1 held + 950 / 95 = 11, at 95 (100 × 0.95).
    expect(summary(port)).toEqual(['stop 11 @95']);
    expect(port.submitted[0]?.order.clientOrderId).toBe('bot:BTC-USDT:7200000:bracket');
    expect(port.submitted[0]?.decisionTime).toBe(7_200_000);
  });

  it('keeps a stop and a take profit for exactly the held quantity, the stop sent first, the old ones cancelled after', () => {
    const { orders, port } = protection();
    orders.onEntrySubmitted(
      0,
      { clientOrderId: 'e', symbol: 'BTC-USDT', side: 'buy', type: 'market', quoteQty: 100, reason: '' },
      100,
      0,
      1,
    );
    orders.maintain(0, 0.987, 101.234, 102, 100, 2);
    expect(summary(port)).toEqual(['stop 1.052 @95', 'stop 0.987 @96.18', 'limit 0.987 @111.36']);
    expect(port.cancelled).toEqual(['bot:BTC-USDT:1:bracket']);
    orders.maintain(0, 0.987, 101.234, 103, 100, 3); // nothing changed: nothing sent
    expect(port.submitted).toHaveLength(3);
    orders.maintain(0, 1.5, 101.234, 103, 100, 4); // bought more: both re-sent for the new quantity
    expect(summary(port).slice(3)).toEqual(['stop 1.5 @96.18', 'limit 1.5 @111.36']);
    expect(port.cancelled.slice(1)).toEqual(['bot:BTC-USDT:2:stop', 'bot:BTC-USDT:2:take-profit']);
    expect(orders.stopPriceOf(0)).toBe(96.18);
    orders.maintain(0, 0, Number.NaN, 103, 100, 5); // flat: everything cancelled
    expect(port.working()).toEqual([]);
  });

  it('raises a trailing stop with the highest high, never lowers it', () => {
    const { orders, port } = protection({ trailingStopFraction: 0.02, takeProfitFraction: null });
    orders.maintain(0, 1, 100, 100, 99, 1);
    orders.maintain(0, 1, 100, 110, 100, 2);
    orders.maintain(0, 1, 100, 105, 100, 3);
    expect(summary(port)).toEqual(['stop 1 @98', 'stop 1 @107.8']);
  });

  it('exits at market when a stop cannot be placed, so the position is never unprotected', () => {
    const port = new RecordingPort();
    port.refuse = (order) => (order.type === 'stop' ? 'venue: stop orders unavailable' : null);
    const { orders, reports } = protection({}, port);
    orders.maintain(0, 2, 100, 101, 99, 10);
    expect(summary(port)).toEqual(['market 2 @mkt']);
    expect(port.submitted[0]?.order.clientOrderId).toBe('bot:BTC-USDT:10:exit');
    expect(reports).toEqual([
      {
        type: 'stop-failed',
        to: 'exit-at-market',
        reason: 'stop at 95 refused (venue: stop orders unavailable): exiting 2 at market',
      },
    ]);
    orders.maintain(0, 2, 100, 101, 99, 11); // the exit is working: no second one
    expect(port.submitted).toHaveLength(1);
  });

  it('cancels the entry when its provisional stop cannot be placed', () => {
    const port = new RecordingPort();
    const entry = {
      clientOrderId: 'e',
      symbol: 'BTC-USDT',
      side: 'buy' as const,
      type: 'market' as const,
      quoteQty: 100,
      reason: '',
    };
    port.submit(entry, 1);
    port.refuse = (order) => (order.type === 'stop' ? 'rejected' : null);
    const { orders, reports } = protection({}, port);
    orders.onEntrySubmitted(0, entry, 100, 0, 1);
    expect(port.order('e')?.status).toBe('cancelled');
    expect(reports[0]).toMatchObject({ type: 'stop-failed', to: 'cancelled' });
  });

  it('watches candles itself on a venue without stop orders, exiting at market', () => {
    const { orders, port, reports } = protection({ stopsOnVenue: false });
    orders.onEntrySubmitted(
      0,
      { clientOrderId: 'e', symbol: 'BTC-USDT', side: 'buy', type: 'market', quoteQty: 100, reason: '' },
      100,
      0,
      1,
    );
    orders.maintain(0, 1, 100, 101, 96, 2);
    expect(port.submitted).toHaveLength(0);
    orders.maintain(0, 1, 100, 99, 94.9, 3);
    expect(summary(port)).toEqual(['market 1 @mkt']);
    expect(reports[0]?.type).toBe('stop-loss');
  });
});
