/**
 * The fast path with amounts in two words (money/wide-units.ts) against the Decimal path: fees on notionals with up
 * to 18 places, buy sizing within budgets with up to 18 places, and the backtest's own broker and ledger wiring
 * (createPaperBroker) on prices with 4 and 5 decimals, where cash takes 12 or 13 places after the first sale.
 * Both paths must give the same fees, quantities, fills, order states and books to the last digit, and the fills
 * must stay on the fast path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPaperBroker } from '../backtest/execution-costs.ts';
import { decimalFromNumber } from '../money/parse.ts';
import { unitsToDecimal } from '../money/safe-units.ts';
import { type WideUnits, wideToDecimal } from '../money/wide-units.ts';
import { Ledger } from '../portfolio/ledger.ts';
import { feeSchedule, scheduledFeeQuote, scheduledFeeWide } from './fees.ts';
import { buyCostRules, largestAffordableQtyBase, largestAffordableQtyWide } from './fill-sizing.ts';
import type { ExactFillAmounts, Fill } from './types.ts';

const HOUR = 3_600_000;
const SYMBOL = 'ADA-USDT';
const feeRates = fc.constantFrom('0', '0.001', '0.00075', '0.0002', '0.1', '0.000123456789');
const feeSteps = fc.constantFrom('0.00000001', '0.01', '0.0000000001', '0.5');
const lots = fc.constantFrom('0.00000001', '0.001', '0.1', '1');

/** Two-word amounts up to 10^5 quote, their fine part often on a notional's 12 or 13 places. */
const wideAmounts: fc.Arbitrary<WideUnits> = fc.record({
  units: fc.oneof(fc.integer({ min: 0, max: 10 ** 12 }), fc.integer({ min: 0, max: 10 ** 15 })),
  fine: fc.oneof(
    fc.constant(0),
    fc.integer({ min: 0, max: 9999 }).map((digits) => digits * 10_000),
    fc.integer({ min: 0, max: 99_999_999 }),
  ),
});
/** A price in units with 2 to 6 places. */
const priceUnits = fc
  .tuple(fc.integer({ min: 1, max: 10 ** 8 }), fc.integer({ min: 2, max: 6 }))
  .map(([digits, places]) => digits * 10 ** (10 - places));

describe('the two-word fast path agrees with the Decimal path', () => {
  it('on fees from notionals with up to 18 places', () => {
    let fast = 0;
    fc.assert(
      fc.property(wideAmounts, feeRates, feeSteps, (notional, rate, step) => {
        const schedule = feeSchedule(decimalFromNumber(Number(rate)), decimalFromNumber(Number(step)));
        const feeUnits = scheduledFeeWide(notional, schedule);
        if (Number.isNaN(feeUnits)) return;
        fast++;
        expect(unitsToDecimal(feeUnits)).toBe(scheduledFeeQuote(wideToDecimal(notional), schedule));
      }),
      { numRuns: 3000 },
    );
    expect(fast).toBeGreaterThan(1500);
  });

  it('on sizing buys within budgets with up to 18 places', () => {
    let fast = 0;
    fc.assert(
      fc.property(wideAmounts, priceUnits, feeRates, feeSteps, lots, (budget, price, rate, step, lot) => {
        const rules = buyCostRules(
          decimalFromNumber(Number(rate)),
          decimalFromNumber(Number(lot)),
          decimalFromNumber(Number(step)),
        );
        const qtyUnits = largestAffordableQtyWide(budget, price, rules);
        if (Number.isNaN(qtyUnits)) return;
        fast++;
        const qtyBase = largestAffordableQtyBase(wideToDecimal(budget), unitsToDecimal(price), rules);
        expect(unitsToDecimal(qtyUnits)).toBe(qtyBase);
      }),
      { numRuns: 3000 },
    );
    expect(fast).toBeGreaterThan(1000);
  });

  it("on the backtest's broker and ledger, all in and all out at 4- and 5-decimal prices", () => {
    let fills = 0;
    let fastFills = 0;
    // A walk of at most ±5% a candle from 0.5 or 50, on a 4- or 5-decimal tick (quantities keep 15 digits).
    const prices = fc
      .tuple(
        fc.constantFrom(0.5, 50),
        fc.constantFrom(4, 5),
        fc.array(fc.integer({ min: -500, max: 500 }), { minLength: 2, maxLength: 40 }),
      )
      .map(([start, places, moves]) => {
        let price: number = start;
        return moves.map((basisPoints) => {
          price = Math.max(10 ** -places, Math.round(price * (1 + basisPoints / 10_000) * 10 ** places) / 10 ** places);
          return price;
        });
      });
    fc.assert(
      fc.property(prices, fc.constantFrom(10_000, 1234.56, 0.5), (closes, cash) => {
        const fast = allInAllOut(closes, cash, true, (exact) => {
          fills++;
          if (exact.units != null) fastFills++;
        });
        expect(fast).toEqual(allInAllOut(closes, cash, false, () => {}));
      }),
      { numRuns: 300 },
    );
    expect(fills).toBeGreaterThan(1000);
    expect(fastFills).toBe(fills);
  });
});

/**
 * Buys with all the cash the ledger shows (quoteQty, as the pipeline's sizing does) on even candles, sells the
 * whole position on odd ones, each order filling at the next candle's open; returns every fill and the books.
 */
function allInAllOut(
  closes: readonly number[],
  initialCashQuote: number,
  unitsFastPath: boolean,
  onExact: (exact: Readonly<ExactFillAmounts>) => void,
) {
  const ledger = new Ledger({ initialCashQuote, symbols: [SYMBOL], unitsFastPath });
  const broker = createPaperBroker({}, ledger, unitsFastPath);
  const fills: Fill[] = [];
  const onFill = (fill: Fill, exact: Readonly<ExactFillAmounts>) => {
    onExact(exact);
    fills.push({ ...fill });
    ledger.applyFill(fill, exact);
  };
  closes.forEach((price, i) => {
    broker.onCandle(SYMBOL, i * HOUR, price, price, price, price, 1e12, onFill);
    ledger.mark(0, price);
    const held = ledger.positionQtyBaseAt(0);
    const clientOrderId = `o-${i}`;
    if (held > 0) {
      broker.submit(
        { clientOrderId, symbol: SYMBOL, side: 'sell', type: 'market', qtyBase: held, reason: 'all out' },
        (i + 1) * HOUR,
      );
    } else if (ledger.cashQuote > 0.01) {
      const quoteQty = ledger.cashQuote;
      broker.submit(
        { clientOrderId, symbol: SYMBOL, side: 'buy', type: 'market', quoteQty, reason: 'all in' },
        (i + 1) * HOUR,
      );
    }
  });
  return {
    fills,
    states: broker.openOrders().map((state) => ({ ...state })),
    cash: ledger.cashQuoteExact,
    realised: ledger.realisedPnlQuoteExact,
    fees: ledger.feesPaidQuoteExact,
    positions: ledger.positions().map((position) => ({ ...position })),
    equity: ledger.equityQuote,
  };
}
