/**
 * KEEL_COLD_DOWNSAMPLE: which candle history the cold tier keeps coarser, and from what age. A comma-separated list
 * of `<timeframe> after <days>d`, e.g. `1h after 90d` (candles finer than 1 h and older than 90 days are also kept
 * as 1 h candles) or `1h after 90d, 1d after 730d`. Unset or empty: no downsampling.
 */
/**
 * The timeframes written: buckets aligned to the Unix epoch are the exchanges' UTC candles for these (not for 1w:
 * exchange weeks start on Monday, the epoch on a Thursday).
 */
export const DOWNSAMPLE_TIMEFRAMES = ['5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d'] as const;
export type DownsampleTimeframe = (typeof DOWNSAMPLE_TIMEFRAMES)[number];

export interface DownsampleRule {
  /** The coarser timeframe written. */
  timeframe: DownsampleTimeframe;
  /** Candles at least this old (their bucket ends before now − afterMs) are downsampled. */
  afterMs: number;
}

export class DownsampleRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DownsampleRuleError';
  }
}

const DAY_MS = 24 * 3_600_000;
const RULE = /^(\w+)\s+after\s+(\d+)d$/;

export function parseDownsampleRules(text: string | undefined): DownsampleRule[] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((part) => {
    const match = RULE.exec(part.trim());
    const timeframe = match?.[1] as DownsampleTimeframe | undefined;
    if (match === null || timeframe === undefined || !DOWNSAMPLE_TIMEFRAMES.includes(timeframe)) {
      throw new DownsampleRuleError(
        `KEEL_COLD_DOWNSAMPLE: "${part.trim()}" is not "<timeframe> after <days>d" (e.g. "1h after 90d"; ` +
          `timeframes: ${DOWNSAMPLE_TIMEFRAMES.join(' ')})`,
      );
    }
    const days = Number(match[2]);
    if (days < 1) throw new DownsampleRuleError(`KEEL_COLD_DOWNSAMPLE: "${part.trim()}": the age must be ≥ 1 day`);
    return { timeframe, afterMs: days * DAY_MS };
  });
}
