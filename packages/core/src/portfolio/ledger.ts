/**
 * The account of a spot, long-only trader: one quote-currency cash balance and one position per market, booked
 * exactly (bigint decimals) from fills. A fill that would make cash or a position negative is refused with a
 * PortfolioError and changes nothing, so the balances are always those of a real account.
 *
 * Hot loops never touch bigint: cash, quantities, average entry prices and marks are mirrored into JS numbers
 * (a field and Float64Arrays) refreshed only when a fill lands (an average entry price when next read, as most
 * fills have no reader for it), and equityQuote sums those numbers. The numbers are a valuation aid; the Decimal
 * accessors (`…Exact`) are the books.
 *
 * The books themselves are kept in exact integer units held in numbers while every balance and every fill fits
 * there, which books a fill without a bigint: quantities and fees in units of 10^-10 (money/safe-units.ts), cash,
 * cost bases and realised P&L, which take a notional's 12 or 13 places, in two words (money/wide-units.ts). The
 * first fill that does not fit moves them to Decimals for good. Decimals are built from the units when read. Both keep the same books to the last digit.
 */
import type { ExactFillAmounts, Fill, FillAmountsInUnits } from '../execution/types.ts';
import { addDecimal, subDecimal } from '../money/arithmetic.ts';
import { DECIMAL_ZERO, type Decimal } from '../money/decimal.ts';
import { DecimalError } from '../money/errors.ts';
import { decimalToNumber, formatDecimal } from '../money/format.ts';
import { decimalFromNumber, toDecimal } from '../money/parse.ts';
import { safeUnits, unitsFromDecimal, unitsFromNumber, unitsToDecimal, unitsToNumber } from '../money/safe-units.ts';
import {
  addWide,
  mulUnitsWide,
  subWide,
  WIDE_NOT_EXACT,
  WIDE_ZERO,
  type WideUnits,
  wideFromDecimal,
  wideFromUnits,
  wideToDecimal,
  wideToNumber,
  wideToUnits,
} from '../money/wide-units.ts';
import { PortfolioError } from './errors.ts';
import { applyBuy, applySell, averageEntryPriceQuote, flatPosition, type Position } from './position.ts';
import { equityQuote, type MarkPriceOf, unrealisedPnlQuote } from './valuation.ts';

/** Up to this many markets symbolIndex scans the list instead of looking the symbol up in a Map. */
const SCANNED_SYMBOLS_MAX = 16;

export interface LedgerOptions {
  /** Starting cash in the quote currency; numbers are read through their shortest decimal text (10000.1 is exact). */
  initialCashQuote: Decimal | number | string;
  /** The markets the account may hold, in the order the backtester numbers them (its symbolIndex). */
  symbols: readonly string[];
  /**
   * Keep the books in exact units held in numbers while they fit (see above). Default true; false keeps them in
   * Decimals throughout: the reference the fast path is tested against.
   */
  unitsFastPath?: boolean;
}

/** What booking one fill did. */
export interface FillBooking {
  readonly position: Position;
  /** qtyBase × priceQuote as booked. */
  readonly notionalQuote: Decimal;
  readonly feeQuote: Decimal;
  /** Realised by this fill, fees excluded: 0 for buys. */
  readonly realisedPnlQuote: Decimal;
  /** Cash after the fill. */
  readonly cashQuote: Decimal;
}

export class Ledger {
  readonly symbols: readonly string[];
  readonly initialCashQuoteExact: Decimal;
  /**
   * Whether the books are the units below (cashWide … positionFeesUnits) or the Decimals (cashExact …
   * positionList). In units, positionList holds a snapshot only where positionStale is 0.
   */
  private booksInUnits: boolean;
  private cashExact: Decimal;
  private realisedExact = DECIMAL_ZERO;
  private feesExact = DECIMAL_ZERO;
  private readonly positionList: Position[];
  private cashWide: WideUnits;
  private realisedWide = WIDE_ZERO;
  private feesUnits = 0;
  private readonly qtyUnits: Float64Array;
  private readonly costBasisWide: WideUnits[];
  private readonly positionRealisedWide: WideUnits[];
  private readonly positionFeesUnits: Float64Array;
  private readonly positionStale: Uint8Array;
  private readonly indexBySymbol = new Map<string, number>();
  private cashNumber: number;
  private openPositionCount = 0;
  private readonly qtyNumbers: Float64Array;
  private readonly averageEntryNumbers: Float64Array;
  /** 1 where averageEntryNumbers predates the last fill of that market: refreshed by averageEntryPriceAt. */
  private readonly averageEntryStale: Uint8Array;
  private readonly marks: Float64Array;
  /**
   * cash + Σ qty × mark in numbers, over the marks set with mark(); NaN if an open position has no mark. Summed
   * again whenever a fill or a mark of an open position changes it, and read as a plain field (see equityQuote).
   */
  private equityNumber = Number.NaN;

