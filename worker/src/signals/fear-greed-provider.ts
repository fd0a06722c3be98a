/**
 * The Crypto Fear & Greed index (alternative.me, free, no key): `GET <baseUrl>/fng/?limit=1` answers
 *   {"name":"Fear and Greed Index","data":[{"value":"40","value_classification":"Fear","timestamp":"1551157200",
 *    "time_until_update":"68499"}],"metadata":{"error":null}}
 * with `timestamp` in seconds. The index is published once a day, so a value is fresh for `maxAgeMs` after its own
 * timestamp (default 36 h: a day plus a late publication); older, it is masked as stale even if the API keeps
 * serving it. Polling, timeouts and failures: polled-http-signals.ts.
 */
import { type Observation, type PollingOptions, polledHttpSignals } from './polled-http-signals.ts';
import type { SignalProvider } from './signal-provider.ts';

export interface FearGreedOptions extends PollingOptions {
  /** `https://api.alternative.me` in production (FEAR_GREED_URL). */
  baseUrl: string;
  /** Default 36 h. */
  maxAgeMs?: number;
  /** Default 15 min. */
  refreshMs?: number;
}

const HOUR_MS = 3_600_000;
const DEFAULT_MAX_AGE_MS = 36 * HOUR_MS;
const DEFAULT_REFRESH_MS = 15 * 60_000;

export class FearGreedFormatError extends Error {
  constructor(detail: string) {
    super(`Fear & Greed answer not understood: ${detail}`);
    this.name = 'FearGreedFormatError';
  }
}

/** The newest entry of an alternative.me /fng/ answer. */
export function parseFearGreed(body: unknown): Observation {
  const entry = (body as { data?: unknown })?.data;
  if (!Array.isArray(entry) || entry.length === 0) throw new FearGreedFormatError('no data entries');
  const { value, timestamp } = entry[0] as { value?: unknown; timestamp?: unknown };
  const index = Number(value);
  const seconds = Number(timestamp);
  if (typeof value !== 'string' || !Number.isFinite(index) || index < 0 || index > 100) {
    throw new FearGreedFormatError(`value ${JSON.stringify(value)} is not an index from 0 to 100`);
  }
  if (typeof timestamp !== 'string' || !Number.isInteger(seconds) || seconds <= 0) {
    throw new FearGreedFormatError(`timestamp ${JSON.stringify(timestamp)} is not Unix seconds`);
  }
  return { value: index, observedAtMs: seconds * 1000 };
}

export function fearGreedProvider(options: FearGreedOptions): SignalProvider {
  const [fearGreed] = polledHttpSignals({
    source: 'fear_greed',
    names: ['fear_greed'],
    load: async (getJson) => ({ fear_greed: parseFearGreed(await getJson(`${options.baseUrl}/fng/?limit=1`)) }),
    defaults: { maxAgeMs: DEFAULT_MAX_AGE_MS, refreshMs: DEFAULT_REFRESH_MS },
    polling: options,
  });
  return fearGreed as SignalProvider;
}
