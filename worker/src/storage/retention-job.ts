/**
 * The tiers' retention, one pass run on a schedule by the worker:
 * - hot (Redis or in process): each market's candles trimmed to the 24 h before its newest one, idle keys gone
 *   (Redis also expires every key 24 h after its last write, so a worker that never runs this still stays bounded);
 * - warm (Postgres `candles`): the @keel/db repository's prune, 30 days at full resolution (keel.prune_candles);
 * - cold (the time-series store): candles older than KEEL_COLD_DOWNSAMPLE's ages also written at its coarser
 *   timeframes (cold-downsample.ts), when configured. Dropping old points belongs to the store: a bucket retention
 *   period on InfluxDB, -retentionPeriod on VictoriaMetrics.
 * A failing tier is logged and the others still run; the next pass tries again.
 */
import type { Database } from '@keel/db';
import type { Logger } from '../logger.ts';
import type { DownsampleReport } from './cold-downsample.ts';
import type { HotCache } from './hot-cache.ts';

export interface RetentionOptions {
  hot: HotCache;
  /** Absent: no warm tier to prune (tests of the hot tier alone). */
  database?: Database;
  /** The cold tier's downsampling pass (cold-downsample.ts, bound to its store and rules); absent: none. */
  downsampleCold?: (nowMs: number) => Promise<DownsampleReport>;
  logger: Logger;
}

export interface RetentionReport {
  hotTrimmed: boolean;
  /** Warm candles deleted; null when the warm tier was not pruned (absent or failing). */
  warmCandlesDeleted: number | null;
  /** Coarser candles written to the cold tier; null when it was not downsampled (not configured, or failing). */
  coldCandlesDownsampled: number | null;
}

/** Default every 10 minutes: the hot window is 24 h, the warm one 30 days; neither needs to be exact to the minute. */
export const DEFAULT_RETENTION_INTERVAL_MS = 10 * 60_000;

export async function runRetention(options: RetentionOptions, nowMs: number): Promise<RetentionReport> {
  const report: RetentionReport = { hotTrimmed: false, warmCandlesDeleted: null, coldCandlesDownsampled: null };
  try {
    await options.hot.trim(nowMs);
    report.hotTrimmed = true;
  } catch (error) {
    options.logger.warn({ error: String(error) }, 'retention: hot tier not trimmed this pass');
  }
  if (options.database !== undefined) {
    try {
      report.warmCandlesDeleted = await options.database.asService((tx) => tx.candles.prune());
    } catch (error) {
      options.logger.warn({ error: String(error) }, 'retention: warm tier (Postgres candles) not pruned this pass');
    }
  }
  if (options.downsampleCold !== undefined) {
    try {
      report.coldCandlesDownsampled = (await options.downsampleCold(nowMs)).candlesWritten;
    } catch (error) {
      options.logger.warn({ error: String(error) }, 'retention: cold tier not downsampled this pass');
    }
  }
  options.logger.info({ ...report }, 'retention pass done');
  return report;
}

/** Runs a pass now and every `intervalMs`; stop() waits for a pass in flight. */
export function scheduleRetention(
  options: RetentionOptions,
  intervalMs = DEFAULT_RETENTION_INTERVAL_MS,
): { stop(): Promise<void> } {
  let pass: Promise<unknown> = runRetention(options, Date.now());
  const timer = setInterval(() => {
    pass = pass.then(() => runRetention(options, Date.now()));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await pass;
    },
  };
}
