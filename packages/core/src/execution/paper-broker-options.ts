/**
 * The paper broker's knobs, with defaults chosen so an unconfigured backtest is not flattered: Binance spot's
 * standard fees on both sides, fills capped at the candle's whole volume.
 */
import { addDecimal, divDecimal, subDecimal } from '../money/arithmetic.ts';
import { DECIMAL_ONE, type Decimal } from '../money/decimal.ts';
import { decimalFromNumber, decimalFromString } from '../money/parse.ts';
import type { WideUnits } from '../money/wide-units.ts';
import { BrokerConfigError } from './errors.ts';
import type { MarketRules } from './market-rules.ts';
import type { MatchingRules } from './order-matching.ts';

export interface PaperBrokerOptions {
  /** Fee rate on resting limit fills; default DEFAULT_FEE_RATE (0.001 = 0.1%, Binance spot without discount). */
  makerFeeRate?: number;
  /** Fee rate on market and stop fills and on limits marketable on arrival; default DEFAULT_FEE_RATE. */
  takerFeeRate?: number;
  /** Slippage against the trader on taker fills, in basis points of the reference price; default 0. */
  slippageBps?: number;
  /**
   * Largest share of a candle's volume our fills may take, in (0, 1]; default 1 (the whole candle). null turns
   * the cap off, for data without volume.
   */
  maxVolumeParticipation?: number | null;
  /** Lot step (base units) for every market without its own; default DEFAULT_LOT_STEP_BASE (1e-8). */
  lotStepBase?: number;
  /** Tick (quote) for every market without its own; default none (prices exact, slipped prices unrounded). */
  tickSizeQuote?: number;
  /** Per-symbol lot and tick, over the two defaults above. */
  markets?: Readonly<Record<string, MarketRules>>;
  /** Fees are rounded up to this many quote units; default DEFAULT_FEE_STEP_QUOTE (1e-8). */
  feeStepQuote?: number;
  /** Resting limits fill only when the candle trades beyond the limit, not when it just touches it; default false. */
  limitFillRequiresTradeThrough?: boolean;
  /**
   * Quote the account can spend right now (the ledger's exact cash). Buys are cut to what it pays for, fee
   * included; an order it cannot pay one lot of is closed. Default: unlimited. Called only when a buy fills, and
   * only correct if onFill books each fill before returning.
   */
  availableQuote?: (symbol: string) => Decimal;
  /** Base the account holds (the ledger's exact position): sells are cut to it. Default: unlimited. */
  availableBase?: (symbol: string) => Decimal;
  /**
   * availableQuote and availableBase as counts of 10^-10 (money/safe-units.ts), NaN when not exact so: they let a
   * fill take the fast path without reading a Decimal. Without them, fills whose balances are tracked take the
   * Decimal path.
   */
  availableQuoteUnits?: (symbol: string) => number;
  availableBaseUnits?: (symbol: string) => number;
  /**
   * availableQuote in two words (money/wide-units.ts), not exact when it is not so: cash with up to 18 places, as
   * selling at a 4- or 5-decimal price leaves it. Used instead of availableQuoteUnits when given.
   */
  availableQuoteWide?: (symbol: string) => WideUnits;
  /**
   * Compute fills in exact integer units held in numbers while every amount fits (money/safe-units.ts), and with
   * Decimals otherwise; both give the same fills to the last digit. Default true; false computes every fill with
   * Decimals: the reference the fast path is tested against.
   */
  unitsFastPath?: boolean;
}

export const DEFAULT_FEE_RATE = 0.001;
export const DEFAULT_FEE_STEP_QUOTE = 1e-8;
const BASIS_POINTS_PER_UNIT = decimalFromString('10000');

export interface ResolvedBrokerCosts {
  readonly makerFeeRate: Decimal;
  readonly takerFeeRate: Decimal;
  readonly feeStepQuote: Decimal;
  /** Volume share as a decimal in (0, 1]; null: no cap. */
  readonly maxVolumeParticipation: Decimal | null;
  readonly limitFillRequiresTradeThrough: boolean;
  readonly buyPriceMultiplier: Decimal;
  readonly sellPriceMultiplier: Decimal;
}

/** Checks and converts the cost options; throws BrokerConfigError naming the option. */
export function resolveBrokerCosts(options: PaperBrokerOptions): ResolvedBrokerCosts {
  const makerFeeRate = rate('makerFeeRate', options.makerFeeRate ?? DEFAULT_FEE_RATE, 0, 1, false);
  const takerFeeRate = rate('takerFeeRate', options.takerFeeRate ?? DEFAULT_FEE_RATE, 0, 1, false);
  const slippageBps = rate('slippageBps', options.slippageBps ?? 0, 0, 10_000, false);
  const slippageRate = divDecimal(slippageBps, BASIS_POINTS_PER_UNIT);
  const participationOption = options.maxVolumeParticipation === undefined ? 1 : options.maxVolumeParticipation;
  const participation =
    participationOption === null ? null : rate('maxVolumeParticipation', participationOption, 0, 1, true);
  if (participation === 0n) throw new BrokerConfigError('maxVolumeParticipation', 'must be above 0');
  const feeStepQuote = rate('feeStepQuote', options.feeStepQuote ?? DEFAULT_FEE_STEP_QUOTE, 0, Infinity, false);
  if (feeStepQuote === 0n) throw new BrokerConfigError('feeStepQuote', 'must be above 0');
  return {
    makerFeeRate,
    takerFeeRate,
    feeStepQuote,
    maxVolumeParticipation: participation,
    limitFillRequiresTradeThrough: options.limitFillRequiresTradeThrough ?? false,
    buyPriceMultiplier: addDecimal(DECIMAL_ONE, slippageRate),
    sellPriceMultiplier: subDecimal(DECIMAL_ONE, slippageRate),
  };
}

export function matchingRulesFor(costs: ResolvedBrokerCosts, tickSizeQuote: Decimal | null): MatchingRules {
  return {
    buyPriceMultiplier: costs.buyPriceMultiplier,
    sellPriceMultiplier: costs.sellPriceMultiplier,
    tickSizeQuote,
    limitFillRequiresTradeThrough: costs.limitFillRequiresTradeThrough,
  };
}

/** value as a decimal in [min, max) (or [min, max] when maxIncluded). */
function rate(option: string, value: number, min: number, max: number, maxIncluded: boolean): Decimal {
  // NaN fails both comparisons, and max < Infinity keeps the value finite.
  const inRange = value >= min && (maxIncluded ? value <= max : value < max);
  if (typeof value !== 'number' || !inRange) {
    throw new BrokerConfigError(option, `must be in [${min}, ${max}${maxIncluded ? ']' : ')'}, got ${value}`);
  }
  return decimalFromNumber(value);
}