  constructor(options: LedgerOptions) {
    this.initialCashQuoteExact = parseInitialCash(options.initialCashQuote);
    this.cashExact = this.initialCashQuoteExact;
    this.cashNumber = decimalToNumber(this.cashExact);
    this.symbols = [...options.symbols];
    this.symbols.forEach((symbol, index) => {
      if (this.indexBySymbol.has(symbol)) throw new PortfolioError('invalid-options', `${symbol} is listed twice`);
      this.indexBySymbol.set(symbol, index);
    });
    this.positionList = this.symbols.map(flatPosition);
    this.cashWide = options.unitsFastPath === false ? WIDE_NOT_EXACT : wideFromDecimal(this.cashExact);
    this.booksInUnits = !Number.isNaN(this.cashWide.units);
    this.qtyUnits = new Float64Array(this.symbols.length);
    this.costBasisWide = this.symbols.map(() => WIDE_ZERO);
    this.positionRealisedWide = this.symbols.map(() => WIDE_ZERO);
    this.positionFeesUnits = new Float64Array(this.symbols.length);
    this.positionStale = new Uint8Array(this.symbols.length);
    this.qtyNumbers = new Float64Array(this.symbols.length);
    this.averageEntryNumbers = new Float64Array(this.symbols.length).fill(Number.NaN);
    this.averageEntryStale = new Uint8Array(this.symbols.length);
    this.marks = new Float64Array(this.symbols.length).fill(Number.NaN);
    this.refreshEquity();
  }

  // ── fast number views (hot loop) ──

  /** Cash as the nearest number, refreshed on each fill. */
  get cashQuote(): number {
    return this.cashNumber;
  }

  /**
   * cash + Σ qty × mark in numbers, over the marks set with mark(). NaN if an open position has no mark. The
   * backtester and the pipeline read it several times per candle; it is summed when it changes rather than when
   * read, so that reading it is a field load: a getter that V8 leaves as a call (it inlines only within a
   * budget) returns its number boxed, which is an allocation per candle.
   */
  get equityQuote(): number {
    return this.equityNumber;
  }

  /** Sums the equity again: after a fill, or a new mark of an open position. */
  private refreshEquity(): void {
    this.equityNumber = this.sumEquity();
  }

  private sumEquity(): number {
    let equity = this.cashNumber;
    if (this.openPositionCount === 0) return equity;
    const qty = this.qtyNumbers;
    for (let i = 0; i < qty.length; i++) {
      const qtyBase = qty[i] as number;
      if (qtyBase !== 0) equity += qtyBase * (this.marks[i] as number);
    }
    return equity;
  }

  hasPosition(): boolean {
    return this.openPositionCount > 0;
  }

  positionQtyBaseAt(symbolIndex: number): number {
    return this.qtyNumbers[symbolIndex] as number;
  }

  positionQtyBase(symbol: string): number {
    return this.qtyNumbers[this.symbolIndex(symbol)] as number;
  }

  /** Average entry price as a number; NaN when flat. */
  averageEntryPriceAt(symbolIndex: number): number {
    if (this.averageEntryStale[symbolIndex] === 1) {
      const averageEntry = averageEntryPriceQuote(this.positionAt(symbolIndex));
      this.averageEntryNumbers[symbolIndex] = averageEntry === null ? Number.NaN : decimalToNumber(averageEntry);
      this.averageEntryStale[symbolIndex] = 0;
    }
    return this.averageEntryNumbers[symbolIndex] as number;
  }

  /** Sets the price open positions are valued at (usually the last close). */
  mark(symbolIndex: number, priceQuote: number): void {
    this.marks[symbolIndex] = priceQuote;
    // A flat market's mark is not in the sum (sumEquity skips it): the equity stands.
    if (this.qtyNumbers[symbolIndex] !== 0) this.refreshEquity();
  }

