/**
 * Optional market signals from outside the exchange (sentiment, on-chain, news), each behind this one interface and
 * each off unless configured. A reading is either available — a value observed recently enough to stand for "now" —
 * or masked: value NaN, available false, and why. A consumer never receives an old value as a current one.
 *
 * How a signal joins the features (not done yet: the FeatureEngine's 22 columns are fixed for now): as two
 * columns, like the engine's `funding_rate`/`funding_available`: the scaled value (0 when masked) and a 0/1
 * availability flag, so the model learns to ignore the value when the flag is 0. See `signalFeatureColumns`.
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
  /** The reading as of `nowMs`; never throws (a failing provider reads as masked). */
  read(nowMs: number): Promise<SignalReading>;
}

export function maskedReading(maskedBecause: string, observedAtMs: number | null = null): SignalReading {
  return { value: Number.NaN, available: false, observedAtMs, maskedBecause };
}

/** A provider that is not configured: always masked, and says so. */
export function absentSignal(name: string, howToEnable: string): SignalProvider {
  return { name, read: async () => maskedReading(`not configured (${howToEnable})`) };
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
