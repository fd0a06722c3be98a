/**
 * What every HTTP signal provider shares: one JSON source (one or more requests per refresh) yielding one or more
 * signals, asked at most once per `refreshMs` however many readers there are (concurrent reads share the request
 * in flight), each request under a timeout. A failure — network, timeout, HTTP status, an answer not understood —
 * keeps the last observation for as long as it is itself fresh, and backs off: the next attempt waits
 * `retryAfterFailureMs`, doubling per failure up to `refreshMs` (or what a 429's Retry-After asks, if longer).
 * A failure is logged when it starts or changes, not on every read; the recovery once. API keys (`secrets`) are
 * cut from every reason and log line: a request URL may carry one, and an error message may quote it.
 *
 * A reading is available only while its observation is at most `maxAgeMs` old; older it is masked as stale.
 *
 * With `metrics` (the worker's), every refresh is counted by its outcome (keel_signal_polls_total) and every value
 * read keeps its observation time for keel_signal_age_seconds.
 */
import type { Logger } from '../logger.ts';
import type { SignalPollOutcome, WorkerMetrics } from '../observability/metrics.ts';
import { maskedReading, type SignalProvider, type SignalReading } from './signal-provider.ts';

export interface Observation {
  value: number;
  /** The source's own time for the value, or the request time when it gives none. */
  observedAtMs: number;
}

/** GETs a JSON body: throws on a network error, a timeout, a non-2xx status or a body that is not JSON. */
export type GetJson = (url: string, headers?: Record<string, string>) => Promise<unknown>;

/** The worker metrics a provider reports to. */
export type SignalMetrics = Pick<WorkerMetrics, 'signalPolls' | 'signalObserved'>;

/** What every provider's options share; the defaults of maxAgeMs and refreshMs are the provider's own. */
export interface PollingOptions {
  logger: Logger;
  /** Where refreshes are counted and observation times kept; none: not measured. */
  metrics?: SignalMetrics;
  /** How old an observation may be and still be read as available. */
  maxAgeMs?: number;
  /** Least time between two refreshes of the source. */
  refreshMs?: number;
  /** First wait after a failure, doubling per failure up to refreshMs; default 1 min. */
  retryAfterFailureMs?: number;
  /** Per request; default 5 s. */
  timeoutMs?: number;
}

export interface PolledHttpSignalsOptions<Name extends string> {
  /** The source in log lines: `coingecko`. */
  source: string;
  names: readonly Name[];
  /** Asks the source (through `getJson`, as many requests as it takes) and returns an observation per name. */
  load(getJson: GetJson, nowMs: number): Promise<Record<Name, Observation>>;
  /** Values never to appear in a reason or a log line (API keys). */
  secrets?: readonly string[];
  defaults: { maxAgeMs: number; refreshMs: number };
  polling: PollingOptions;
}

const HOUR_MS = 3_600_000;
const DEFAULT_RETRY_AFTER_FAILURE_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 5_000;
const REDACTED = '[redacted]';

/** The source answered with a status other than 2xx. */
export class SignalHttpError extends Error {
  readonly status: number;
  /** From a 429's Retry-After header, when the source said how long to wait. */
  readonly retryAfterMs: number | null;
  constructor(status: number, retryAfterMs: number | null = null) {
    super(`HTTP ${status}`);
    this.name = 'SignalHttpError';
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The request got no answer at all (connection refused or reset, DNS); the message is fetch's own. */
export class SignalUnreachableError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'SignalUnreachableError';
  }
}

const HTTP_TOO_MANY_REQUESTS = 429;

function isTimeout(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'TimeoutError';
}

/**
 * A failed refresh as keel_signal_polls_total counts it. Anything but the transport or the status failing was
 * thrown on an answer received: a body that is not JSON, or one the provider's parser refused.
 */
export function failedPollOutcome(error: unknown): SignalPollOutcome {
  if (isTimeout(error)) return 'timeout';
  if (error instanceof SignalUnreachableError) return 'unreachable';
  if (error instanceof SignalHttpError) {
    return error.status === HTTP_TOO_MANY_REQUESTS ? 'rate-limited' : 'http-error';
  }
  return 'bad-answer';
}