  markPriceAt(symbolIndex: number): number {
    return this.marks[symbolIndex] as number;
  }

  markPrice(symbol: string): number {
    return this.marks[this.symbolIndex(symbol)] as number;
  }

  // ── exact books ──

  get cashQuoteExact(): Decimal {
    return this.booksInUnits ? wideToDecimal(this.cashWide) : this.cashExact;
  }

  /** Σ realised P&L over every position, fees excluded. */
  get realisedPnlQuoteExact(): Decimal {
    return this.booksInUnits ? wideToDecimal(this.realisedWide) : this.realisedExact;
  }

  get feesPaidQuoteExact(): Decimal {
    return this.booksInUnits ? unitsToDecimal(this.feesUnits) : this.feesExact;
  }

  /** Cash in units (money/safe-units.ts), or NaN once the books are Decimals or when it has more than 10 places. */
  get cashQuoteUnits(): number {
    return this.booksInUnits ? wideToUnits(this.cashWide) : Number.NaN;
  }

  /** Cash in two words (money/wide-units.ts), not exact once the books are Decimals: the paper broker's fast path. */
  get cashQuoteWide(): WideUnits {
    return this.booksInUnits ? this.cashWide : WIDE_NOT_EXACT;
  }

  /** A position's quantity in units, or NaN once the books are Decimals (as cashQuoteUnits). */
  positionQtyBaseUnits(symbol: string): number {
    return this.booksInUnits ? (this.qtyUnits[this.symbolIndex(symbol)] as number) : Number.NaN;
  }

  symbolIndex(symbol: string): number {
    const symbols = this.symbols;
    // Read on every candle: for the few markets of a run a scan (usually one pointer comparison) beats hashing.
    // The lookup and its error are a call of their own, which keeps this small enough to inline in hot loops.
    if (symbols.length <= SCANNED_SYMBOLS_MAX) {
      for (let index = 0; index < symbols.length; index++) if (symbols[index] === symbol) return index;
    }
    return this.lookUpSymbolIndex(symbol);
  }

  private lookUpSymbolIndex(symbol: string): number {
    const index = this.indexBySymbol.get(symbol);
    if (index === undefined) {
      throw new PortfolioError('unknown-symbol', `${symbol} is not one of this ledger's markets (${this.symbols})`);
    }
    return index;
  }

  position(symbol: string): Position {
    return this.positionAt(this.symbolIndex(symbol));
  }

  positions(): readonly Position[] {
    for (let index = 0; index < this.positionList.length; index++) this.positionAt(index);
    return this.positionList;
  }

  /** The position's snapshot, built from the units when they are the books and it predates the last fill. */
  private positionAt(index: number): Position {
    if (this.positionStale[index] === 1) {
      this.positionList[index] = {
        symbol: this.symbols[index] as string,
        qtyBase: unitsToDecimal(this.qtyUnits[index] as number),
        costBasisQuote: wideToDecimal(this.costBasisWide[index] as WideUnits),
        realisedPnlQuote: wideToDecimal(this.positionRealisedWide[index] as WideUnits),
        feesPaidQuote: unitsToDecimal(this.positionFeesUnits[index] as number),
      };
      this.positionStale[index] = 0;
    }
    return this.positionList[index] as Position;
  }

  /**
   * Books a fill: buy: cash −= qty × price + fee; sell: cash += qty × price − fee, realising P&L against the
   * average entry price. Throws PortfolioError (and changes nothing) for an unknown market, a malformed fill, or
   * a fill that would make cash or the position negative.
   *
   * `exact`: the fill's amounts as the decimals its numbers spell, when the caller has them already (the paper
   * broker computes them), which saves parsing them again; they must be the fill's own amounts.
   */
  applyFill(fill: Fill, exact?: Readonly<ExactFillAmounts>): FillBooking {
    const index = this.symbolIndex(fill.symbol);
    if (this.booksInUnits) {
      const units = exact === undefined ? fillAmountsInUnits(fill) : (exact.units ?? exactAmountsInUnits(exact));
      const booking = units == null ? null : this.applyFillInUnits(index, fill.side, units);
      if (booking !== null) return booking;
      this.moveBooksToDecimals();
      try {
        return this.applyFillWithDecimals(index, fill, exact);
      } catch (error) {
        // A refused fill changed nothing: the units still hold the books, which may stay there.
        this.booksInUnits = true;
        throw error;
      }
    }
    return this.applyFillWithDecimals(index, fill, exact);
  }

