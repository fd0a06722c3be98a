/**
 * The worker process the chaos test kills: startWorker as `npm run start:worker` runs it, live trading on, against
 * the test's PostgreSQL database and its loopback exchange. Prints "ready" once the first lease round (and with it
 * the live bot's restart reconciliation) is done; SIGTERM stops it gracefully. Environment: DATABASE_URL, KEEL_MASTER_KEY,
 * KEEL_EXCHANGE_URL_BINANCE, KEEL_DATA_DIR, KEEL_WORKER_ID.
 */
import { createDatabase, keyringFromEnv } from '@keel/db';
import { inProcessBus } from '@keel/realtime';
import { pino } from 'pino';
import { startWorker } from '../src/worker.ts';

const database = await createDatabase({ url: process.env.DATABASE_URL ?? '', maxConnections: 2 });
const worker = await startWorker({
  database,
  bus: inProcessBus(),
  logger: pino({ name: 'chaos-worker', level: 'warn' }, pino.destination(2)),
  dataDir: process.env.KEEL_DATA_DIR ?? '',
  replaySpeed: 'max',
  workerId: process.env.KEEL_WORKER_ID ?? 'chaos-worker',
  pollMs: 100,
  leaseMs: 60_000,
  live: {
    venue: {
      keyring: keyringFromEnv(),
      timeoutMs: 1_000,
      retry: { attempts: 4, baseDelayMs: 10, maxDelayMs: 100, rateLimitWaitMs: 50 },
    },
  },
});
process.once('SIGTERM', async () => {
  await worker.stop();
  await database.close();
  process.exit(0);
});
process.stdout.write('ready\n');
