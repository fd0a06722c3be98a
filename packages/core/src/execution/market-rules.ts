/**
 * A market's trading grid (Binance's LOT_SIZE and PRICE_FILTER): quantities are whole lots, prices whole ticks.
 */
import type { Decimal } from '../money/decimal.ts';
import { DecimalError } from '../money/errors.ts';
import { decimalFromNumber } from '../money/parse.ts';
import { unitsFromDecimal } from '../money/safe-units.ts';
import { BrokerConfigError } from './errors.ts';

export interface MarketRules {
  /** Quantity step in base units; default DEFAULT_LOT_STEP_BASE (1e-8, a satoshi: Binance's finest). */
  lotStepBase?: number;
  /** Price step in quote; default none: prices are used as given and slipped prices are not rounded. */
  tickSizeQuote?: number;
}

export const DEFAULT_LOT_STEP_BASE = 1e-8;

export interface ResolvedMarketRules {
  readonly lotStepBase: Decimal;
  /** lotStepBase in units (money/safe-units.ts), NaN when it has more than 10 places. */
  readonly lotStepUnits: number;
  readonly tickSizeQuote: Decimal | null;
}

/** `override` (a symbol's own rules) over `defaults`, as exact decimals; throws BrokerConfigError for steps ≤ 0. */
export function resolveMarketRules(defaults: MarketRules, override: MarketRules = {}, where = ''): ResolvedMarketRules {
  const lotStepBase = override.lotStepBase ?? defaults.lotStepBase ?? DEFAULT_LOT_STEP_BASE;
  const tickSizeQuote = override.tickSizeQuote ?? defaults.tickSizeQuote;
  const lotStep = positiveStep(`${where}lotStepBase`, lotStepBase);
  return {
    lotStepBase: lotStep,
    lotStepUnits: unitsFromDecimal(lotStep),
    tickSizeQuote: tickSizeQuote === undefined ? null : positiveStep(`${where}tickSizeQuote`, tickSizeQuote),
  };
}

function positiveStep(option: string, value: number): Decimal {
  let step: Decimal;
  try {
    step = decimalFromNumber(value);
  } catch (error) {
    if (error instanceof DecimalError) throw new BrokerConfigError(option, error.message);
    throw error;
  }
  if (step <= 0n) throw new BrokerConfigError(option, `must be a positive step, got ${value}`);
  return step;
}