  /** applyFill with Decimals: any amount. */
  private applyFillWithDecimals(index: number, fill: Fill, exact?: Readonly<ExactFillAmounts>): FillBooking {
    const qtyBase = exact === undefined ? readFillAmount(fill, 'qtyBase', fill.qtyBase, false) : exact.qtyBase;
    const priceQuote =
      exact === undefined ? readFillAmount(fill, 'priceQuote', fill.priceQuote, false) : exact.priceQuote;
    const feeQuote = exact === undefined ? readFillAmount(fill, 'feeQuote', fill.feeQuote, true) : exact.feeQuote;
    if (exact !== undefined) checkExactAmounts(fill, exact);
    const notionalQuote = exact?.notionalQuote;
    const before = this.positionList[index] as Position;
    let change: ReturnType<typeof applyBuy>;
    let cashAfter: Decimal;
    if (fill.side === 'buy') {
      change = applyBuy(before, qtyBase, priceQuote, feeQuote, notionalQuote);
      cashAfter = subDecimal(subDecimal(this.cashExact, change.notionalQuote), feeQuote);
    } else if (fill.side === 'sell') {
      change = applySell(before, qtyBase, priceQuote, feeQuote, notionalQuote);
      cashAfter = subDecimal(addDecimal(this.cashExact, change.notionalQuote), feeQuote);
    } else {
      throw new PortfolioError(
        'invalid-fill',
        `fill ${fill.clientOrderId}: side must be buy or sell, got ${fill.side}`,
      );
    }
    if (cashAfter < 0n) {
      throw new PortfolioError(
        'insufficient-cash',
        `fill ${fill.clientOrderId}: ${fill.side} ${formatDecimal(qtyBase)} ${fill.symbol} at ${formatDecimal(priceQuote)} ` +
          `(notional ${formatDecimal(change.notionalQuote)}, fee ${formatDecimal(feeQuote)}) would leave cash at ` +
          `${formatDecimal(cashAfter)}; spot cash cannot go negative`,
      );
    }
    this.commit(index, before, change.position, cashAfter, change.realisedPnlQuote, feeQuote);
    return {
      position: change.position,
      notionalQuote: change.notionalQuote,
      feeQuote,
      realisedPnlQuote: change.realisedPnlQuote,
      cashQuote: cashAfter,
    };
  }

  /**
   * Σ (qty × mark − cost basis), exact. Marks default to those set with mark(), read through their shortest
   * decimal text; throws PortfolioError 'missing-mark' for an open position without one.
   */
  unrealisedPnlQuoteExact(markPriceOf: MarkPriceOf = this.exactMarkOf): Decimal {
    return unrealisedPnlQuote(this.positions(), markPriceOf);
  }

  /** cash + Σ qty × mark, exact; marks as in unrealisedPnlQuoteExact. */
  equityQuoteExact(markPriceOf: MarkPriceOf = this.exactMarkOf): Decimal {
    return equityQuote(this.cashQuoteExact, this.positions(), markPriceOf);
  }

  /** realised + unrealised − fees; equals equityQuoteExact − initialCashQuoteExact to the last unit. */
  netPnlQuoteExact(markPriceOf: MarkPriceOf = this.exactMarkOf): Decimal {
    const realisedAndUnrealised = addDecimal(this.realisedPnlQuoteExact, this.unrealisedPnlQuoteExact(markPriceOf));
    return subDecimal(realisedAndUnrealised, this.feesPaidQuoteExact);
  }

  private readonly exactMarkOf: MarkPriceOf = (symbol) => {
    const mark = this.marks[this.symbolIndex(symbol)] as number;
    return Number.isFinite(mark) ? decimalFromNumber(mark) : undefined;
  };

