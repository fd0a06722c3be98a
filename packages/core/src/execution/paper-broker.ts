/**
 * A simulated exchange that fills orders against candles, for backtests and paper trading.
 *
 * No look-ahead: an order decided at time T (normally the close of candle t, i.e. the open of t+1) is matched
 * only against candles whose open time is ≥ T, never against the candle it was decided on. How an order trades
 * inside a candle is documented in order-matching.ts; sizes, fees and balances here:
 * - Quantities are whole lots, rounded DOWN (orders at submission, fills when sized from quote or volume).
 * - Fees: maker or taker rate × notional, rounded up to feeStepQuote (fees.ts), always in the quote currency.
 * - Volume: all our fills in one candle share at most maxVolumeParticipation × its volume; what does not fit
 *   stays open for the next candles (a market order's remainder trades at their opens). A candle with zero
 *   volume fills nothing, unless the cap is switched off (maxVolumeParticipation: null).
 * - quoteQty market buys spend at most quoteQty including fees: qty = quoteQty / (price × (1 + feeRate)) rounded
 *   down to the lot (fill-sizing.ts); the quote left is less than a lot's cost, and the order is then filled.
 * - Balances live in the caller's ledger: availableQuote / availableBase cut each fill to what the account holds,
 *   so broker + ledger never drive cash or a position negative. An order cut short by funds has its remainder
 *   cancelled (status 'cancelled', or 'rejected' when nothing filled), with the reason in rejectReason.
 * Fills travel as numbers (execution/types.ts); every quantity and fee is checked to be exactly the decimal its
 * number spells, and the fee is computed from the fill's own numbers, so the ledger books exactly these amounts.
 * A fill is computed in exact integer units held in numbers (money/safe-units.ts; notionals and quote amounts in
 * two words, money/wide-units.ts) when every amount fits there,
 * which needs no bigint, else with Decimals; both give the same fill to the last digit.
 *
 * onFill is called after the order's state counts the fill; if it throws (a ledger refusing the fill), the
 * broker is ahead of the books, which the availability callbacks exist to prevent.
 *
 * Per candle, a symbol without open orders costs one counter test or one Map lookup and allocates nothing.
 */
import { addDecimal, mulDecimal, subDecimal } from '../money/arithmetic.ts';
import { DECIMAL_ZERO, type Decimal, minDecimal } from '../money/decimal.ts';
import { decimalToExactNumber, decimalToNumber, decimalToShortNumber, formatDecimal } from '../money/format.ts';
import { decimalFromNumber } from '../money/parse.ts';
import {
  floorDivUnits,
  safeUnits,
  unitsFromNumber,
  unitsToDecimal,
  unitsToExactNumber,
  unitsToNumber,
} from '../money/safe-units.ts';
import { roundToStep } from '../money/step.ts';
import {
  addWide,
  compareWide,
  isWideExact,
  mulUnitsWide,
  subWide,
  WIDE_NOT_EXACT,
  WIDE_ZERO,
  type WideUnits,
  wideFromDecimal,
  wideFromNumber,
  wideFromUnits,
  wideToDecimal,
  wideToNumber,
} from '../money/wide-units.ts';
import { CandleVolume } from './candle-volume.ts';
import { OrderValidationError } from './errors.ts';
import { feeSchedule, scheduledFeeQuote, scheduledFeeWide } from './fees.ts';
import { reusedFillAmounts } from './fill-amounts.ts';
import { type BuyCostRules, buyCostRules, largestAffordableQtyBase, largestAffordableQtyWide } from './fill-sizing.ts';
import { type ResolvedMarketRules, resolveMarketRules } from './market-rules.ts';
import { OrderIndex } from './order-index.ts';
import { type Match, type MatchingRules, matchOrder } from './order-matching.ts';
import { type ValidatedOrder, validateOrder } from './order-validation.ts';
import {
  matchingRulesFor,
  type PaperBrokerOptions,
  type ResolvedBrokerCosts,
  resolveBrokerCosts,
} from './paper-broker-options.ts';
import type { ExactFillAmounts, Fill, OrderRequest, OrderState, OrderStatus, OrderType, Side } from './types.ts';

/**
 * Receives each fill, and its amounts as the exact decimals the broker computed (for a ledger, which then need
 * not parse them again). `exact` is one object reused for every fill: read it during the call, never keep it.
 */
export type FillListener = (fill: Fill, exact: Readonly<ExactFillAmounts>) => void;

