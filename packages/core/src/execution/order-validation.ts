/**
 * Submission checks for an OrderRequest, as an exchange's order endpoint makes them: one size (qtyBase or,
 * for market buys, quoteQty), the price fields its type needs and no others, prices on the tick. qtyBase is
 * rounded DOWN to the lot (never trade more than asked); an order smaller than one lot is refused.
 */
import type { Decimal } from '../money/decimal.ts';
import { decimalToNumber, formatDecimal } from '../money/format.ts';
import { decimalFromNumber } from '../money/parse.ts';
import { floorDivUnits, safeUnits, unitsFromNumber, unitsToDecimal, unitsToNumber } from '../money/safe-units.ts';
import { isOnStep, roundToStep } from '../money/step.ts';
import { type OrderValidationCode, OrderValidationError } from './errors.ts';
import type { ResolvedMarketRules } from './market-rules.ts';
import type { OrderRequest } from './types.ts';

export interface ValidatedOrder {
  /** A copy of the request with qtyBase on the lot. */
  readonly request: OrderRequest;
  /** Sized by quoteQty (a market buy), else by qtyBase. */
  readonly sizedInQuote: boolean;
  /** Exactly one of qtyBase and quoteQty is non-null (built when first read, from the units below or the request). */
  readonly qtyBase: Decimal | null;
  readonly quoteQty: Decimal | null;
  /** qtyBase and quoteQty in units (money/safe-units.ts); NaN when null or not exact in units. */
  readonly qtyUnits: number;
  readonly quoteQtyUnits: number;
}

const SIDES: ReadonlySet<string> = new Set(['buy', 'sell']);
const TYPES: ReadonlySet<string> = new Set(['market', 'limit', 'stop']);

/** Throws OrderValidationError naming the first problem. */
export function validateOrder(request: OrderRequest, decisionTime: number, rules: ResolvedMarketRules): ValidatedOrder {
  if (typeof request.clientOrderId !== 'string' || request.clientOrderId === '') {
    refuse(request, 'invalid-client-order-id', 'clientOrderId must be a non-empty string');
  }
  if (typeof request.symbol !== 'string' || request.symbol === '')
    refuse(request, 'invalid-symbol', 'symbol is missing');
  if (!SIDES.has(request.side)) refuse(request, 'invalid-side', `side must be buy or sell, got ${request.side}`);
  if (!TYPES.has(request.type)) {
    refuse(request, 'invalid-type', `type must be market, limit or stop, got ${request.type}`);
  }
  if (!Number.isFinite(decisionTime)) {
    refuse(request, 'invalid-decision-time', `decision time must be ms UTC, got ${decisionTime}`);
  }

  const hasQty = request.qtyBase !== undefined;
  const hasQuote = request.quoteQty !== undefined;
  if (hasQty === hasQuote) refuse(request, 'ambiguous-size', 'set exactly one of qtyBase and quoteQty');
  let qtyBase: Decimal | null = null;
  let qtyUnits = Number.NaN;
  let quoteQtyUnits = Number.NaN;
  const normalised: OrderRequest = { ...request };
  if (hasQty) {
    const asked = positiveNumber(request, request.qtyBase, 'qtyBase', 'invalid-qty');
    // On the lot in units when the amounts fit there (floorDivUnits: exact), else with Decimals.
    const askedUnits = unitsFromNumber(asked);
    qtyUnits = safeUnits(floorDivUnits(askedUnits, rules.lotStepUnits) * rules.lotStepUnits);
    if (Number.isNaN(qtyUnits)) qtyBase = roundToStep(decimalFromNumber(asked), rules.lotStepBase, 'down');
    if (qtyUnits === 0 || qtyBase === 0n) {
      refuse(
        request,
        'qty-below-lot',
        `qtyBase ${request.qtyBase} is less than one lot (${formatDecimal(rules.lotStepBase)})`,
      );
    }
    normalised.qtyBase = qtyBase === null ? unitsToNumber(qtyUnits) : decimalToNumber(qtyBase);
  } else {
    if (request.type !== 'market' || request.side !== 'buy') {
      refuse(request, 'quote-qty-not-allowed', 'quoteQty sizes market buys only; give qtyBase');
    }
    // Its Decimal, when the units cannot hold it, is built when first read (the units fast path reads none).
    quoteQtyUnits = unitsFromNumber(positiveNumber(request, request.quoteQty, 'quoteQty', 'invalid-qty'));
  }

  const hasLimit = request.limitPrice !== undefined;
  const hasStop = request.stopPrice !== undefined;
  if (request.type === 'limit' && !hasLimit) refuse(request, 'missing-limit-price', 'a limit order needs limitPrice');
  if (request.type === 'stop' && !hasStop) refuse(request, 'missing-stop-price', 'a stop order needs stopPrice');
  if ((hasLimit && request.type !== 'limit') || (hasStop && request.type !== 'stop')) {
    refuse(request, 'unexpected-price', `a ${request.type} order takes no ${hasLimit ? 'limitPrice' : 'stopPrice'}`);
  }
  if (hasLimit) checkPriceOnTick(request, 'limitPrice', rules);
  if (hasStop) checkPriceOnTick(request, 'stopPrice', rules);
  return new LazyValidatedOrder(normalised, hasQuote, qtyBase, qtyUnits, quoteQtyUnits);
}