  /**
   * Books a fill in units when it and every balance it changes fit, as applyFillWithDecimals would to the last
   * digit; null, having changed nothing, for any fill that does not, or that applyFillWithDecimals refuses (it
   * then explains why).
   */
  private applyFillInUnits(index: number, side: string, fill: Readonly<FillAmountsInUnits>): FillBooking | null {
    const { qtyBase, priceQuote, feeQuote, notionalQuote } = fill;
    if (!(qtyBase > 0 && priceQuote > 0 && feeQuote >= 0 && notionalQuote.units >= 0)) return null;
    const qtyBefore = this.qtyUnits[index] as number;
    const costBefore = this.costBasisWide[index] as WideUnits;
    const fee = wideFromUnits(feeQuote);
    let qtyAfter: number;
    let costAfter: WideUnits;
    let realised: WideUnits;
    let cashAfter: WideUnits;
    if (side === 'buy') {
      qtyAfter = safeUnits(qtyBefore + qtyBase);
      costAfter = addWide(costBefore, notionalQuote);
      realised = WIDE_ZERO;
      cashAfter = subWide(subWide(this.cashWide, notionalQuote), fee);
    } else if (side === 'sell') {
      // Selling part of a position removes a pro-rata cost that needs rounding: the Decimal path's work.
      if (qtyBase !== qtyBefore) return null;
      qtyAfter = 0;
      costAfter = WIDE_ZERO;
      realised = subWide(notionalQuote, costBefore);
      cashAfter = subWide(addWide(this.cashWide, notionalQuote), fee);
    } else return null;
    const positionRealised = addWide(this.positionRealisedWide[index] as WideUnits, realised);
    const positionFees = safeUnits((this.positionFeesUnits[index] as number) + feeQuote);
    const realisedTotal = addWide(this.realisedWide, realised);
    const feesTotal = safeUnits(this.feesUnits + feeQuote);
    // NaN (an unsafe amount) fails `>= 0`; a negative cash is refused, with its reason, by the Decimal path. A two-word
    // value is negative exactly when its units are (its fine part is never negative).
    if (!(cashAfter.units >= 0 && qtyAfter >= 0 && costAfter.units >= 0)) return null;
    if (Number.isNaN(positionRealised.units + positionFees + realisedTotal.units + feesTotal)) return null;

    this.qtyUnits[index] = qtyAfter;
    this.costBasisWide[index] = costAfter;
    this.positionRealisedWide[index] = positionRealised;
    this.positionFeesUnits[index] = positionFees;
    this.positionStale[index] = 1;
    this.cashWide = cashAfter;
    this.realisedWide = realisedTotal;
    this.feesUnits = feesTotal;
    this.cashNumber = wideToNumber(cashAfter);
    this.qtyNumbers[index] = unitsToNumber(qtyAfter);
    this.averageEntryStale[index] = 1;
    if (qtyBefore === 0 && qtyAfter !== 0) this.openPositionCount++;
    if (qtyBefore !== 0 && qtyAfter === 0) this.openPositionCount--;
    this.refreshEquity();
    const position: PositionInUnits = {
      symbol: this.symbols[index] as string,
      qtyBase: qtyAfter,
      costBasisQuote: costAfter,
      realisedPnlQuote: positionRealised,
      feesPaidQuote: positionFees,
    };
    return new FillBookingInUnits(position, notionalQuote, feeQuote, realised, cashAfter);
  }

  /** From units to Decimals, for good: a fill or balance no longer fits in units. */
  private moveBooksToDecimals(): void {
    this.cashExact = this.cashQuoteExact;
    this.realisedExact = this.realisedPnlQuoteExact;
    this.feesExact = this.feesPaidQuoteExact;
    this.positions();
    this.booksInUnits = false;
  }

  private commit(
    index: number,
    before: Position,
    after: Position,
    cashAfter: Decimal,
    realisedPnlQuote: Decimal,
    feeQuote: Decimal,
  ): void {
    this.positionList[index] = after;
    this.cashExact = cashAfter;
    if (realisedPnlQuote !== 0n) this.realisedExact = addDecimal(this.realisedExact, realisedPnlQuote);
    this.feesExact = addDecimal(this.feesExact, feeQuote);
    this.cashNumber = decimalToNumber(cashAfter);
    this.qtyNumbers[index] = after.qtyBase === 0n ? 0 : decimalToNumber(after.qtyBase);
    this.averageEntryStale[index] = 1;
    if (before.qtyBase === 0n && after.qtyBase !== 0n) this.openPositionCount++;
    if (before.qtyBase !== 0n && after.qtyBase === 0n) this.openPositionCount--;
    this.refreshEquity();
  }
}

/** A Position with its quantity and fees in units (money/safe-units.ts), its other amounts in two words. */
interface PositionInUnits {
  readonly symbol: string;
  readonly qtyBase: number;
  readonly costBasisQuote: WideUnits;
  readonly realisedPnlQuote: WideUnits;
  readonly feesPaidQuote: number;
}

