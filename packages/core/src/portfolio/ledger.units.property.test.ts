/**
 * The ledger's books in units (money/safe-units.ts) against the same books in Decimals (unitsFastPath: false),
 * over random fills from tiny amounts to amounts past 2^53 units, so that a run often moves from units to
 * Decimals part-way: every answer, refusal and balance must be the same to the last digit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fill } from '../execution/types.ts';
import { Ledger } from './ledger.ts';

const SYMBOLS = ['BTC-USDT', 'ETH-USDT'];
const MAX_SAFE_UNITS_AS_QUOTE = Number.MAX_SAFE_INTEGER / 1e10;

/** digits × 10^-places: few significant digits (usual), or up to 15 with up to 12 places (past the fast path). */
const amount = (maxDigits: number, maxPlaces: number) =>
  fc
    .tuple(fc.integer({ min: 1, max: maxDigits }), fc.integer({ min: 0, max: maxPlaces }))
    .map(([digits, places]) => Number(`${digits}e-${places}`));

const action = fc.record({
  symbolIndex: fc.integer({ min: 0, max: SYMBOLS.length - 1 }),
  kind: fc.constantFrom('buy', 'buy', 'sell', 'sell-all', 'sell-all'),
  qtyBase: fc.oneof(amount(10 ** 6, 8), amount(10 ** 9, 12)),
  priceQuote: fc.oneof(amount(10 ** 7, 2), amount(10 ** 9, 6)),
  feeQuote: fc.oneof(fc.constant(0), amount(10 ** 6, 8)),
  markQuote: amount(10 ** 7, 2),
});

const initialCash = fc.oneof(
  amount(10 ** 8, 2),
  // Right at the edge of the fast path, on either side.
  fc.integer({ min: -(10 ** 6), max: 10 ** 6 }).map((cents) => Math.floor(MAX_SAFE_UNITS_AS_QUOTE) + cents / 100),
  amount(10 ** 15, 3),
);

function fillOf(ledger: Ledger, a: Action): Fill {
  const qtyBase = a.kind === 'sell-all' ? ledger.positionQtyBaseAt(a.symbolIndex) : a.qtyBase;
  return {
    clientOrderId: 'property',
    symbol: SYMBOLS[a.symbolIndex] as string,
    side: a.kind === 'buy' ? 'buy' : 'sell',
    time: 0,
    priceQuote: a.priceQuote,
    qtyBase,
    feeQuote: a.feeQuote,
    liquidity: 'taker',
  };
}

type Action = typeof action extends fc.Arbitrary<infer T> ? T : never;

/** What applyFill answered: the booking, or the refusal. */
function outcome(ledger: Ledger, fill: Fill): unknown {
  try {
    const booking = ledger.applyFill(fill);
    return {
      position: { ...booking.position },
      notionalQuote: booking.notionalQuote,
      feeQuote: booking.feeQuote,
      realisedPnlQuote: booking.realisedPnlQuote,
      cashQuote: booking.cashQuote,
    };
  } catch (error) {
    return (error as Error).message;
  }
}

function books(ledger: Ledger) {
  return {
    cash: ledger.cashQuoteExact,
    cashNumber: ledger.cashQuote,
    realised: ledger.realisedPnlQuoteExact,
    fees: ledger.feesPaidQuoteExact,
    positions: ledger.positions().map((p) => ({ ...p })),
    qtyNumbers: SYMBOLS.map((_, i) => ledger.positionQtyBaseAt(i)),
    averageEntries: SYMBOLS.map((_, i) => ledger.averageEntryPriceAt(i)),
    equity: ledger.equityQuote,
    hasPosition: ledger.hasPosition(),
  };
}

describe('Ledger books in units', () => {
  it('answer, refuse and balance exactly as the books in Decimals, through the move from one to the other', () => {
    const runs = { stayedInUnits: 0, movedToDecimals: 0 };
    fc.assert(
      fc.property(initialCash, fc.array(action, { maxLength: 30 }), (cash, actions) => {
        const inUnits = new Ledger({ initialCashQuote: cash, symbols: SYMBOLS });
        const inDecimals = new Ledger({ initialCashQuote: cash, symbols: SYMBOLS, unitsFastPath: false });
        for (const a of actions) {
          const fill = fillOf(inDecimals, a);
          expect(outcome(inUnits, fill)).toEqual(outcome(inDecimals, fill));
          inUnits.mark(a.symbolIndex, a.markQuote);
          inDecimals.mark(a.symbolIndex, a.markQuote);
          expect(books(inUnits)).toEqual(books(inDecimals));
        }
        if (SYMBOLS.every((_, i) => inUnits.markPriceAt(i) > 0)) {
          expect(inUnits.equityQuoteExact()).toBe(inDecimals.equityQuoteExact());
          expect(inUnits.netPnlQuoteExact()).toBe(inDecimals.netPnlQuoteExact());
        }
        if (Number.isNaN(inUnits.cashQuoteUnits)) runs.movedToDecimals++;
        else runs.stayedInUnits++;
      }),
      { numRuns: 500 },
    );
    expect(runs.stayedInUnits).toBeGreaterThan(50);
    expect(runs.movedToDecimals).toBeGreaterThan(50);
  });
});
