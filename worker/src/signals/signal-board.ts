/**
 * The worker's one view of the market signals, shared by all its bots: it reads every provider every `pollMs`
 * (each provider asks its API only when its own refresh interval is due, so the API sees one request per
 * interval per worker however many bots run) and keeps the latest readings. Before each decision a bot has its
 * signal vector written from them (`fill`) — synchronously, no request on the decision path.
 *
 * `fill` judges each reading against the decision's time, not the poll's: a reading older than its provider's
 * maxAgeMs at the decision is masked as stale, and one observed after the decision (a replayed candle from the
 * past) is masked too — a decision never sees a value from its future.
 * It writes the signals from outside the exchange only (OUTSIDE_SIGNAL_NAMES): those of the decision's own market
 * (MARKET_SIGNAL_NAMES) differ per market, and the MarketExtrasHub writes them.
 */
import { OUTSIDE_SIGNAL_NAMES, type SignalName } from '@keel/core/signals/signal-names.ts';
import { maskSignal, setSignal } from '@keel/core/signals/signal-vector.ts';
import type { Logger } from '../logger.ts';
import { describeAge } from './polled-http-signals.ts';
import type { SignalProvider, SignalReading } from './signal-provider.ts';

/** What one signal was for one decision: the decision log lists these. */
export interface SignalNote {
  name: SignalName;
  available: boolean;
  /** The raw reading in its source's unit (index, %, USD, ratio); null when masked. */
  value: number | null;
  /** Why it was masked; null when available. */
  maskedBecause: string | null;
}

export interface SignalBoardOptions {
  providers: readonly SignalProvider[];
  logger: Logger;
  /** How often the providers are read; default 30 s. */
  pollMs?: number;
  /** Wall-clock time for the providers' refresh schedule; default Date.now. */
  now?: () => number;
}

export interface SignalBoard {
  /** Reads every provider once; resolves when all have answered (they never throw). */
  poll(): Promise<void>;
  /** Polls now and every pollMs until stop(). */
  start(): void;
  stop(): Promise<void>;
  /** Writes `vector` (@keel/core signal vector) for a decision at `decisionTimeMs` and says what each signal was. */
  fill(vector: Float32Array, decisionTimeMs: number): SignalNote[];
}

const DEFAULT_POLL_MS = 30_000;
/** A source's clock may run a little ahead of ours; more than this and the value is from the decision's future. */
const CLOCK_SKEW_MS = 5 * 60_000;

function masked(name: SignalName, maskedBecause: string): SignalNote {
  return { name, available: false, value: null, maskedBecause };
}

export function signalBoard(options: SignalBoardOptions): SignalBoard {
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const providers = new Map(options.providers.map((provider) => [provider.name, provider]));
  const latest = new Map<string, SignalReading>();
  let polling: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;

  for (const provider of options.providers) {
    if (!(OUTSIDE_SIGNAL_NAMES as readonly string[]).includes(provider.name)) {
      options.logger.warn({ signal: provider.name }, 'signal provider for no known signal: ignored');
    }
  }

  function poll(): Promise<void> {
    polling ??= Promise.all(
      options.providers.map(async (provider) => {
        latest.set(provider.name, await provider.read(now()));
      }),
    ).then(
      () => {
        polling = null;
      },
      (error: unknown) => {
        polling = null;
        options.logger.error({ error: String(error) }, 'signal poll failed');
      },
    );
    return polling;
  }

  function note(name: SignalName, decisionTimeMs: number): SignalNote {
    const provider = providers.get(name);
    const reading = latest.get(name);
    if (provider === undefined) return masked(name, 'no provider');
    if (reading === undefined) return masked(name, 'not read yet');
    if (!reading.available || reading.observedAtMs === null) {
      return masked(name, reading.maskedBecause ?? 'unavailable');
    }
    const ageMs = decisionTimeMs - reading.observedAtMs;
    if (ageMs < -CLOCK_SKEW_MS) return masked(name, 'observed after the decision time (a past candle)');
    if (ageMs > provider.maxAgeMs) {
      return masked(name, `stale at the decision: observed ${describeAge(ageMs)} before it`);
    }
    return { name, available: true, value: reading.value, maskedBecause: null };
  }

  return {
    poll,
    start() {
      if (timer !== null) return;
      void poll();
      timer = setInterval(() => void poll(), pollMs);
      timer.unref();
    },
    async stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      await polling;
    },
    fill(vector, decisionTimeMs) {
      return OUTSIDE_SIGNAL_NAMES.map((name) => {
        const signal = note(name, decisionTimeMs);
        if (signal.value === null) maskSignal(vector, name);
        else setSignal(vector, name, signal.value);
        return signal;
      });
    },
  };
}