/** Per-symbol trading rules, resolved once. */
interface MarketBook {
  readonly rules: ResolvedMarketRules;
  readonly matching: MatchingRules;
  /** What a lot costs on this market with the maker and the taker fee (built once, not per fill). */
  readonly makerCosts: BuyCostRules;
  readonly takerCosts: BuyCostRules;
  /**
   * Its first `orderCount` entries: the orders that were working at the last compaction, in submission order (may
   * hold closed ones until then). The array never shrinks, so that the usual one order at a time does not give up
   * and reallocate its storage on every fill; the slots past `orderCount` are stale until overwritten.
   */
  readonly orders: WorkingOrder[];
  orderCount: number;
}

interface WorkingOrder {
  readonly state: OrderState;
  readonly book: MarketBook;
  readonly side: Side;
  readonly type: OrderType;
  readonly limitPriceQuote: number;
  readonly stopPriceQuote: number;
  /** Its size: qtyBase or quoteQty, as Decimals and in units. */
  readonly size: ValidatedOrder;
  /** quoteQty in two words (money/wide-units.ts); not exact for orders sized in base or off the fast path. */
  readonly quoteQtyWide: WideUnits;
  /**
   * Whether the filled amounts are held in units (filledQtyUnits, filledQuoteWide), the fast path's, or as
   * Decimals (filledQtyBase, filledQuote); the other pair is stale. An order leaves units for good on its first
   * fill that needs Decimals.
   */
  amountsInUnits: boolean;
  filledQtyBase: Decimal;
  /** Buys: quote spent, fees included. Sells: quote received, fees deducted. */
  filledQuote: Decimal;
  filledQtyUnits: number;
  filledQuoteWide: WideUnits;
  stopTriggered: boolean;
  /** Has met its first eligible candle (a limit marketable then takes liquidity; later it rests). */
  arrived: boolean;
}

export class PaperBroker {
  private readonly costs: ResolvedBrokerCosts;
  private readonly options: PaperBrokerOptions;
  /** Lot and tick of markets without their own entry in options.markets. */
  private readonly defaultRules: ResolvedMarketRules;
  private readonly books = new Map<string, MarketBook>();
  /**
   * Every accepted order's live state, open or closed: clientOrderIds are never reused. Only the state is kept
   * here; an order's working record (its exact amounts) lives in its book while it works and is dropped once it
   * closed (a book's stale slots keep at most as many as were ever working at once), so a long run keeps one small
   * object per order rather than every record it ever traded with.
   */
  private readonly orders = new OrderIndex();
  private workingCount = 0;
  private readonly match: Match = { priceQuote: 0, liquidity: 'taker' };
  private readonly exactFill = reusedFillAmounts();
  /**
   * Whether fills try units first: off by option, or once the account's balances could not be read in units (the
   * backtest's ledger never reads in units again once its books moved to Decimals), which spares every later fill
   * a try that would fail.
   */
  private unitsFastPath: boolean;

  /** Throws BrokerConfigError for options out of range. */
  constructor(options: PaperBrokerOptions = {}) {
    this.options = options;
    this.costs = resolveBrokerCosts(options);
    this.defaultRules = resolveMarketRules(options);
    this.unitsFastPath = options.unitsFastPath ?? true;
    for (const [symbol, rules] of Object.entries(options.markets ?? {})) {
      this.addBook(symbol, resolveMarketRules(options, rules, `markets.${symbol}.`));
    }
  }

  /**
   * Accepts an order decided at decisionTime (ms UTC); it can fill from the first candle opening at or after
   * it. Returns the order's live state (updated as it fills). Throws OrderValidationError for an invalid order
   * or a clientOrderId already used.
   */
  submit(order: OrderRequest, decisionTime: number): Readonly<OrderState> {
    if (this.orders.get(order.clientOrderId) !== undefined) {
      throw new OrderValidationError(
        'duplicate-client-order-id',
        order.clientOrderId,
        'this clientOrderId was already submitted; a retry must not open a second order',
      );
    }
    const existing = typeof order.symbol === 'string' ? this.books.get(order.symbol) : undefined;
    const validated = validateOrder(order, decisionTime, existing?.rules ?? this.defaultRules);
    const request = validated.request;
    const book = existing ?? this.addBook(request.symbol, this.defaultRules);
    const state: OrderState = {
      request,
      submittedAt: decisionTime,
      status: 'open',
      filledQtyBase: 0,
      filledQuote: 0,
    };
    const working: WorkingOrder = {
      state,
      book,
      side: request.side,
      type: request.type,
      limitPriceQuote: request.limitPrice ?? Number.NaN,
      stopPriceQuote: request.stopPrice ?? Number.NaN,
      size: validated,
      quoteQtyWide: this.unitsFastPath && validated.sizedInQuote ? quoteQtyInWide(validated) : WIDE_NOT_EXACT,
      amountsInUnits: this.unitsFastPath,
      filledQtyBase: DECIMAL_ZERO,
      filledQuote: DECIMAL_ZERO,
      filledQtyUnits: 0,
      filledQuoteWide: WIDE_ZERO,
      stopTriggered: false,
      arrived: false,
    };
    this.orders.add(state);
    book.orders[book.orderCount++] = working;
    this.workingCount++;
    return state;
  }

