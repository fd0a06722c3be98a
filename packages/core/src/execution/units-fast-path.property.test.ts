/**
 * The fast path in units (money/safe-units.ts) against the Decimal path it stands in for: fees, buy sizing, and a
 * paper broker wired to a ledger, on random candles, orders and balances, from small amounts to amounts past 2^53
 * units (so that both the fast path and the fallback to Decimals run, sometimes within one replay). Both must give
 * the same fills, order states and books to the last digit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimalFromNumber } from '../money/parse.ts';
import { unitsToDecimal } from '../money/safe-units.ts';
import { Ledger } from '../portfolio/ledger.ts';
import { feeSchedule, scheduledFeeQuote, scheduledFeeUnits } from './fees.ts';
import { buyCostRules, largestAffordableQtyBase, largestAffordableQtyUnits } from './fill-sizing.ts';
import { PaperBroker } from './paper-broker.ts';
import type { ExactFillAmounts, Fill, OrderRequest, OrderType, Side } from './types.ts';

const MINUTE = 60_000;
const SYMBOL = 'ETH-USDT';
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

const feeRates = fc.constantFrom('0', '0.001', '0.00075', '0.0002', '0.1', '0.000123456789');
const feeSteps = fc.constantFrom('0.00000001', '0.01', '0.0000000001', '0.5');
const lots = fc.constantFrom('0.00000001', '0.001', '0.1', '1', '0.00000000001');

/** Counts of units from 1 to past 2^53, crowded near the limit. */
const units = fc.oneof(
  fc.integer({ min: 1, max: 10 ** 12 }),
  fc.integer({ min: 1, max: MAX_SAFE }),
  fc.integer({ min: 0, max: 2 ** 24 }).map((below) => MAX_SAFE - below),
);
/** A price in units with 0 to 10 places. */
const priceUnits = fc
  .tuple(fc.integer({ min: 1, max: 10 ** 9 }), fc.integer({ min: 0, max: 10 }))
  .map(([digits, places]) => digits * 10 ** (10 - places));

describe('the units fast path agrees with the Decimal path', () => {
  it('on fees: the same fee, or NaN', () => {
    let fast = 0;
    fc.assert(
      fc.property(units, feeRates, feeSteps, (notional, rate, step) => {
        const schedule = feeSchedule(decimalFromNumber(Number(rate)), decimalFromNumber(Number(step)));
        const feeUnits = scheduledFeeUnits(notional, schedule);
        if (Number.isNaN(feeUnits)) return;
        fast++;
        expect(unitsToDecimal(feeUnits)).toBe(scheduledFeeQuote(unitsToDecimal(notional), schedule));
      }),
      { numRuns: 3000 },
    );
    expect(fast).toBeGreaterThan(1000);
  });

  it('on sizing buys within a budget: the same quantity, or NaN', () => {
    let fast = 0;
    fc.assert(
      fc.property(units, priceUnits, feeRates, feeSteps, lots, (budget, price, rate, step, lot) => {
        const rules = buyCostRules(
          decimalFromNumber(Number(rate)),
          decimalFromNumber(Number(lot)),
          decimalFromNumber(Number(step)),
        );
        const qtyUnits = largestAffordableQtyUnits(budget, price, rules);
        if (Number.isNaN(qtyUnits)) return;
        fast++;
        const qtyBase = largestAffordableQtyBase(unitsToDecimal(budget), unitsToDecimal(price), rules);
        expect(unitsToDecimal(qtyUnits)).toBe(qtyBase);
      }),
      { numRuns: 3000 },
    );
    expect(fast).toBeGreaterThan(300);
  });

  it('on a broker wired to a ledger: the same fills, order states and books', () => {
    const fills = { inUnits: 0, inDecimals: 0 };
    const count = (exact: Readonly<ExactFillAmounts>) => {
      if (exact.units != null) fills.inUnits++;
      else fills.inDecimals++;
    };
    const agree = (m: Market, orders: PlannedOrder[], cash: number, options: BrokerOptions) => {
      const fast = replay(m, orders, cash, options, true, count);
      expect(fast).toEqual(replay(m, orders, cash, options, false, () => {}));
    };
    // Anything: most replays leave units at some point (past 2^53, more than 10 places, partial sales, cuts).
    fc.assert(fc.property(market, fc.array(plannedOrder, { maxLength: 8 }), startingCash, brokerOptions, agree), {
      numRuns: 400,
    });
    expect(fills.inDecimals).toBeGreaterThan(50);
    // Mostly what the backtester's sma-cross trades: cents, Binance's default costs, whole-position sales.
    const inUnitsBefore = fills.inUnits;
    fc.assert(
      fc.property(
        market.filter((m) => m.places === 2 && (m.candles[0] as Candle).open >= 100),
        fc.array(
          plannedOrder.map((order) => ({
            ...order,
            type: 'market' as const,
            sellAll: true,
            qtyBase: Math.min(order.qtyBase, 3),
          })),
          { maxLength: 8 },
        ),
        fc.integer({ min: 100, max: 10 ** 7 }).map((cents) => cents / 100),
        (m, orders, cash) => agree(m, orders, cash, DEFAULT_COSTS),
      ),
      { numRuns: 300 },
    );
    expect(fills.inUnits - inUnitsBefore).toBeGreaterThan(100);
  });
});

