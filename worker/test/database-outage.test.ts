/**
 * The database goes away mid-replay (every connection terminated, new ones refused for a while, as in a restart or
 * a failover) and comes back. The worker process keeps running; its bots, whose writes failed, are neither marked
 * in error nor left idle: they are set aside, started afresh once the database answers, and book the candles that
 * closed meanwhile. Every bot ends with exactly one equity point per candle, and in state running. The outage lasts
 * past the end of the replay, so the missed candles are caught up at restart, not at a next candle.
 */
import { parseCandlesCsv } from '@keel/core/market/csv.ts';
import { createDatabase, type Database, DatabaseUnreachableError } from '@keel/db';
import { inProcessBus } from '@keel/realtime';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteDatabaseUrl } from '../../packages/db/test/test-database.ts';
import { type RunningWorker, startWorker } from '../src/index.ts';
import { databaseRequired, newRunningBot, newUser, realCandleSlice, waitFor } from './harness.ts';
import { type LogLine, recordingLogger } from './recording-logger.ts';

const CANDLES = 120;
const BOTS = 4;
const REPLAY_SPEED = 40;
const OUTAGE_FROM_CANDLE = 30;
/** Longer than the rest of the replay (90 candles at 40/s): the bots miss its end entirely. */
const OUTAGE_MS = 3_000;

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl && databaseRequired) throw new Error('DATABASE_URL is not set: npm test starts PostgreSQL');

describe.skipIf(!serverUrl)('a database outage under a running worker', () => {
  let db: Database;
  let suiteUrl: string;
  let suiteName: string;
  let admin: postgres.Sql;
  let worker: RunningWorker | null = null;
  const slice = realCandleSlice(CANDLES);
  const candleTimes = Array.from(parseCandlesCsv(slice.csv, 'BTC-USDT_1h.csv').time);

  beforeAll(async () => {
    suiteUrl = await suiteDatabaseUrl(serverUrl ?? '', 'database_outage');
    suiteName = new URL(suiteUrl).pathname.slice(1);
    // The outage is made from the server's maintenance database, which stays reachable.
    admin = postgres(serverUrl ?? '', { max: 1, onnotice: () => {} });
    // A transaction postgres.js strands in the outage is given up after 5 s here (30 s by default).
    db = await createDatabase({ url: suiteUrl, maxConnections: 4, beginTimeoutMs: 5_000 });
    await db.migrate();
    await db.asService((tx) =>
      tx.query(`update public.bots set desired_state = 'stopped', state = 'stopped', lease_owner = null,
        lease_expires_at = null`),
    );
  });
  afterAll(async () => {
    await admin?.unsafe(`alter database "${suiteName}" allow_connections true`);
    await worker?.stop();
    await db?.close();
    await admin?.end();
  });

  const pointsOf = (botId: string) =>
    db.asService(async (tx) => (await tx.equity.list({ botId, limit: 10_000 })).map((point) => point.time.getTime()));

  /** The bot's point count, or null while this test's own pooled connections still meet the outage. */
  async function countOrNull(botId: string): Promise<number | null> {
    try {
      return (await pointsOf(botId)).length;
    } catch (error) {
      if (error instanceof DatabaseUnreachableError) return null;
      throw error;
    }
  }

  async function takeDatabaseAway(): Promise<void> {
    await admin.unsafe(`alter database "${suiteName}" allow_connections false`);
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${suiteName}`;
  }

  it('sets the bots aside, resumes them when it answers, and books every candle once', async () => {
    const userId = await newUser(db, 'outage');
    const bots: string[] = [];
    for (let b = 0; b < BOTS; b++) bots.push(await newRunningBot(db, userId, `bot ${b}`));
    const lines: LogLine[] = [];
    worker = await startWorker({
      database: db,
      bus: inProcessBus(),
      logger: recordingLogger(lines),
      dataDir: slice.dataDir,
      replaySpeed: REPLAY_SPEED,
      workerId: 'outage-test',
      pollMs: 100,
      leaseMs: 1_500,
      env: { WORKER_PORT: 'off' },
    });
    await waitFor('every bot past the outage candle', async () => {
      for (const botId of bots) if ((await pointsOf(botId)).length < OUTAGE_FROM_CANDLE) return null;
      return true;
    });

    await takeDatabaseAway();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await admin.unsafe(`alter database "${suiteName}" allow_connections true`);

    const counts = new Map<string, number | null>();
    await waitFor('every candle booked by every bot', async () => {
      for (const botId of bots) counts.set(botId, await countOrNull(botId));
      return [...counts.values()].every((count) => (count ?? 0) >= CANDLES) ? true : null;
    }).catch((error: Error) => {
      // What each bot booked and what the worker said, to tell a stuck bot from a slow one.
      const said = new Map<string, number>();
      for (const line of lines) said.set(line.message, (said.get(line.message) ?? 0) + 1);
      throw new Error(
        `${error.message}: points ${JSON.stringify([...counts.values()])}; log ${JSON.stringify([...said])}`,
      );
    });
    for (const botId of bots) expect(await pointsOf(botId)).toEqual(candleTimes);
    const states = await db.asService((tx) =>
      tx.query('select state, count(*)::int as n from public.bots where id = any($1::uuid[]) group by state', [bots]),
    );
    expect(states).toEqual([{ state: 'running', n: BOTS }]);
    // The outage did reach the bots (their writes failed), and none was reported in error for it.
    expect(lines.some((line) => /database unreachable/.test(String(line.fields.error)))).toBe(true);
    expect(lines.filter((line) => line.message === 'bot could not start')).toEqual([]);
  }, 120_000);
});