  /** Cancels a working order; false when it is unknown or already filled, cancelled or rejected. */
  cancel(clientOrderId: string): boolean {
    const state = this.orders.get(clientOrderId);
    if (state === undefined || !isWorking(state.status)) return false;
    const book = this.books.get(state.request.symbol) as MarketBook;
    for (let i = 0; i < book.orderCount; i++) {
      const order = book.orders[i] as WorkingOrder;
      if (order.state === state) {
        this.close(order, 'cancelled');
        return true;
      }
    }
    return false;
  }

  /** Orders still working (open or partially filled), in submission order. */
  openOrders(): Readonly<OrderState>[] {
    const open: OrderState[] = [];
    for (const state of this.orders.all()) if (isWorking(state.status)) open.push(state);
    return open;
  }

  /** Whether any order is open or partially filled: without one, onCandle has nothing to do. */
  hasWorkingOrders(): boolean {
    return this.workingCount > 0;
  }

  /** Any order ever accepted, by clientOrderId. */
  order(clientOrderId: string): Readonly<OrderState> | undefined {
    return this.orders.get(clientOrderId);
  }

  /**
   * Offers one candle of `symbol` (open time `time`, ms UTC) to its working orders, in submission order; each
   * fill is passed to onFill, which must book it before returning when availableQuote/availableBase are used.
   * Candles of a symbol must come in time order.
   */
  onCandle(
    symbol: string,
    time: number,
    open: number,
    high: number,
    low: number,
    _close: number,
    volume: number,
    onFill: FillListener,
  ): void {
    if (this.workingCount === 0) return;
    const book = this.books.get(symbol);
    if (book === undefined || book.orderCount === 0) return;
    const orders = book.orders;
    const offered = book.orderCount;
    let candleVolume: CandleVolume | null = null;
    for (let i = 0; i < offered; i++) {
      const order = orders[i] as WorkingOrder;
      if (!isWorking(order.state.status) || time < order.state.submittedAt) continue;
      const arriving = !order.arrived;
      order.arrived = true;
      if (!matchOrder(order, arriving, open, high, low, book.matching, this.match)) continue;
      if (order.type === 'stop') order.stopTriggered = true;
      candleVolume ??= new CandleVolume(this.costs.maxVolumeParticipation, volume);
      this.fill(order, time, candleVolume, onFill);
    }
    // Orders submitted while the fills were booked (by a fill listener) were appended past `offered`.
    book.orderCount = compactWorking(orders, book.orderCount);
  }

  /** Trades as much of `order` as it, the account and what is left of the candle's volume allow. */
  private fill(order: WorkingOrder, time: number, candleVolume: CandleVolume, onFill: FillListener): void {
    if (order.amountsInUnits) {
      if (this.unitsFastPath && this.fillInUnits(order, time, candleVolume, onFill)) return;
      if (order.filledQtyUnits !== 0) {
        order.filledQtyBase = unitsToDecimal(order.filledQtyUnits);
        order.filledQuote = wideToDecimal(order.filledQuoteWide);
      }
      order.amountsInUnits = false;
    }
    this.fillWithDecimals(order, time, candleVolume, onFill);
  }

