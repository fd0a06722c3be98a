/**
 * A perpetual's funding rate per interval from a ccxt FundingRate, checked: a finite number within
 * MAX_ABS_FUNDING_RATE (venues cap funding at a few % per interval; beyond that the field is garbage).
 */
import { InvalidMarketDataError } from './invalid-market-data-error.ts';
import type { TimedReading } from './market-extras-source.ts';
import { readingTimeMs } from './venue-timestamp.ts';

/** 10 % per interval: several times the widest cap of any venue (Binance: ±3 % on its most volatile perpetuals). */
export const MAX_ABS_FUNDING_RATE = 0.1;

/** The parts of a ccxt FundingRate read here. */
export interface RawFundingRate {
  fundingRate?: unknown;
  timestamp?: unknown;
}

export function fundingRateReading(raw: RawFundingRate, receivedAtMs: number, what: string): TimedReading {
  const rate = raw.fundingRate;
  if (rate === undefined || rate === null) throw new InvalidMarketDataError(what, 'funding rate missing');
  if (typeof rate !== 'number' || !Number.isFinite(rate)) {
    throw new InvalidMarketDataError(what, `funding rate ${String(rate)} is not a number`);
  }
  if (Math.abs(rate) > MAX_ABS_FUNDING_RATE) {
    throw new InvalidMarketDataError(what, `funding rate ${rate} is beyond ±${MAX_ABS_FUNDING_RATE} per interval`);
  }
  return { value: rate, timeMs: readingTimeMs(raw.timestamp, receivedAtMs, what) };
}