/**
 * A ValidatedOrder whose Decimal sizes are built when first read, if at all: from their units, or a quoteQty with
 * more places from its number. A class: an object literal with getters costs a closure per getter and a slow
 * literal per order.
 */
class LazyValidatedOrder implements ValidatedOrder {
  readonly request: OrderRequest;
  readonly sizedInQuote: boolean;
  readonly qtyUnits: number;
  readonly quoteQtyUnits: number;
  private qtyDecimal: Decimal | null;
  private quoteQtyDecimal: Decimal | null;

  constructor(
    request: OrderRequest,
    sizedInQuote: boolean,
    qtyDecimal: Decimal | null,
    qtyUnits: number,
    quoteQtyUnits: number,
  ) {
    this.request = request;
    this.sizedInQuote = sizedInQuote;
    this.qtyDecimal = qtyDecimal;
    this.quoteQtyDecimal = null;
    this.qtyUnits = qtyUnits;
    this.quoteQtyUnits = quoteQtyUnits;
  }

  get qtyBase(): Decimal | null {
    if (this.qtyDecimal === null && !Number.isNaN(this.qtyUnits)) this.qtyDecimal = unitsToDecimal(this.qtyUnits);
    return this.qtyDecimal;
  }

  get quoteQty(): Decimal | null {
    if (this.quoteQtyDecimal === null && this.sizedInQuote) {
      this.quoteQtyDecimal = Number.isNaN(this.quoteQtyUnits)
        ? decimalFromNumber(this.request.quoteQty as number)
        : unitsToDecimal(this.quoteQtyUnits);
    }
    return this.quoteQtyDecimal;
  }
}

/** A function, not a closure per call: validation runs on every order. */
function refuse(request: OrderRequest, code: OrderValidationCode, message: string): never {
  throw new OrderValidationError(code, String(request.clientOrderId), message);
}

function checkPriceOnTick(request: OrderRequest, field: 'limitPrice' | 'stopPrice', rules: ResolvedMarketRules): void {
  const price = positiveAmount(request, request[field], field, 'invalid-price');
  const tick = rules.tickSizeQuote;
  if (tick !== null && !isOnStep(price, tick)) {
    const below = formatDecimal(roundToStep(price, tick, 'floor'));
    const above = formatDecimal(roundToStep(price, tick, 'ceiling'));
    refuse(
      request,
      'price-off-tick',
      `${field} ${request[field]} is not on the ${formatDecimal(tick)} tick (${below} or ${above})`,
    );
  }
}

function positiveAmount(
  request: OrderRequest,
  value: number | undefined,
  field: string,
  code: 'invalid-qty' | 'invalid-price',
): Decimal {
  return decimalFromNumber(positiveNumber(request, value, field, code));
}

function positiveNumber(
  request: OrderRequest,
  value: number | undefined,
  field: string,
  code: 'invalid-qty' | 'invalid-price',
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    return refuse(request, code, `${field} must be a positive finite number, got ${value}`);
  }
  return value;
}