  /** fill() with Decimals: any size, any grid. */
  private fillWithDecimals(order: WorkingOrder, time: number, candleVolume: CandleVolume, onFill: FillListener): void {
    const request = order.state.request;
    const lot = order.book.rules.lotStepBase;
    const priceQuote = this.match.priceQuote;
    const liquidity = this.match.liquidity;
    const price = decimalFromNumber(priceQuote);
    const costRules = liquidity === 'maker' ? order.book.makerCosts : order.book.takerCosts;
    const firstFill = order.filledQtyBase === 0n;
    const quoteLeft =
      order.size.quoteQty === null
        ? null
        : firstFill
          ? order.size.quoteQty
          : subDecimal(order.size.quoteQty, order.filledQuote);
    const wantQty =
      quoteLeft !== null
        ? largestAffordableQtyBase(quoteLeft, price, costRules)
        : firstFill
          ? (order.size.qtyBase as Decimal)
          : subDecimal(order.size.qtyBase as Decimal, order.filledQtyBase);
    const fundsQty = this.fundsQtyBase(order, price, costRules, quoteLeft, wantQty);
    const allowedQty = minDecimal(wantQty, fundsQty ?? wantQty);
    // Whole lots usually have an exact short number, which also spares the candle's volume its parse.
    const allowedNumber = allowedQty > 0n ? (decimalToShortNumber(allowedQty) ?? Number.NaN) : Number.NaN;
    const qty = allowedQty > 0n ? candleVolume.cut(allowedQty, allowedNumber, lot) : allowedQty;

    if (qty <= 0n) {
      if (wantQty <= 0n) {
        const why = `quoteQty ${request.quoteQty} cannot buy one more lot (${formatDecimal(lot)}) at ${priceQuote} with fees`;
        this.close(order, order.filledQtyBase > 0n ? 'filled' : 'rejected', order.filledQtyBase > 0n ? undefined : why);
      } else if (fundsQty !== null && fundsQty <= 0n) {
        this.closeShortOfFunds(order, this.shortOfFunds(order, priceQuote));
      }
      return; // no volume left in this candle: the order waits for the next one
    }

    const qtyBase =
      qty === allowedQty && !Number.isNaN(allowedNumber)
        ? allowedNumber
        : decimalToExactNumber(qty, `fill quantity of ${request.clientOrderId}`);
    const notionalQuote = mulDecimal(qty, price);
    const fee = scheduledFeeQuote(
      notionalQuote,
      costRules.derived?.fees ?? feeSchedule(costRules.feeRate, costRules.feeStepQuote),
    );
    const feeQuote = decimalToExactNumber(fee, `fee of ${request.clientOrderId}`);
    const quoteMoved = order.side === 'buy' ? addDecimal(notionalQuote, fee) : subDecimal(notionalQuote, fee);
    if (order.side === 'sell' && this.options.availableQuote !== undefined) {
      // A fee rounded up to a coarse step can exceed a tiny sale's proceeds; the cash must cover the difference.
      const available = this.options.availableQuote(request.symbol);
      if ((quoteMoved < 0n || available < 0n) && addDecimal(available, quoteMoved) < 0n) {
        const why = `fee ${formatDecimal(fee)} exceeds proceeds ${formatDecimal(notionalQuote)} plus available quote ${formatDecimal(available)}`;
        this.closeShortOfFunds(order, why);
        return;
      }
    }

    order.filledQtyBase = firstFill ? qty : addDecimal(order.filledQtyBase, qty);
    order.filledQuote = firstFill ? quoteMoved : addDecimal(order.filledQuote, quoteMoved);
    // After a first fill the order has filled exactly qty, already converted above.
    order.state.filledQtyBase = firstFill ? qtyBase : decimalToNumber(order.filledQtyBase);
    order.state.filledQuote = decimalToNumber(order.filledQuote);
    const complete = order.size.sizedInQuote ? qty === wantQty : order.filledQtyBase === order.size.qtyBase;
    if (complete) this.close(order, 'filled');
    // qty === fundsQty: the volume did not cut it (a cut leaves less than min(wantQty, fundsQty)), the funds bound.
    else if (fundsQty !== null && qty === fundsQty) this.closeShortOfFunds(order, this.shortOfFunds(order, priceQuote));
    else order.state.status = 'partially_filled';

    candleVolume.take(qty);
    this.exactFill.setDecimals(qty, price, fee, notionalQuote);
    this.report(order, time, priceQuote, qtyBase, feeQuote, liquidity, onFill);
  }

