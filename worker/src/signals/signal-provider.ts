/**
 * Optional market signals from outside the exchange (sentiment, on-chain, news), each behind this one interface and
 * each off unless configured. A reading is either available — a value observed recently enough to stand for "now" —
 * or masked: value NaN, available false, and why. A consumer never receives an old value as a current one.
 *
 * How a signal reaches a decision: the worker's signal board (signal-board.ts) polls every provider and writes each
 * bot's signal vector (@keel/core signals/: per signal the scaled value, 0 when masked, and a 0/1 availability flag,
 * like the FeatureEngine's `funding_rate`/`funding_available`) before each decision. See `signalFeatureColumns`.
 */

export interface SignalReading {
  /** NaN when masked. */
  value: number;
  available: boolean;
  /** When the provider observed the value (its own timestamp), or null when there is none. */
  observedAtMs: number | null;
  /** Why the reading is masked (absent, failing, stale); null when available. */
  maskedBecause: string | null;
}

export interface SignalProvider {
  /** Feature-name stem: `fear_greed`. */
  readonly name: string;
  /** How old an observation may be and still stand for "now"; Infinity for a provider that never has one. */
  readonly maxAgeMs: number;
  /** The reading as of `nowMs`; never throws (a failing provider reads as masked). */
  read(nowMs: number): Promise<SignalReading>;
}

export function maskedReading(maskedBecause: string, observedAtMs: number | null = null): SignalReading {
  return { value: Number.NaN, available: false, observedAtMs, maskedBecause };
}

/** A provider that is not configured: always masked, and says so. */
export function absentSignal(name: string, howToEnable: string): SignalProvider {
  return {
    name,
    maxAgeMs: Number.POSITIVE_INFINITY,
    read: async () => maskedReading(`not configured (${howToEnable})`),
  };
}

/**
 * The two feature columns of a reading: `<name>` (value mapped by `scale`, 0 when masked) and
 * `<name>_available` (1 or 0), the convention of the FeatureEngine's funding and order-book columns.
 */
export function signalFeatureColumns(
  name: string,
  reading: SignalReading,
  scale: (value: number) => number,
): Record<string, number> {
  return {
    [name]: reading.available ? scale(reading.value) : 0,
    [`${name}_available`]: reading.available ? 1 : 0,
  };
}
