import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExactFillAmounts, Fill, Side } from '../execution/types.ts';
import { addDecimal, mulDecimal, subDecimal } from '../money/arithmetic.ts';
import { DECIMAL_ZERO, type Decimal } from '../money/decimal.ts';
import { decimalToNumber, formatDecimal } from '../money/format.ts';
import { decimalFromNumber, decimalFromString } from '../money/parse.ts';
import { PortfolioError } from './errors.ts';
import { Ledger } from './ledger.ts';

const SYMBOLS = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'];

function fill(symbol: string, side: Side, qtyBase: number, priceQuote: number, feeQuote = 0): Fill {
  return { clientOrderId: `t-${side}`, symbol, side, time: 0, priceQuote, qtyBase, feeQuote, liquidity: 'taker' };
}

describe('Ledger', () => {
  it('books buys and sells exactly: cash, average entry, realised P&L and fees', () => {
    const ledger = new Ledger({ initialCashQuote: 10_000, symbols: SYMBOLS });
    ledger.applyFill(fill('BTC-USDT', 'buy', 0.1, 30_000.1, 3.00001));
    ledger.applyFill(fill('BTC-USDT', 'buy', 0.2, 29_000.7, 5.80014));
    expect(formatDecimal(ledger.cashQuoteExact)).toBe('1191.04985');
    expect(ledger.cashQuote).toBe(1191.04985);
    expect(ledger.positionQtyBase('BTC-USDT')).toBe(0.3);
    expect(ledger.averageEntryPriceAt(0)).toBeCloseTo(29_333.833333333, 8);
    const booking = ledger.applyFill(fill('BTC-USDT', 'sell', 0.15, 31_000, 4.65));
    expect(formatDecimal(booking.realisedPnlQuote)).toBe('249.925');
    expect(formatDecimal(booking.cashQuote)).toBe('5836.39985');
    expect(formatDecimal(ledger.realisedPnlQuoteExact)).toBe('249.925');
    expect(formatDecimal(ledger.feesPaidQuoteExact)).toBe('13.45015');
    expect(formatDecimal(ledger.position('BTC-USDT').costBasisQuote)).toBe('4400.075');
  });

  it('values equity from marks, as numbers for the hot loop and exactly for the books', () => {
    const ledger = new Ledger({ initialCashQuote: '1000', symbols: SYMBOLS });
    ledger.applyFill(fill('ETH-USDT', 'buy', 0.5, 1000, 0.5));
    expect(ledger.hasPosition()).toBe(true);
    expect(ledger.equityQuote).toBeNaN(); // an open position without a mark has no value yet
    ledger.mark(1, 1100);
    expect(ledger.markPrice('ETH-USDT')).toBe(1100);
    expect(ledger.equityQuote).toBe(1049.5);
    expect(formatDecimal(ledger.equityQuoteExact())).toBe('1049.5');
    expect(formatDecimal(ledger.unrealisedPnlQuoteExact())).toBe('50');
    expect(formatDecimal(ledger.netPnlQuoteExact())).toBe('49.5');
    ledger.applyFill(fill('ETH-USDT', 'sell', 0.5, 1100, 0.55));
    expect(ledger.hasPosition()).toBe(false);
    expect(ledger.averageEntryPriceAt(1)).toBeNaN();
    expect(formatDecimal(ledger.cashQuoteExact)).toBe('1048.95');
  });

  it.each([
    ['more cash than held', fill('BTC-USDT', 'buy', 1, 1000, 0.01), 'insufficient-cash'],
    ['a fee the proceeds cannot cover', fill('ETH-USDT', 'sell', 0.5, 1, 1000.6), 'insufficient-cash'],
    ['more than the position', fill('ETH-USDT', 'sell', 0.50000001, 1000, 0), 'insufficient-position'],
    ['an unknown market', fill('DOGE-USDT', 'buy', 1, 1, 0), 'unknown-symbol'],
    ['a zero quantity', fill('BTC-USDT', 'buy', 0, 1, 0), 'invalid-fill'],
    ['a NaN price', fill('BTC-USDT', 'buy', 1, Number.NaN, 0), 'invalid-fill'],
    ['a negative fee', fill('BTC-USDT', 'buy', 1, 1, -1), 'invalid-fill'],
    ['an unknown side', { ...fill('BTC-USDT', 'buy', 1, 1, 0), side: 'short' as Side }, 'invalid-fill'],
  ])('refuses %s and changes nothing', (_, refused, code) => {
    const ledger = new Ledger({ initialCashQuote: 1000, symbols: SYMBOLS });
    ledger.applyFill(fill('ETH-USDT', 'buy', 0.5, 1000, 0.5));
    const before = { cash: ledger.cashQuoteExact, cashNumber: ledger.cashQuote, positions: [...ledger.positions()] };
    expect(() => ledger.applyFill(refused)).toThrow(expect.objectContaining({ name: 'PortfolioError', code }));
    expect(ledger.cashQuoteExact).toBe(before.cash);
    expect(ledger.cashQuote).toBe(before.cashNumber);
    expect(ledger.positions()).toEqual(before.positions);
    expect(ledger.positionQtyBaseAt(1)).toBe(0.5);
  });

  it('refuses bad options', () => {
    expect(() => new Ledger({ initialCashQuote: -1, symbols: [] })).toThrow(PortfolioError);
    expect(() => new Ledger({ initialCashQuote: Number.NaN, symbols: [] })).toThrow(PortfolioError);
    expect(() => new Ledger({ initialCashQuote: 1, symbols: ['A', 'A'] })).toThrow(PortfolioError);
  });

  it('does not drift: 20,000 round trips at one price return cash to the unit', () => {
    const ledger = new Ledger({ initialCashQuote: 0.3, symbols: SYMBOLS });
    for (let i = 0; i < 20_000; i++) {
      ledger.applyFill(fill('SOL-USDT', 'buy', 0.1, 2.9, 0));
      ledger.applyFill(fill('SOL-USDT', 'sell', 0.1, 2.9, 0));
    }
    expect(formatDecimal(ledger.cashQuoteExact)).toBe('0.3');
    expect(ledger.cashQuote).toBe(0.3);
  });
});