function retryAfterMs(header: string | null): number | null {
  const seconds = Number(header);
  return header !== null && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}

function getJsonWithin(timeoutMs: number): GetJson {
  return async (url, headers) => {
    const response = await fetch(url, {
      headers: { accept: 'application/json', ...headers },
      signal: AbortSignal.timeout(timeoutMs),
    }).catch((error: unknown) => {
      throw isTimeout(error) ? error : new SignalUnreachableError(error);
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new SignalHttpError(response.status, retryAfterMs(response.headers.get('retry-after')));
    }
    return response.json();
  };
}

export function redactSecrets(text: string, secrets: readonly string[]): string {
  let redacted = text;
  for (const secret of secrets) if (secret !== '') redacted = redacted.split(secret).join(REDACTED);
  return redacted;
}

/** An age as a reason says it: whole hours from an hour on, minutes below. */
export function describeAge(ageMs: number): string {
  return ageMs >= HOUR_MS ? `${Math.round(ageMs / HOUR_MS)} h` : `${Math.round(ageMs / 60_000)} min`;
}

/** One SignalProvider per name, all fed by one shared, rate-limited source. */
export function polledHttpSignals<Name extends string>(options: PolledHttpSignalsOptions<Name>): SignalProvider[] {
  const { source, polling } = options;
  const { logger, metrics } = polling;
  const secrets = options.secrets ?? [];
  const maxAgeMs = polling.maxAgeMs ?? options.defaults.maxAgeMs;
  const refreshMs = polling.refreshMs ?? options.defaults.refreshMs;
  const retryAfterFailureMs = polling.retryAfterFailureMs ?? DEFAULT_RETRY_AFTER_FAILURE_MS;
  const getJson = getJsonWithin(polling.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  let last: Record<Name, Observation> | null = null;
  let nextAttemptMs = Number.NEGATIVE_INFINITY;
  let failures = 0;
  let lastFailure: string | null = null;
  let inFlight: Promise<void> | null = null;

  async function refresh(nowMs: number): Promise<void> {
    try {
      const observations = await options.load(getJson, nowMs);
      last = observations;
      metrics?.signalPolls.inc({ provider: source, outcome: 'ok' });
      for (const name of options.names) metrics?.signalObserved(name, observations[name].observedAtMs);
      if (lastFailure !== null) logger.info({ signal: source }, 'signal provider answering again');
      lastFailure = null;
      failures = 0;
      nextAttemptMs = nowMs + refreshMs;
    } catch (error) {
      metrics?.signalPolls.inc({ provider: source, outcome: failedPollOutcome(error) });
      const reason = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
      if (reason !== lastFailure) {
        logger.warn({ signal: source, error: reason }, 'signal provider failing: readings masked');
      }
      lastFailure = reason;
      failures++;
      const backoffMs = Math.min(refreshMs, retryAfterFailureMs * 2 ** (failures - 1));
      const askedMs = error instanceof SignalHttpError ? (error.retryAfterMs ?? 0) : 0;
      nextAttemptMs = nowMs + Math.max(backoffMs, askedMs);
    }
  }

  function refreshIfDue(nowMs: number): Promise<void> {
    if (inFlight !== null) return inFlight;
    if (nowMs < nextAttemptMs) return Promise.resolve();
    inFlight = refresh(nowMs).finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  function reading(name: Name, nowMs: number): SignalReading {
    const failing = lastFailure === null ? '' : ` (provider failing: ${lastFailure})`;
    const observation = last?.[name];
    if (observation === undefined) return maskedReading(`provider failing: ${lastFailure ?? 'no answer yet'}`);
    const ageMs = nowMs - observation.observedAtMs;
    if (ageMs > maxAgeMs) {
      return maskedReading(`stale: observed ${describeAge(ageMs)} ago${failing}`, observation.observedAtMs);
    }
    return { value: observation.value, available: true, observedAtMs: observation.observedAtMs, maskedBecause: null };
  }

  return options.names.map((name) => ({
    name,
    maxAgeMs,
    async read(nowMs: number): Promise<SignalReading> {
      await refreshIfDue(nowMs);
      return reading(name, nowMs);
    },
  }));
}