const DEFAULT_COSTS = {
  takerFeeRate: 0.001,
  makerFeeRate: 0.001,
  slippageBps: 0,
  maxVolumeParticipation: 1,
  lotStepBase: 1e-8,
};

interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

interface Market {
  candles: Candle[];
  /** Decimal places of its prices: 2 keeps lot × price within 10 places, 4 and 6 do not. */
  places: number;
}

const brokerOptions: fc.Arbitrary<BrokerOptions> = fc.record({
  takerFeeRate: fc.constantFrom(0, 0.001, 0.001, 0.001, 0.00075),
  makerFeeRate: fc.constantFrom(0, 0.001),
  slippageBps: fc.constantFrom(0, 0, 0, 0, 5),
  maxVolumeParticipation: fc.constantFrom(1, 1, 1, 0.5, null),
  lotStepBase: fc.constantFrom(1e-8, 1e-8, 0.001),
});
interface BrokerOptions {
  takerFeeRate: number;
  makerFeeRate: number;
  slippageBps: number;
  maxVolumeParticipation: number | null;
  lotStepBase: number;
}

const market: fc.Arbitrary<Market> = fc
  .tuple(
    fc.constantFrom(2, 2, 2, 4, 6),
    fc.constantFrom(0.5, 100, 3000, 60_000),
    fc.array(fc.tuple(fc.double({ min: -0.05, max: 0.05, noNaN: true }), fc.integer({ min: 0, max: 10_000_000 })), {
      minLength: 3,
      maxLength: 12,
    }),
  )
  .map(([places, start, steps]) => {
    const round = (x: number) => Math.max(10 ** -places, Math.round(x * 10 ** places) / 10 ** places);
    let last: number = start;
    const candles = steps.map(([move, volume], i): Candle => {
      const open = round(last);
      const close = round(open * (1 + move));
      const high = round(Math.max(open, close) * 1.01);
      const low = round(Math.min(open, close) * 0.99);
      last = close;
      return { time: i * MINUTE, open, high, low, close, volume: i % 9 === 4 ? 0 : volume / 100 };
    });
    return { candles, places };
  });

/** Cash from small to past 2^53 units (about 900,720 quote), often right around it. */
const startingCash = fc.oneof(
  fc.integer({ min: 1, max: 10 ** 8 }).map((cents) => cents / 100),
  fc.integer({ min: 0, max: 10 ** 6 }).map((cents) => 900_000 + cents / 100),
  fc.integer({ min: 1, max: 10 ** 12 }).map((millicents) => millicents / 1e5),
);

interface PlannedOrder {
  afterCandle: number;
  /** Sells: the whole position as the ledger holds it when submitted (a partial sale leaves the fast path). */
  sellAll: boolean;
  side: Side;
  type: OrderType;
  qtyBase: number;
  quoteQty: number | null;
  priceOffset: number;
}

