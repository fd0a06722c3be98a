import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDecimal, mulDecimal } from '../money/arithmetic.ts';
import { DECIMAL_ZERO, type Decimal } from '../money/decimal.ts';
import { decimalFromNumber } from '../money/parse.ts';
import { isOnStep } from '../money/step.ts';
import { Ledger } from '../portfolio/ledger.ts';
import { feeQuoteFor } from './fees.ts';
import { PaperBroker } from './paper-broker.ts';
import type { PaperBrokerOptions } from './paper-broker-options.ts';
import type { Fill, OrderRequest, OrderState, OrderType, Side } from './types.ts';

const MINUTE = 60_000;
const SYMBOL = 'BTC-USDT';

interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

const cents = (min: number, max: number) => fc.integer({ min, max }).map((c) => c / 100);

/** A walk of sane candles (low ≤ open, close ≤ high), one a minute; some with no volume. */
const candles = fc
  .array(fc.tuple(cents(-500, 500), cents(-500, 500), cents(0, 300), cents(0, 300), cents(0, 2000)), {
    minLength: 5,
    maxLength: 30,
  })
  .map((steps) => {
    let last = 100;
    return steps.map(([gap, move, up, down, volume], i): Candle => {
      const open = Math.max(1, Math.round((last + gap) * 100) / 100);
      const close = Math.max(1, Math.round((open + move) * 100) / 100);
      const high = Math.round((Math.max(open, close) + up) * 100) / 100;
      const low = Math.max(0.01, Math.round((Math.min(open, close) - down) * 100) / 100);
      last = close;
      return { time: i * MINUTE, open, high, low, close, volume: i % 7 === 3 ? 0 : volume };
    });
  });

interface PlannedOrder {
  /** Submitted after candle `afterCandle` was replayed (-1: before the first). */
  afterCandle: number;
  decisionDelayMs: number;
  side: Side;
  type: OrderType;
  qtyBase: number;
  quoteQty: number | null;
  priceOffset: number;
}

const plannedOrder = fc.record({
  afterCandle: fc.integer({ min: -1, max: 15 }),
  decisionDelayMs: fc.oneof(fc.constant(MINUTE / 2), fc.integer({ min: 0, max: MINUTE })),
  side: fc.constantFrom<Side>('buy', 'sell'),
  type: fc.constantFrom<OrderType>('market', 'limit', 'stop'),
  qtyBase: fc.integer({ min: 1, max: 2_000_000_000 }).map((units) => units / 1e8),
  quoteQty: fc.option(cents(1, 200_000), { freq: 3 }),
  priceOffset: cents(-1000, 1000),
});

const brokerOptions = fc.record({
  makerFeeRate: fc.constantFrom(0, 0.0002, 0.001),
  takerFeeRate: fc.constantFrom(0, 0.001, 0.00075),
  slippageBps: fc.constantFrom(0, 5, 25, 300),
  maxVolumeParticipation: fc.constantFrom(1, 0.5, 0.1, null),
  lotStepBase: fc.constantFrom(1e-8, 0.001, 0.1),
  feeStepQuote: fc.constantFrom(1e-8, 0.01),
  limitFillRequiresTradeThrough: fc.boolean(),
});

function toRequest(planned: PlannedOrder, index: number, reference: number): OrderRequest {
  const price = Math.max(0.01, Math.round((reference + planned.priceOffset) * 100) / 100);
  const request: OrderRequest = {
    clientOrderId: `p-${index}`,
    symbol: SYMBOL,
    side: planned.side,
    type: planned.type,
    reason: 'property',
  };
  if (planned.quoteQty !== null && planned.type === 'market' && planned.side === 'buy') {
    request.quoteQty = planned.quoteQty;
  } else request.qtyBase = planned.qtyBase;
  if (planned.type === 'limit') request.limitPrice = price;
  if (planned.type === 'stop') request.stopPrice = price;
  return request;
}

/** Replays the candles, submitting each planned order after its candle; fills go to onFill. */
function replay(
  broker: PaperBroker,
  series: Candle[],
  orders: PlannedOrder[],
  onFill: (fill: Fill) => void,
): OrderState[] {
  const states: OrderState[] = [];
  const submitAfter = (i: number) => {
    orders.forEach((planned, index) => {
      if (planned.afterCandle !== i) return;
      const reference = i >= 0 ? (series[i] as Candle).close : 100;
      // Within half a minute either side of candle i's close, and often exactly on it (the next candle's open).
      const decisionTime = (i + 1) * MINUTE + planned.decisionDelayMs - MINUTE / 2;
      try {
        states.push(broker.submit(toRequest(planned, index, reference), decisionTime));
      } catch {
        // Orders below one lot are refused at submission; not what this test is about.
      }
    });
  };
  submitAfter(-1);
  series.forEach((c, i) => {
    broker.onCandle(SYMBOL, c.time, c.open, c.high, c.low, c.close, c.volume, onFill);
    submitAfter(i);
  });
  return states;
}