/** The amounts the paper broker hands the ledger with a fill: its numbers as decimals, and their product. */
function exactAmountsOf(f: Fill): ExactFillAmounts {
  const qtyBase = decimalFromNumber(f.qtyBase);
  const priceQuote = decimalFromNumber(f.priceQuote);
  return {
    qtyBase,
    priceQuote,
    feeQuote: decimalFromNumber(f.feeQuote),
    notionalQuote: mulDecimal(qtyBase, priceQuote),
  };
}

/** A decimal with `places` decimals, as the number a fill would carry. */
const amount = (maxUnits: number, maxPlaces: number) =>
  fc
    .tuple(fc.integer({ min: 1, max: maxUnits }), fc.integer({ min: 0, max: maxPlaces }))
    .map(([units, places]) => Number(`${units}e-${places}`));

const action = fc.record({
  symbolIndex: fc.integer({ min: 0, max: SYMBOLS.length - 1 }),
  kind: fc.constantFrom('buy', 'sell', 'sell-all'),
  // At most 10^4 base with 8 decimals, so even 60 buys sum to ≤ 15 significant digits: what a number-typed fill
  // can carry exactly (sell-all sells the position's number).
  qtyBase: fc
    .tuple(fc.integer({ min: 1, max: 10 ** 6 }), fc.integer({ min: 2, max: 8 }))
    .map(([units, places]) => Number(`${units}e-${places}`)),
  priceQuote: amount(10 ** 9, 6),
  feeQuote: fc.oneof(fc.constant(0), amount(10 ** 8, 8)),
  markQuote: amount(10 ** 9, 6),
});

