/**
 * The tiers as configured by the environment, each one said in the log:
 * - hot: Redis when REDIS_URL is set, else in process;
 * - cold: InfluxDB v2 when INFLUX_URL is set (INFLUX_TOKEN, INFLUX_ORG, INFLUX_BUCKET; disk buffer under
 *   INFLUX_BUFFER_DIR, default ~/.keel/influx-buffer, at most INFLUX_BUFFER_MAX_MB, default 256), else none;
 * - cold downsampling: KEEL_COLD_DOWNSAMPLE (downsample-rule.ts), run by the retention job; needs the cold tier,
 *   and reads it through VictoriaMetrics' export API (so not with INFLUX_QUERY_API=flux: InfluxDB v2 downsamples
 *   with its own tasks).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { coldQueryApiFromEnv } from '@keel/db/cold-tier/cold-store-settings.ts';
import type { Logger } from '../logger.ts';
import { downsampleCold } from './cold-downsample.ts';
import { parseDownsampleRules } from './downsample-rule.ts';
import type { HotCache } from './hot-cache.ts';
import { InProcessHotCache } from './in-process-hot-cache.ts';
import { InfluxSink, influxLineWriter } from './influx-sink.ts';
import { MarketDataTiers } from './market-data-tiers.ts';
import { RedisHotCache } from './redis-hot-cache.ts';

export class TierConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TierConfigurationError';
  }
}

const MIB = 1024 * 1024;
const DEFAULT_BUFFER_MAX_MB = 256;

export function tiersFromEnv(env: NodeJS.ProcessEnv, logger: Logger): MarketDataTiers {
  let hot: HotCache;
  if (env.REDIS_URL) {
    hot = new RedisHotCache({ url: env.REDIS_URL, logger });
    logger.info({}, 'hot tier: Redis (latest candles and features, 24 h)');
  } else {
    hot = new InProcessHotCache();
    logger.info({}, 'hot tier: in process (no REDIS_URL)');
  }
  const rules = parseDownsampleRules(env.KEEL_COLD_DOWNSAMPLE);
  const queryApi = queryApiFromEnv(env);
  if (!env.INFLUX_URL) {
    if (rules.length > 0) throw new TierConfigurationError('KEEL_COLD_DOWNSAMPLE is set but INFLUX_URL is not');
    logger.warn({}, 'cold tier OFF (no INFLUX_URL): candles older than the warm tier’s 30 days are not kept');
    return new MarketDataTiers({ hot, cold: null, logger });
  }
  const missing = ['INFLUX_TOKEN', 'INFLUX_ORG', 'INFLUX_BUCKET'].filter((name) => !env[name]);
  if (missing.length > 0) throw new TierConfigurationError(`INFLUX_URL is set but ${missing.join(', ')} is not`);
  if (rules.length > 0 && queryApi === 'flux') {
    throw new TierConfigurationError(
      'KEEL_COLD_DOWNSAMPLE reads through VictoriaMetrics, but INFLUX_QUERY_API is flux: downsample with InfluxDB tasks',
    );
  }
  const maxMb = Number(env.INFLUX_BUFFER_MAX_MB ?? DEFAULT_BUFFER_MAX_MB);
  if (!(maxMb > 0))
    throw new TierConfigurationError(`INFLUX_BUFFER_MAX_MB must be > 0, got "${env.INFLUX_BUFFER_MAX_MB}"`);
  const bufferDir = env.INFLUX_BUFFER_DIR || join(homedir(), '.keel', 'influx-buffer');
  const cold = new InfluxSink({
    url: env.INFLUX_URL,
    token: env.INFLUX_TOKEN as string,
    org: env.INFLUX_ORG as string,
    bucket: env.INFLUX_BUCKET as string,
    bufferPath: join(bufferDir, 'points.lp'),
    maxBufferBytes: maxMb * MIB,
    logger,
  });
  logger.info({ url: env.INFLUX_URL, bucket: env.INFLUX_BUCKET, bufferDir }, 'cold tier: InfluxDB v2 write API');
  if (rules.length === 0) return new MarketDataTiers({ hot, cold, logger });
  const store = { url: env.INFLUX_URL, token: env.INFLUX_TOKEN as string, org: env.INFLUX_ORG as string };
  const writeLines = influxLineWriter({ ...store, bucket: env.INFLUX_BUCKET as string });
  logger.info({ rules: env.KEEL_COLD_DOWNSAMPLE }, 'cold tier downsampling on (read through VictoriaMetrics)');
  return new MarketDataTiers({
    hot,
    cold,
    logger,
    downsampleCold: (nowMs) => downsampleCold({ rules, victoriaUrl: store.url, writeLines, logger }, nowMs),
  });
}

function queryApiFromEnv(env: NodeJS.ProcessEnv): ReturnType<typeof coldQueryApiFromEnv> {
  try {
    return coldQueryApiFromEnv(env);
  } catch (error) {
    throw new TierConfigurationError((error as Error).message);
  }
}
