/** An indicator was configured with an option it cannot work with (a period of 0, a fractional period…). */
export class IndicatorOptionsError extends RangeError {
  override name = 'IndicatorOptionsError';
}

/** Returns `period` if it is an integer of at least `minimum`, else throws naming the indicator and option. */
export function checkPeriod(indicator: string, option: string, period: number, minimum: number): number {
  if (!Number.isInteger(period) || period < minimum) {
    throw new IndicatorOptionsError(`${indicator}: ${option} must be an integer ≥ ${minimum}, got ${period}`);
  }
  return period;
}
