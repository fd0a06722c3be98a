/**
 * Correlation limit: assets that move together are one risk. The cluster of the symbol being bought is that
 * symbol plus every symbol whose rolling return correlation with it exceeds `threshold` (the core's
 * RollingCorrelation matrix over the risk window). The cluster's total exposure (position values plus pending
 * buys) after the buy stays at most maxFraction × equity (default 10%).
 *
 * A correlation that is unknown because the window is not full yet counts as correlated (the conservative
 * reading); one that is unknown because a series was constant over a full window does not (it carries no risk).
 */
import { percent, quote } from './format.ts';
import type { BuyCheck, SizeLimit } from './types.ts';

export interface CorrelationLimitOptions {
  /** Correlation above which two assets count as one risk; default 0.7. */
  threshold: number;
  /** Largest exposure of one correlated cluster, fraction of equity; default 0.1. */
  maxFraction: number;
}

export const CORRELATION_LIMIT_DEFAULTS: CorrelationLimitOptions = { threshold: 0.7, maxFraction: 0.1 };

/**
 * @param values position value plus pending buys per symbol (index = symbolIndex; values[check.symbolIndex] is
 *   check.positionValueQuote)
 * @param correlation symbols × symbols, row-major (RollingCorrelation.matrix)
 * @param windowFull whether the correlation window is full (NaN then means a constant series)
 */
export function correlatedExposureLimit(
  check: BuyCheck,
  values: Float64Array,
  correlation: Float64Array,
  windowFull: boolean,
  symbols: readonly string[],
  options: CorrelationLimitOptions,
): SizeLimit | null {
  const s = check.symbolIndex;
  const row = s * values.length;
  let clusterValue = check.positionValueQuote;
  for (let j = 0; j < values.length; j++) {
    const value = values[j] as number;
    if (j === s || value === 0) continue;
    const r = correlation[row + j] as number;
    if (r > options.threshold || (Number.isNaN(r) && !windowFull)) clusterValue += value;
  }
  const maxQuote = options.maxFraction * check.equityQuote - clusterValue;
  if (check.quoteQty <= maxQuote) return null;
  const members: string[] = [];
  for (let j = 0; j < values.length; j++) {
    const r = correlation[row + j] as number;
    if (j === s || values[j] === 0 || !(r > options.threshold || (Number.isNaN(r) && !windowFull))) continue;
    members.push(
      `${symbols[j]} ${quote(values[j] as number)} (r ${Number.isNaN(r) ? 'unknown, window filling' : r.toFixed(2)})`,
    );
  }
  const with_ = members.length > 0 ? ` with ${members.join(', ')}` : '';
  return {
    rule: 'correlation-limit',
    maxQuote,
    reason:
      `correlation-limit: ${check.symbol} ${quote(check.positionValueQuote)}${with_}: cluster (r > ${options.threshold}) ` +
      `would be ${percent((clusterValue + check.quoteQty) / check.equityQuote)} of equity ${quote(check.equityQuote)}, ` +
      `cap ${percent(options.maxFraction)}`,
  };
}
