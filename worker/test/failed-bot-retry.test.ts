/**
 * A bot that fails is started again after a backoff, not left stopped until the worker restarts: a passing fault
 * (a database restart fails every bot at once) must not end trading for good. The failure here is a stored risk
 * limit the risk manager refuses; once its owner fixes it, the bot runs again, with no restart of the worker.
 */
import type { Database } from '@keel/db';
import { inProcessBus } from '@keel/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger, startWorker } from '../src/index.ts';
import { databaseRequired, newRunningBot, newUser, openTestDatabase, realCandleSlice, waitFor } from './harness.ts';

let db: Database | null = null;
let dataDir: string;

beforeAll(async () => {
  db = await openTestDatabase();
  dataDir = realCandleSlice(2_000).dataDir;
});
afterAll(async () => {
  await db?.close();
});

describe.skipIf(!process.env.DATABASE_URL && !databaseRequired)('a failed bot', () => {
  it('is started again after the backoff once the cause is gone', async () => {
    const database = db as Database;
    const userId = await newUser(database, 'retry');
    const botId = await newRunningBot(database, userId, 'fails first');
    // A limit looser than the platform's cap, written past the API (as an older release could have stored it).
    await database.asService((tx) =>
      tx.query(`update public.bots set risk_limits = '{"maxVar95": 0.5}'::jsonb where id = $1`, [botId]),
    );
    const state = () =>
      database.asService(async (tx) => {
        const bot = await tx.bots.get(botId);
        return { state: bot.state, reason: bot.stateReason };
      });
    const worker = await startWorker({
      database,
      bus: inProcessBus(),
      logger: silentLogger,
      dataDir,
      replaySpeed: 20,
      workerId: 'retry-test',
      pollMs: 100,
      failedRetryMs: 500,
      env: { WORKER_PORT: 'off' },
    });
    try {
      await waitFor('the bot to fail', async () => ((await state()).state === 'error' ? true : null));
      expect((await state()).reason).toMatch(/maxVar95Fraction/);
      await database.asService((tx) =>
        tx.query(`update public.bots set risk_limits = '{}'::jsonb where id = $1`, [botId]),
      );
      await waitFor('the bot to run again', async () => ((await state()).state === 'running' ? true : null));
    } finally {
      await worker.stop();
    }
  });
});