describe('Ledger properties', () => {
  it('keeps its identities exactly over random fill sequences, and closing everything lands on cash', () => {
    fc.assert(
      fc.property(amount(10 ** 12, 2), fc.array(action, { maxLength: 60 }), (initialCash, actions) => {
        const ledger = new Ledger({ initialCashQuote: initialCash, symbols: SYMBOLS });
        const initial = ledger.initialCashQuoteExact;
        let tradePnl: Decimal = DECIMAL_ZERO;
        const book = (f: Fill) => {
          const booking = ledger.applyFill(f);
          tradePnl = addDecimal(tradePnl, subDecimal(booking.realisedPnlQuote, booking.feeQuote));
        };
        for (const a of actions) {
          const symbol = SYMBOLS[a.symbolIndex] as string;
          const held = ledger.positionQtyBaseAt(a.symbolIndex);
          const qtyBase = a.kind === 'sell-all' ? held : a.qtyBase;
          const side: Side = a.kind === 'buy' ? 'buy' : 'sell';
          const before = { cash: ledger.cashQuoteExact, positions: [...ledger.positions()] };
          try {
            book(fill(symbol, side, qtyBase, a.priceQuote, a.feeQuote));
          } catch (error) {
            expect(error).toBeInstanceOf(PortfolioError);
            expect(ledger.cashQuoteExact).toBe(before.cash);
            expect(ledger.positions()).toEqual(before.positions);
          }
          ledger.mark(a.symbolIndex, a.markQuote);
          for (let i = 0; i < SYMBOLS.length; i++) if (Number.isNaN(ledger.markPriceAt(i))) ledger.mark(i, 1);

          const positions = ledger.positions();
          const costs = positions.reduce((sum, p) => addDecimal(sum, p.costBasisQuote), DECIMAL_ZERO);
          // cash + Σ cost basis = initial + realised − fees
          expect(addDecimal(ledger.cashQuoteExact, costs)).toBe(
            subDecimal(addDecimal(initial, ledger.realisedPnlQuoteExact), ledger.feesPaidQuoteExact),
          );
          // realised + unrealised − fees = equity − initial
          expect(ledger.netPnlQuoteExact()).toBe(subDecimal(ledger.equityQuoteExact(), initial));
          expect(ledger.cashQuoteExact >= 0n).toBe(true);
          expect(ledger.cashQuote).toBe(decimalToNumber(ledger.cashQuoteExact));
          positions.forEach((p, i) => {
            expect(p.qtyBase >= 0n).toBe(true);
            expect(ledger.positionQtyBaseAt(i)).toBe(decimalToNumber(p.qtyBase));
          });
        }

        // Close every position at its mark with no fee.
        SYMBOLS.forEach((symbol, i) => {
          const position = ledger.position(symbol);
          if (position.qtyBase === 0n) return;
          book(fill(symbol, 'sell', decimalToNumber(position.qtyBase), ledger.markPriceAt(i)));
        });
        expect(ledger.hasPosition()).toBe(false);
        for (const p of ledger.positions()) expect(p.costBasisQuote).toBe(0n);
        const netPnl = subDecimal(ledger.cashQuoteExact, initial);
        expect(netPnl).toBe(tradePnl);
        expect(netPnl).toBe(subDecimal(ledger.realisedPnlQuoteExact, ledger.feesPaidQuoteExact));
        expect(ledger.equityQuoteExact()).toBe(ledger.cashQuoteExact);
      }),
      { numRuns: 200 },
    );
  });

  it('books a fill given with its exact amounts as it books the fill alone, and keeps equityQuote current', () => {
    fc.assert(
      fc.property(amount(10 ** 12, 2), fc.array(action, { maxLength: 40 }), (initialCash, actions) => {
        const parsing = new Ledger({ initialCashQuote: initialCash, symbols: SYMBOLS });
        const given = new Ledger({ initialCashQuote: initialCash, symbols: SYMBOLS });
        for (const a of actions) {
          const qtyBase = a.kind === 'sell-all' ? parsing.positionQtyBaseAt(a.symbolIndex) : a.qtyBase;
          const f = fill(SYMBOLS[a.symbolIndex] as string, a.kind === 'buy' ? 'buy' : 'sell', qtyBase, a.priceQuote);
          f.feeQuote = a.feeQuote;
          const outcome = (ledger: Ledger, exact?: ExactFillAmounts) => {
            try {
              return formatDecimal(ledger.applyFill(f, exact).cashQuote);
            } catch (error) {
              return (error as PortfolioError).code;
            }
          };
          const exact = f.qtyBase > 0 ? exactAmountsOf(f) : undefined;
          expect(outcome(given, exact)).toBe(outcome(parsing));
          given.mark(a.symbolIndex, a.markQuote);
          parsing.mark(a.symbolIndex, a.markQuote);
          expect(given.positions()).toEqual(parsing.positions());
          expect(given.realisedPnlQuoteExact).toBe(parsing.realisedPnlQuoteExact);
          expect(given.feesPaidQuoteExact).toBe(parsing.feesPaidQuoteExact);
          let equity = given.cashQuote;
          SYMBOLS.forEach((_, i) => {
            const qty = given.positionQtyBaseAt(i);
            if (qty !== 0) equity += qty * given.markPriceAt(i);
          });
          expect(given.equityQuote).toBe(equity);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses exact amounts that are not positive (fee: negative)', () => {
    const ledger = new Ledger({ initialCashQuote: 1000, symbols: SYMBOLS });
    const f = fill('BTC-USDT', 'buy', 1, 10, 0.01);
    const bad = { ...exactAmountsOf(f), qtyBase: DECIMAL_ZERO };
    expect(() => ledger.applyFill(f, bad)).toThrow(PortfolioError);
    expect(() => ledger.applyFill(f, { ...exactAmountsOf(f), feeQuote: decimalFromString('-0.01') })).toThrow(
      /feeQuote not negative/,
    );
    expect(ledger.cashQuoteExact).toBe(decimalFromString('1000'));
  });

  it('books amounts parsed from the numbers exactly as their decimal text', () => {
    fc.assert(
      fc.property(amount(10 ** 9, 8), amount(10 ** 9, 6), (qtyBase, priceQuote) => {
        const ledger = new Ledger({ initialCashQuote: '1e20', symbols: SYMBOLS });
        const booking = ledger.applyFill(fill('BTC-USDT', 'buy', qtyBase, priceQuote));
        const expected = decimalFromString(String(qtyBase)) * decimalFromString(String(priceQuote));
        expect(booking.notionalQuote * 10n ** 18n).toBe(expected);
        expect(decimalFromNumber(ledger.positionQtyBaseAt(0))).toBe(decimalFromNumber(qtyBase));
      }),
    );
  });
});
