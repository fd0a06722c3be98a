/**
 * `npm run start:worker`: the worker alone, against PostgreSQL (DATABASE_URL required — the embedded PGlite is
 * single-session, so with it the worker runs inside `npm start`, sharing the edge's database handle).
 * Environment: DATABASE_URL, REDIS_URL (stream bus; in-process without it), KEEL_STREAM_QUEUE_MAX (messages kept
 * for the bus while Redis is down, default 100000), KEEL_DATA_DIR, KEEL_REPLAY_SPEED
 * (candles per second or `max`; default 1), KEEL_WORKER_ID (default hostname-pid), KEEL_LEASE_MS and KEEL_POLL_MS (bot
 * lease length and lease round interval; defaults in worker.ts), LOG_LEVEL; live bots: KEEL_MASTER_KEY
 * (+ KEEL_MASTER_KEYS) to open their exchange keys, KEEL_EXCHANGE_URL_<EXCHANGE> to reach an exchange elsewhere;
 * market data: KEEL_MARKET_SOURCE (ccxt:binance when there is no data folder), INFLUX_URL/TOKEN/ORG/BUCKET (cold
 * tier), INFLUX_BUFFER_DIR, INFLUX_BUFFER_MAX_MB (storage/tiers-from-env.ts); metrics and health: WORKER_PORT,
 * WORKER_HOST; notifications: TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT, SMTP_URL or SMTP_HOST/PORT/USER/PASS, SMTP_FROM;
 * agents: KEEL_MODELS_DIR (the promoted PPO model; without it the rule agents decide alone).
 */
import { hostname } from 'node:os';
import { createDatabase, keyringFromEnv } from '@keel/db';
import { streamBusFromEnv } from './bots/stream-bus-from-env.ts';
import { createLogger } from './logger.ts';
import { defaultDataDir } from './market/data-dir.ts';
import type { ReplaySpeed } from './market/replay-feed.ts';
import { tiersFromEnv } from './storage/tiers-from-env.ts';
import { startWorker } from './worker.ts';

function replaySpeedFrom(text: string | undefined): ReplaySpeed {
  if (text === undefined || text === '') return 1;
  if (text === 'max') return 'max';
  const speed = Number(text);
  if (!(speed > 0)) throw new Error(`KEEL_REPLAY_SPEED must be a positive number or "max", got ${text}`);
  return speed;
}

/** A positive whole number of milliseconds from `name`, or undefined (the worker's default) when unset. */
function millisecondsFrom(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms <= 0) throw new Error(`${name} must be a positive whole number of ms, got ${text}`);
  return ms;
}

function leaseTimingFromEnv(): { leaseMs?: number; pollMs?: number } {
  const leaseMs = millisecondsFrom('KEEL_LEASE_MS', process.env.KEEL_LEASE_MS);
  const pollMs = millisecondsFrom('KEEL_POLL_MS', process.env.KEEL_POLL_MS);
  return { ...(leaseMs === undefined ? {} : { leaseMs }), ...(pollMs === undefined ? {} : { pollMs }) };
}

async function main(): Promise<void> {
  const logger = createLogger({ name: 'keel-worker', level: process.env.LOG_LEVEL ?? 'info' });
  const url = process.env.DATABASE_URL;
  if (!url) {
    logger.error({}, 'DATABASE_URL is required (embedded PGlite: run `npm start`, which runs the worker in process)');
    process.exitCode = 1;
    return;
  }
  const database = await createDatabase({ url });
  const bus = streamBusFromEnv(process.env, logger);
  const marketData = tiersFromEnv(process.env, logger);
  const worker = await startWorker({
    database,
    bus,
    logger,
    dataDir: defaultDataDir(),
    replaySpeed: replaySpeedFrom(process.env.KEEL_REPLAY_SPEED),
    workerId: process.env.KEEL_WORKER_ID || `${hostname()}-${process.pid}`,
    ...leaseTimingFromEnv(),
    ...(process.env.KEEL_MODELS_DIR ? { modelsDir: process.env.KEEL_MODELS_DIR } : {}),
    marketData,
    // Live bots need the master keyring to open their exchange keys; without it they are refused, paper runs.
    ...(process.env.KEEL_MASTER_KEY ? { live: { venue: { keyring: keyringFromEnv() } } } : {}),
  });
  const shutdown = async () => {
    await worker.stop();
    await marketData.close();
    await bus.close();
    await database.close();
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

await main();
