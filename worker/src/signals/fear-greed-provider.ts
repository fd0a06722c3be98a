/**
 * The Crypto Fear & Greed index (alternative.me, free, no key): `GET <baseUrl>/fng/?limit=1` answers
 *   {"name":"Fear and Greed Index","data":[{"value":"40","value_classification":"Fear","timestamp":"1551157200",
 *    "time_until_update":"68499"}],"metadata":{"error":null}}
 * with `timestamp` in seconds. The index is published once a day, so a value is fresh for `maxAgeMs` after its own
 * timestamp (default 36 h: a day plus a late publication); older, it is masked as stale even if the API keeps
 * serving it. The API is asked at most once per `refreshMs`; a failed request leaves the last value in place only
 * for as long as that value is itself fresh.
 */
import type { Logger } from '../logger.ts';
import { maskedReading, type SignalProvider, type SignalReading } from './signal-provider.ts';

export interface FearGreedOptions {
  /** `https://api.alternative.me` in production (FEAR_GREED_URL). */
  baseUrl: string;
  logger: Logger;
  /** Default 36 h. */
  maxAgeMs?: number;
  /** Default 15 min. */
  refreshMs?: number;
  /** After a failed request, the next one waits this long; default 1 min. */
  retryAfterFailureMs?: number;
  /** Default 5 s. */
  timeoutMs?: number;
}

const HOUR_MS = 3_600_000;
const DEFAULT_MAX_AGE_MS = 36 * HOUR_MS;
const DEFAULT_REFRESH_MS = 15 * 60_000;
const DEFAULT_RETRY_AFTER_FAILURE_MS = 60_000;

interface Observation {
  value: number;
  observedAtMs: number;
}

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
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const refreshMs = options.refreshMs ?? DEFAULT_REFRESH_MS;
  const retryAfterFailureMs = options.retryAfterFailureMs ?? DEFAULT_RETRY_AFTER_FAILURE_MS;
  let last: Observation | null = null;
  let fetchedAtMs = Number.NEGATIVE_INFINITY;
  let lastFailure: string | null = null;

  async function refresh(nowMs: number): Promise<void> {
    fetchedAtMs = nowMs;
    try {
      const response = await fetch(`${options.baseUrl}/fng/?limit=1`, {
        signal: AbortSignal.timeout(options.timeoutMs ?? 5_000),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      last = parseFearGreed(await response.json());
      lastFailure = null;
    } catch (error) {
      lastFailure = error instanceof Error ? error.message : String(error);
      options.logger.warn({ signal: 'fear_greed', error: lastFailure }, 'Fear & Greed request failed');
    }
  }

  return {
    name: 'fear_greed',
    async read(nowMs: number): Promise<SignalReading> {
      const dueAfterMs = lastFailure === null ? refreshMs : retryAfterFailureMs;
      if (nowMs - fetchedAtMs >= dueAfterMs) await refresh(nowMs);
      if (last === null) return maskedReading(`provider failing: ${lastFailure ?? 'no answer yet'}`);
      const ageMs = nowMs - last.observedAtMs;
      if (ageMs > maxAgeMs) {
        const why = lastFailure === null ? '' : ` (provider failing: ${lastFailure})`;
        return maskedReading(`stale: observed ${Math.round(ageMs / HOUR_MS)} h ago${why}`, last.observedAtMs);
      }
      return { value: last.value, available: true, observedAtMs: last.observedAtMs, maskedBecause: null };
    },
  };
}
