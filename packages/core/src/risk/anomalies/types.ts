/** What the anomaly detectors flag; each detector is one file beside this one. */
export type AnomalyKind =
  | 'price-jump'
  | 'missing-candles'
  | 'stale-candles'
  | 'spread-blowout'
  | 'volume-spike'
  | 'agent-output';

export const ANOMALY_KINDS: readonly AnomalyKind[] = [
  'price-jump',
  'missing-candles',
  'stale-candles',
  'spread-blowout',
  'volume-spike',
  'agent-output',
];