const plannedOrder: fc.Arbitrary<PlannedOrder> = fc.record({
  afterCandle: fc.integer({ min: -1, max: 6 }),
  sellAll: fc.boolean(),
  side: fc.constantFrom<Side>('buy', 'buy', 'sell'),
  type: fc.constantFrom<OrderType>('market', 'market', 'limit', 'stop'),
  qtyBase: fc.oneof(
    { arbitrary: fc.integer({ min: 1, max: 300_000_000 }).map((satoshis) => satoshis / 1e8), weight: 4 },
    { arbitrary: fc.integer({ min: 1, max: 10 ** 6 }).map((whole) => whole), weight: 1 },
    // 10^16 units and more: past 2^53, the Decimal path's.
    { arbitrary: fc.integer({ min: 1, max: 10 ** 6 }).map((whole) => whole * 1000), weight: 1 },
  ),
  quoteQty: fc.option(
    fc.oneof(
      fc.integer({ min: 1, max: 10 ** 9 }).map((cents) => cents / 100),
      fc.integer({ min: 1, max: 10 ** 12 }).map((units) => units / 1e7),
    ),
    { freq: 2 },
  ),
  priceOffset: fc.double({ min: -0.03, max: 0.03, noNaN: true }),
});

function toRequest(
  planned: PlannedOrder,
  index: number,
  reference: number,
  places: number,
  heldQtyBase: number,
): OrderRequest {
  const price = Math.max(
    10 ** -places,
    Math.round(reference * (1 + planned.priceOffset) * 10 ** places) / 10 ** places,
  );
  const request: OrderRequest = {
    clientOrderId: `o-${index}`,
    symbol: SYMBOL,
    side: planned.side,
    type: planned.type,
    reason: 'property',
  };
  if (planned.quoteQty !== null && planned.type === 'market' && planned.side === 'buy') {
    request.quoteQty = planned.quoteQty;
  } else
    request.qtyBase = planned.side === 'sell' && planned.sellAll && heldQtyBase > 0 ? heldQtyBase : planned.qtyBase;
  if (planned.type === 'limit') request.limitPrice = price;
  if (planned.type === 'stop') request.stopPrice = price;
  return request;
}

/** Everything a replay produced, as plain values: fills, what submissions answered, order states, the books. */
function replay(
  { candles, places }: Market,
  orders: PlannedOrder[],
  initialCashQuote: number,
  options: BrokerOptions,
  unitsFastPath: boolean,
  onExact: (exact: Readonly<ExactFillAmounts>) => void,
) {
  const ledger = new Ledger({ initialCashQuote, symbols: [SYMBOL], unitsFastPath });
  const broker = new PaperBroker({
    ...options,
    unitsFastPath,
    availableQuote: () => ledger.cashQuoteExact,
    availableBase: (symbol) => ledger.position(symbol).qtyBase,
    availableQuoteUnits: () => ledger.cashQuoteUnits,
    availableBaseUnits: (symbol) => ledger.positionQtyBaseUnits(symbol),
  });
  const fills: Fill[] = [];
  const answers: string[] = [];
  const onFill = (fill: Fill, exact: Readonly<ExactFillAmounts>) => {
    onExact(exact);
    fills.push({ ...fill });
    answers.push(`${exact.qtyBase} ${exact.priceQuote} ${exact.feeQuote} ${exact.notionalQuote}`);
    try {
      ledger.applyFill(fill, exact);
    } catch (error) {
      answers.push(`ledger: ${(error as Error).message}`);
    }
  };
  const submitAfter = (i: number) => {
    orders.forEach((planned, index) => {
      if (planned.afterCandle !== i) return;
      const reference = i >= 0 ? (candles[i] as Candle).close : (candles[0] as Candle).open;
      try {
        const request = toRequest(planned, index, reference, places, ledger.positionQtyBaseAt(0));
        broker.submit(request, (i + 1) * MINUTE);
        answers.push('accepted');
      } catch (error) {
        answers.push((error as Error).message);
      }
    });
  };
  submitAfter(-1);
  candles.forEach((c, i) => {
    broker.onCandle(SYMBOL, c.time, c.open, c.high, c.low, c.close, c.volume, onFill);
    ledger.mark(0, c.close);
    answers.push(`equity ${ledger.equityQuote} cash ${ledger.cashQuote} qty ${ledger.positionQtyBaseAt(0)}`);
    submitAfter(i);
  });
  const states = orders.map((_, index) => {
    const state = broker.order(`o-${index}`);
    return state === undefined ? null : { ...state };
  });
  return {
    fills,
    answers,
    states,
    cash: ledger.cashQuoteExact,
    realised: ledger.realisedPnlQuoteExact,
    fees: ledger.feesPaidQuoteExact,
    positions: ledger.positions().map((p) => ({ ...p })),
    equity: ledger.equityQuoteExact(),
    averageEntry: ledger.averageEntryPriceAt(0),
  };
}
