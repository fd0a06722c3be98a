/**
 * Value-at-Risk limit: the portfolio's one-day VaR including the proposed buy (portfolio-var.ts), the larger of
 * historical and parametric, stays within maxVar95Fraction (default 3%) and maxVar99Fraction (default 5%) of
 * equity. A buy that would break a cap is resized to the largest spend that keeps both: the parametric bound in
 * closed form (a quadratic in the size), then the historical one by bisection; the size returned is always one
 * measured to pass. A portfolio already over a cap without the buy gets no buy.
 * Silent until the window holds `minSamples` scenarios (default 100): fewer cannot put a number on a 1% tail.
 */
import { percent, quote } from './format.ts';
import type { PortfolioVar, VarMeasure } from './portfolio-var.ts';
import type { BuyCheck, SizeLimit } from './types.ts';

export interface VarLimitOptions {
  /** One-day 95% VaR cap, fraction of equity; null: none. */
  maxVar95Fraction: number | null;
  /** One-day 99% VaR cap, fraction of equity; null: none. */
  maxVar99Fraction: number | null;
  /** Scenarios needed before the limit binds; default 100. */
  minSamples: number;
}

export const VAR_LIMIT_DEFAULTS: VarLimitOptions = { maxVar95Fraction: 0.03, maxVar99Fraction: 0.05, minSamples: 100 };

/** Shaves rounding off the closed-form root, so the size it gives measures within the cap. */
const ROOT_MARGIN = 1 - 1e-9;

/** Whether `measure` is within both caps (in quote). */
export function varWithinCaps(measure: VarMeasure, cap95Quote: number, cap99Quote: number): boolean {
  return (
    Math.max(measure.historical95, measure.parametric95) <= cap95Quote &&
    Math.max(measure.historical99, measure.parametric99) <= cap99Quote
  );
}

/**
 * @param values exposure per symbol (position values plus pending buys), without the order
 * @param measure scratch written by PortfolioVar (holds the last measurement on return)
 */
export function varLimit(
  check: BuyCheck,
  values: Float64Array,
  portfolioVar: PortfolioVar,
  options: VarLimitOptions,
  measure: VarMeasure,
): SizeLimit | null {
  if (options.maxVar95Fraction === null && options.maxVar99Fraction === null) return null;
  if (portfolioVar.history.count < options.minSamples) return null;
  const cap95 = (options.maxVar95Fraction ?? Number.POSITIVE_INFINITY) * check.equityQuote;
  const cap99 = (options.maxVar99Fraction ?? Number.POSITIVE_INFINITY) * check.equityQuote;
  portfolioVar.prepare(values, check.symbolIndex);
  if (varWithinCaps(portfolioVar.measureAt(check.quoteQty, measure), cap95, cap99)) return null;
  const asked = describe(measure, check.equityQuote);
  if (!varWithinCaps(portfolioVar.measureAt(0, measure), cap95, cap99)) {
    return {
      rule: 'var-limit',
      maxQuote: 0,
      reason: `var-limit: one-day VaR is over its cap before any buy of ${check.symbol} (${describe(measure, check.equityQuote)}); caps ${caps(options)}`,
    };
  }
  // σ² is a convex quadratic in the size: under the cap at 0 and at the root, it is under it in between.
  const parametricMax = portfolioVar.largestParametricWithin(check.quoteQty, cap95, cap99) * ROOT_MARGIN;
  let largest = parametricMax;
  if (!varWithinCaps(portfolioVar.measureAt(parametricMax, measure), cap95, cap99)) {
    largest = portfolioVar.largestHistoricalWithin(parametricMax, cap95, cap99);
    if (!varWithinCaps(portfolioVar.measureAt(largest, measure), cap95, cap99)) largest = 0;
  }
  return {
    rule: 'var-limit',
    maxQuote: largest,
    reason:
      `var-limit: buying ${quote(check.quoteQty)} of ${check.symbol} takes one-day VaR to ${asked}; caps ${caps(options)}; ` +
      `largest buy within them ${quote(largest)}`,
  };
}

function describe(measure: VarMeasure, equityQuote: number): string {
  const share = (value: number) => percent(value / equityQuote);
  return (
    `95% ${share(Math.max(measure.historical95, measure.parametric95))} (historical ${share(measure.historical95)}, parametric ${share(measure.parametric95)}), ` +
    `99% ${share(Math.max(measure.historical99, measure.parametric99))} (historical ${share(measure.historical99)}, parametric ${share(measure.parametric99)}) of equity`
  );
}

function caps(options: VarLimitOptions): string {
  const cap = (value: number | null) => (value === null ? 'none' : percent(value));
  return `95% ≤ ${cap(options.maxVar95Fraction)}, 99% ≤ ${cap(options.maxVar99Fraction)}`;
}