describe('PaperBroker properties', () => {
  it('fills only from the decision time on, inside the candle, within size and volume, with exact fees', () => {
    fc.assert(
      fc.property(candles, fc.array(plannedOrder, { maxLength: 25 }), brokerOptions, (series, orders, options) => {
        const broker = new PaperBroker(options);
        const fills: Fill[] = [];
        const states = replay(broker, series, orders, (fill) => fills.push(fill));
        const stateOf = new Map(states.map((s) => [s.request.clientOrderId, s]));
        const lot = decimalFromNumber(options.lotStepBase);
        const filledPerOrder = new Map<string, Decimal>();
        const spentPerOrder = new Map<string, Decimal>();
        const filledPerCandle = new Map<number, Decimal>();
        for (const fill of fills) {
          const state = stateOf.get(fill.clientOrderId) as OrderState;
          const candle = series[fill.time / MINUTE] as Candle;
          expect(fill.time).toBeGreaterThanOrEqual(state.submittedAt);
          expect(fill.priceQuote).toBeGreaterThanOrEqual(candle.low);
          expect(fill.priceQuote).toBeLessThanOrEqual(candle.high);
          if (state.request.type === 'limit') {
            const limit = state.request.limitPrice as number;
            expect(fill.side === 'buy' ? fill.priceQuote <= limit : fill.priceQuote >= limit).toBe(true);
          }
          const qty = decimalFromNumber(fill.qtyBase);
          const notional = mulDecimal(qty, decimalFromNumber(fill.priceQuote));
          const rate = fill.liquidity === 'maker' ? options.makerFeeRate : options.takerFeeRate;
          const fee = feeQuoteFor(notional, decimalFromNumber(rate), decimalFromNumber(options.feeStepQuote));
          expect(decimalFromNumber(fill.feeQuote)).toBe(fee);
          expect(qty > 0n && isOnStep(qty, lot)).toBe(true);
          const add = (map: Map<string | number, Decimal>, key: string | number, value: Decimal) =>
            map.set(key, addDecimal(map.get(key) ?? DECIMAL_ZERO, value));
          add(filledPerOrder as Map<string | number, Decimal>, fill.clientOrderId, qty);
          add(spentPerOrder as Map<string | number, Decimal>, fill.clientOrderId, addDecimal(notional, fee));
          add(filledPerCandle as Map<string | number, Decimal>, fill.time, qty);
        }
        for (const state of states) {
          const filled = filledPerOrder.get(state.request.clientOrderId) ?? DECIMAL_ZERO;
          expect(decimalFromNumber(state.filledQtyBase)).toBe(filled);
          if (state.request.qtyBase !== undefined) {
            expect(filled <= decimalFromNumber(state.request.qtyBase)).toBe(true);
            if (state.status === 'filled') expect(filled).toBe(decimalFromNumber(state.request.qtyBase));
          } else {
            const spent = spentPerOrder.get(state.request.clientOrderId) ?? DECIMAL_ZERO;
            expect(spent <= decimalFromNumber(state.request.quoteQty as number)).toBe(true);
          }
        }
        for (const [time, filled] of filledPerCandle) {
          if (options.maxVolumeParticipation === null) break;
          const candle = series[time / MINUTE] as Candle;
          const cap = mulDecimal(decimalFromNumber(candle.volume), decimalFromNumber(options.maxVolumeParticipation));
          expect(filled <= cap).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never drives the ledger negative when wired to it, however large the orders', () => {
    fc.assert(
      fc.property(
        candles,
        fc.array(plannedOrder, { maxLength: 25 }),
        brokerOptions,
        cents(0, 1_000_000),
        (series, orders, options, initialCashQuote) => {
          const ledger = new Ledger({ initialCashQuote, symbols: [SYMBOL] });
          const wired: PaperBrokerOptions = {
            ...options,
            availableQuote: () => ledger.cashQuoteExact,
            availableBase: (symbol) => ledger.position(symbol).qtyBase,
          };
          const broker = new PaperBroker(wired);
          const states = replay(broker, series, orders, (fill) => {
            ledger.applyFill(fill); // throws PortfolioError if cash or the position would go negative
          });
          expect(ledger.cashQuoteExact >= 0n).toBe(true);
          expect(ledger.position(SYMBOL).qtyBase >= 0n).toBe(true);
          for (const state of states) {
            if (state.status === 'rejected' || state.status === 'cancelled') {
              if (state.status === 'rejected') expect(state.filledQtyBase).toBe(0);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