/** What booking one fill in units did, its Decimals built when read (the backtester reads none). */
class FillBookingInUnits implements FillBooking {
  private readonly positionUnits: PositionInUnits;
  private readonly notionalUnits: WideUnits;
  private readonly feeUnits: number;
  private readonly realisedUnits: WideUnits;
  private readonly cashUnits: WideUnits;

  constructor(position: PositionInUnits, notional: WideUnits, fee: number, realised: WideUnits, cash: WideUnits) {
    this.positionUnits = position;
    this.notionalUnits = notional;
    this.feeUnits = fee;
    this.realisedUnits = realised;
    this.cashUnits = cash;
  }

  get position(): Position {
    const units = this.positionUnits;
    return {
      symbol: units.symbol,
      qtyBase: unitsToDecimal(units.qtyBase),
      costBasisQuote: wideToDecimal(units.costBasisQuote),
      realisedPnlQuote: wideToDecimal(units.realisedPnlQuote),
      feesPaidQuote: unitsToDecimal(units.feesPaidQuote),
    };
  }

  get notionalQuote(): Decimal {
    return wideToDecimal(this.notionalUnits);
  }

  get feeQuote(): Decimal {
    return unitsToDecimal(this.feeUnits);
  }

  get realisedPnlQuote(): Decimal {
    return wideToDecimal(this.realisedUnits);
  }

  get cashQuote(): Decimal {
    return wideToDecimal(this.cashUnits);
  }
}

/** A fill's amounts in units, read from its numbers as decimalFromNumber reads them; null when one does not fit. */
function fillAmountsInUnits(fill: Fill): FillAmountsInUnits | null {
  const qtyBase = unitsFromNumber(fill.qtyBase);
  const priceQuote = unitsFromNumber(fill.priceQuote);
  const feeQuote = unitsFromNumber(fill.feeQuote);
  const notionalQuote = mulUnitsWide(qtyBase, priceQuote);
  if (Number.isNaN(notionalQuote.units) || Number.isNaN(feeQuote)) return null;
  return { qtyBase, priceQuote, feeQuote, notionalQuote };
}

/** Exact amounts given as Decimals, in units; null when one does not fit. */
function exactAmountsInUnits(exact: Readonly<ExactFillAmounts>): FillAmountsInUnits | null {
  const amounts = {
    qtyBase: unitsFromDecimal(exact.qtyBase),
    priceQuote: unitsFromDecimal(exact.priceQuote),
    feeQuote: unitsFromDecimal(exact.feeQuote),
    notionalQuote: wideFromDecimal(exact.notionalQuote),
  };
  const anyMissing = amounts.qtyBase + amounts.priceQuote + amounts.feeQuote + amounts.notionalQuote.units;
  return Number.isNaN(anyMissing) ? null : amounts;
}

function parseInitialCash(value: Decimal | number | string): Decimal {
  let cash: Decimal;
  try {
    cash = toDecimal(value);
  } catch (error) {
    if (!(error instanceof DecimalError)) throw error;
    throw new PortfolioError('invalid-options', `initialCashQuote: ${error.message}`);
  }
  if (cash < 0n) throw new PortfolioError('invalid-options', `initialCashQuote must not be negative, got ${value}`);
  return cash;
}

/** The same checks as readFillAmount, on amounts given exactly. */
function checkExactAmounts(fill: Fill, exact: Readonly<ExactFillAmounts>): void {
  if (exact.qtyBase <= 0n || exact.priceQuote <= 0n || exact.feeQuote < 0n) {
    throw new PortfolioError(
      'invalid-fill',
      `fill ${fill.clientOrderId} (${fill.symbol}): qtyBase and priceQuote must be positive and feeQuote not negative, ` +
        `got ${formatDecimal(exact.qtyBase)}, ${formatDecimal(exact.priceQuote)}, ${formatDecimal(exact.feeQuote)}`,
    );
  }
}

/** A fill amount as an exact decimal: finite, and positive (or ≥ 0 where zero is allowed, i.e. fees). */
function readFillAmount(fill: Fill, field: string, value: number, zeroAllowed: boolean): Decimal {
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed)) {
    throw new PortfolioError(
      'invalid-fill',
      `fill ${fill.clientOrderId} (${fill.symbol}): ${field} must be a finite ${zeroAllowed ? 'non-negative' : 'positive'} number, got ${value}`,
    );
  }
  return decimalFromNumber(value);
}
