/**
 * When a venue's reading was observed: its own stamp when it sends one, else the moment its answer arrived (the
 * latest the data can describe: never earlier than the truth, so never used for a candle that closed before it).
 * A stamp further than MAX_CLOCK_SKEW_MS from our clock is a broken field, not a reading time.
 */
import { InvalidMarketDataError } from './invalid-market-data-error.ts';

/** Venue clocks drift by a second or two; a minute off means the field is not a time at all. */
export const MAX_CLOCK_SKEW_MS = 60_000;

export function readingTimeMs(venueStamp: unknown, receivedAtMs: number, what: string): number {
  if (venueStamp === undefined || venueStamp === null) return receivedAtMs;
  if (typeof venueStamp !== 'number' || !Number.isFinite(venueStamp)) {
    throw new InvalidMarketDataError(what, `timestamp ${String(venueStamp)} is not a number`);
  }
  if (Math.abs(venueStamp - receivedAtMs) > MAX_CLOCK_SKEW_MS) {
    throw new InvalidMarketDataError(what, `timestamp ${venueStamp} is ${venueStamp - receivedAtMs} ms from our clock`);
  }
  return venueStamp;
}