  /**
   * fillWithDecimals in units (money/safe-units.ts), for the common fill that trades a positive quantity within
   * the candle's untouched volume with every amount exact in units. Returns false, having changed nothing, for
   * any other: the caller then runs fillWithDecimals, which gives the same result for the fills taken here.
   */
  private fillInUnits(order: WorkingOrder, time: number, candleVolume: CandleVolume, onFill: FillListener): boolean {
    const priceQuote = this.match.priceQuote;
    const liquidity = this.match.liquidity;
    const costRules = liquidity === 'maker' ? order.book.makerCosts : order.book.takerCosts;
    const fees = costRules.derived?.fees;
    const price = unitsFromNumber(priceQuote);
    const size = order.size;
    const quoteLeft = size.sizedInQuote ? subWide(order.quoteQtyWide, order.filledQuoteWide) : WIDE_NOT_EXACT;
    const wantQty = size.sizedInQuote
      ? largestAffordableQtyWide(quoteLeft, price, costRules)
      : safeUnits(size.qtyUnits - order.filledQtyUnits);
    const fundsQty = this.fundsQtyUnits(order, price, costRules, quoteLeft, wantQty);
    const qty = Math.min(wantQty, fundsQty);
    // NaN fails `> 0`; zero or less closes the order, which fillWithDecimals explains in words.
    if (!(wantQty > 0 && qty > 0) || fees === undefined) return false;
    const qtyBase = unitsToExactNumber(qty);
    if (!candleVolume.fitsUntouched(qtyBase)) return false;
    const notional = mulUnitsWide(qty, price);
    const fee = scheduledFeeWide(notional, fees);
    const feeQuote = unitsToExactNumber(fee);
    const quoteMoved =
      order.side === 'buy' ? addWide(notional, wideFromUnits(fee)) : subWide(notional, wideFromUnits(fee));
    // A sale whose fee exceeds its proceeds, or made with negative cash, draws on the cash: fillWithDecimals checks
    // and words those rare cases. (A two-word value is negative exactly when its units are.)
    if (!(quoteMoved.units >= 0) || Number.isNaN(feeQuote)) return false;
    if (order.side === 'sell' && this.options.availableQuote !== undefined) {
      if (!(this.availableQuoteWide(order.state.request.symbol).units >= 0)) return false;
    }
    const filledQty = safeUnits(order.filledQtyUnits + qty);
    const filledQuote = addWide(order.filledQuoteWide, quoteMoved);
    if (Number.isNaN(filledQty) || Number.isNaN(filledQuote.units)) return false;

    const firstFill = order.filledQtyUnits === 0;
    order.filledQtyUnits = filledQty;
    order.filledQuoteWide = filledQuote;
    order.state.filledQtyBase = firstFill ? qtyBase : unitsToNumber(filledQty);
    order.state.filledQuote = wideToNumber(filledQuote);
    const complete = size.sizedInQuote ? qty === wantQty : filledQty === size.qtyUnits;
    if (complete) this.close(order, 'filled');
    else if (qty === fundsQty) this.closeShortOfFunds(order, this.shortOfFunds(order, priceQuote));
    else order.state.status = 'partially_filled';

    candleVolume.takeUnits(qty);
    this.exactFill.setUnits(qty, price, fee, notional);
    this.report(order, time, priceQuote, qtyBase, feeQuote, this.match.liquidity, onFill);
    return true;
  }

  /**
   * fundsQtyBase in units: +Infinity when balances are not tracked, NaN when they are but not readable in units.
   */
  private fundsQtyUnits(
    order: WorkingOrder,
    price: number,
    costRules: BuyCostRules,
    quoteLeft: WideUnits,
    wantQty: number,
  ): number {
    const symbol = order.state.request.symbol;
    if (order.side === 'buy') {
      if (this.options.availableQuote === undefined) return Number.POSITIVE_INFINITY;
      const available = this.availableQuoteWide(symbol);
      if (Number.isNaN(available.units)) return this.balancesNotInUnits();
      if (compareWide(quoteLeft, available) <= 0) return wantQty;
      return largestAffordableQtyWide(available, price, costRules);
    }
    if (this.options.availableBase === undefined) return Number.POSITIVE_INFINITY;
    const available = this.options.availableBaseUnits?.(symbol) ?? Number.NaN;
    if (Number.isNaN(available)) return this.balancesNotInUnits();
    if (wantQty <= available) return wantQty;
    if (available <= 0) return 0;
    const lotUnits = costRules.derived?.inUnits.lotUnits ?? Number.NaN;
    return safeUnits(floorDivUnits(available, lotUnits) * lotUnits);
  }

  /** The account's quote in two words, from availableQuoteWide or else availableQuoteUnits; not exact without them. */
  private availableQuoteWide(symbol: string): WideUnits {
    const wide = this.options.availableQuoteWide;
    if (wide !== undefined) return wide(symbol);
    return wideFromUnits(this.options.availableQuoteUnits?.(symbol) ?? Number.NaN);
  }

  /** Turns the fast path off for good (see unitsFastPath); NaN, for fundsQtyUnits. */
  private balancesNotInUnits(): number {
    this.unitsFastPath = false;
    return Number.NaN;
  }

