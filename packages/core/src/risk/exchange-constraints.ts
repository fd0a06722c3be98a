/**
 * Exchange constraints, checked before the venue sees the order (Binance's NOTIONAL, LOT_SIZE and PRICE_FILTER,
 * and the account's balance):
 * - available balance: a buy spends at most the free cash (cash less pending buys); a sell sells at most the
 *   position (spot, long-only). Larger orders are resized down to it.
 * - lot size: qtyBase is rounded DOWN to the lot (never trade more than asked); less than one lot is refused,
 *   as is a quote buy that cannot pay for one lot at the mark.
 * - price precision: limit and stop prices are rounded to the tick in the direction that never worsens the
 *   trader's terms or weakens a protection: buy limits down, sell limits up, sell stops up (triggers sooner),
 *   buy stops down.
 * - minimum notional: an order worth less than minNotionalQuote (at its limit, stop or the mark) is refused.
 * Exact decimal rounding (money/), so the numbers sent are exactly on the grid.
 */
import type { OrderRequest } from '../execution/types.ts';
import type { Decimal } from '../money/decimal.ts';
import { decimalToNumber } from '../money/format.ts';
import { decimalFromNumber } from '../money/parse.ts';
import type { RoundingMode } from '../money/rounding.ts';
import { roundToStep } from '../money/step.ts';
import { RiskConfigError } from './errors.ts';
import { quote } from './format.ts';

export interface ExchangeRules {
  /** Smallest order value in quote; default 0 (none). */
  minNotionalQuote?: number;
  /** Quantity step in base; default 1e-8 (the paper broker's). */
  lotStepBase?: number;
  /** Price step in quote; default none (prices used as given). */
  tickSizeQuote?: number;
}

export interface ResolvedExchangeRules {
  readonly minNotionalQuote: number;
  readonly lotStepBase: number;
  readonly lot: Decimal;
  readonly tick: Decimal | null;
}

export const DEFAULT_LOT_STEP_BASE = 1e-8;

export function resolveExchangeRules(rules: ExchangeRules, where: string): ResolvedExchangeRules {
  const minNotionalQuote = rules.minNotionalQuote ?? 0;
  if (!(minNotionalQuote >= 0 && Number.isFinite(minNotionalQuote))) {
    throw new RiskConfigError(`${where}minNotionalQuote`, `must be a finite number ≥ 0, got ${minNotionalQuote}`);
  }
  const lotStepBase = rules.lotStepBase ?? DEFAULT_LOT_STEP_BASE;
  return {
    minNotionalQuote,
    lotStepBase,
    lot: positiveStep(`${where}lotStepBase`, lotStepBase),
    tick: rules.tickSizeQuote === undefined ? null : positiveStep(`${where}tickSizeQuote`, rules.tickSizeQuote),
  };
}

function positiveStep(option: string, value: number): Decimal {
  if (!(value > 0 && Number.isFinite(value)))
    throw new RiskConfigError(option, `must be a positive step, got ${value}`);
  return decimalFromNumber(value);
}

/** What the constraints changed: the order to send (null: refused) and why. */
export interface ExchangeAdjustment {
  order: OrderRequest | null;
  reasons: string[];
}

/**
 * Checks `order` against the market's rules and the balances; null when it passes unchanged.
 * @param priceQuote the mark, for orders without a price of their own
 */
export function applyExchangeConstraints(
  order: OrderRequest,
  priceQuote: number,
  freeCashQuote: number,
  heldQtyBase: number,
  rules: ResolvedExchangeRules,
): ExchangeAdjustment | null {
  let adjusted = order;
  const reasons: string[] = [];
  const refuse = (why: string): ExchangeAdjustment => ({ order: null, reasons: [...reasons, `exchange: ${why}`] });
  const change = (patch: Partial<OrderRequest>, why: string) => {
    adjusted = { ...adjusted, ...patch };
    reasons.push(`exchange: ${why}`);
  };

  for (const field of ['limitPrice', 'stopPrice'] as const) {
    const price = adjusted[field];
    if (price === undefined) continue;
    const onTick = priceOnTick(price, adjusted.side, rules);
    if (onTick !== price) change({ [field]: onTick }, `${field} ${price} rounded to the tick: ${onTick}`);
  }
  const referencePrice = adjusted.limitPrice ?? adjusted.stopPrice ?? priceQuote;

  if (adjusted.quoteQty !== undefined) {
    const cash = Math.max(0, freeCashQuote);
    if (adjusted.quoteQty > cash) {
      if (!(cash > 0)) return refuse(`no free cash for a ${quote(adjusted.quoteQty)} buy of ${order.symbol}`);
      change({ quoteQty: cash }, `buy of ${quote(adjusted.quoteQty)} cut to the free cash ${quote(cash)}`);
    }
    const spend = adjusted.quoteQty as number;
    if (spend < rules.minNotionalQuote) {
      return refuse(`buy of ${quote(spend)} is below the minimum notional ${rules.minNotionalQuote}`);
    }
    if (spend < rules.lotStepBase * priceQuote) {
      return refuse(`${quote(spend)} does not buy one lot (${rules.lotStepBase}) of ${order.symbol} at ${priceQuote}`);
    }
  } else if (adjusted.qtyBase !== undefined) {
    let qty = adjusted.qtyBase;
    if (adjusted.side === 'sell' && qty > heldQtyBase) {
      if (!(heldQtyBase > 0)) return refuse(`no ${order.symbol} held to sell (spot, long-only)`);
      change({ qtyBase: heldQtyBase }, `sell of ${qty} cut to the ${heldQtyBase} held`);
      qty = heldQtyBase;
    }
    if (adjusted.side === 'buy' && qty * referencePrice > freeCashQuote) {
      const affordable = Math.max(0, freeCashQuote) / referencePrice;
      change(
        { qtyBase: affordable },
        `buy of ${qty} cut to the ${affordable} the free cash ${quote(freeCashQuote)} pays`,
      );
      qty = affordable;
    }
    const onLot = onGrid(qty, rules.lot, 'down');
    if (onLot <= 0) return refuse(`quantity ${qty} is less than one lot (${rules.lotStepBase})`);
    if (onLot !== qty) change({ qtyBase: onLot }, `quantity ${qty} rounded down to the lot: ${onLot}`);
    const notional = onLot * referencePrice;
    if (notional < rules.minNotionalQuote) {
      return refuse(`order worth ${quote(notional)} is below the minimum notional ${rules.minNotionalQuote}`);
    }
  }
  return reasons.length === 0 ? null : { order: adjusted, reasons };
}

/**
 * `price` on the market's tick, rounded in the direction that never worsens the trader's terms or weakens a
 * protection: buy limits and buy stops down, sell limits and sell stops up.
 */
export function priceOnTick(price: number, side: 'buy' | 'sell', rules: ResolvedExchangeRules): number {
  if (rules.tick === null) return price;
  return onGrid(price, rules.tick, side === 'sell' ? 'ceiling' : 'floor');
}

function onGrid(value: number, step: Decimal, rounding: RoundingMode): number {
  return decimalToNumber(roundToStep(decimalFromNumber(value), step, rounding));
}