  /** Passes one fill, whose amounts are in this.exactFill, to the listener. */
  private report(
    order: WorkingOrder,
    time: number,
    priceQuote: number,
    qtyBase: number,
    feeQuote: number,
    liquidity: Match['liquidity'],
    onFill: FillListener,
  ): void {
    const request = order.state.request;
    onFill(
      {
        clientOrderId: request.clientOrderId,
        symbol: request.symbol,
        side: order.side,
        time,
        priceQuote,
        qtyBase,
        feeQuote,
        liquidity,
      },
      this.exactFill,
    );
  }

  /**
   * The most the account can trade now (lots), or null when balances are not tracked. A quoteQty buy whose
   * remaining quote (`quoteLeft`, buying `wantQty`) is within the cash gets wantQty: more cash could buy more, but
   * the fill never takes more than the order wants, so the cash cannot bind and sizing it would change nothing.
   */
  private fundsQtyBase(
    order: WorkingOrder,
    price: Decimal,
    costRules: BuyCostRules,
    quoteLeft: Decimal | null,
    wantQty: Decimal,
  ): Decimal | null {
    const symbol = order.state.request.symbol;
    if (order.side === 'buy') {
      const available = this.options.availableQuote?.(symbol);
      if (available === undefined) return null;
      if (quoteLeft !== null && quoteLeft <= available) return wantQty;
      return largestAffordableQtyBase(available, price, costRules);
    }
    const available = this.options.availableBase?.(symbol);
    if (available === undefined) return null;
    if (wantQty <= available) return wantQty; // as for buys: holding more than the order sells cannot bind
    return available <= 0n ? DECIMAL_ZERO : roundToStep(available, costRules.lotStepBase, 'down');
  }

  private shortOfFunds(order: WorkingOrder, priceQuote: number): string {
    const symbol = order.state.request.symbol;
    if (order.side === 'buy') {
      const available = this.options.availableQuote?.(symbol) ?? DECIMAL_ZERO;
      return `available quote ${formatDecimal(available)} does not pay for one more lot of ${symbol} at ${priceQuote} with fees`;
    }
    const available = this.options.availableBase?.(symbol) ?? DECIMAL_ZERO;
    return `only ${formatDecimal(available)} ${symbol} held (spot, long-only)`;
  }

  /** Ends an order the account cannot pay for: 'rejected' if nothing filled, else the remainder 'cancelled'. */
  private closeShortOfFunds(order: WorkingOrder, why: string): void {
    const filledNothing = order.amountsInUnits ? order.filledQtyUnits === 0 : order.filledQtyBase === 0n;
    if (filledNothing) this.close(order, 'rejected', why);
    else this.close(order, 'cancelled', `remainder cancelled: ${why}`);
  }

  private close(order: WorkingOrder, status: OrderStatus, reason?: string): void {
    order.state.status = status;
    if (reason !== undefined) order.state.rejectReason = reason;
    this.workingCount--;
  }

  private addBook(symbol: string, rules: ResolvedMarketRules): MarketBook {
    const buyCosts = (feeRate: Decimal) => buyCostRules(feeRate, rules.lotStepBase, this.costs.feeStepQuote);
    const book = {
      rules,
      matching: matchingRulesFor(this.costs, rules.tickSizeQuote),
      makerCosts: buyCosts(this.costs.makerFeeRate),
      takerCosts: buyCosts(this.costs.takerFeeRate),
      orders: [],
      orderCount: 0,
    };
    this.books.set(symbol, book);
    return book;
  }
}

/**
 * A quoteQty order's size in two words: from its units when it has at most 10 places, else from its number's
 * digits, else (more than 18 places) from its Decimal.
 */
function quoteQtyInWide(size: ValidatedOrder): WideUnits {
  if (!Number.isNaN(size.quoteQtyUnits)) return wideFromUnits(size.quoteQtyUnits);
  const wide = wideFromNumber(size.request.quoteQty as number);
  if (isWideExact(wide) || size.quoteQty === null) return wide;
  return wideFromDecimal(size.quoteQty);
}

function isWorking(status: OrderStatus): boolean {
  return status === 'open' || status === 'partially_filled';
}

/** Moves the working orders among the first `count` to the front, keeping their order; returns how many there are. */
function compactWorking(orders: WorkingOrder[], count: number): number {
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const order = orders[i] as WorkingOrder;
    if (isWorking(order.state.status)) orders[kept++] = order;
  }
  return kept;
}
