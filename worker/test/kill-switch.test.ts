/**
 * Kill switches reach running bots: the platform's and a user's halt every bot they cover within one lease round
 * (state `halted`, the switch named as the reason, no candle traded while engaged), and a released switch lets
 * bots their owners still want running resume. Its own database: the platform switch is database-wide, and must
 * not halt the bots of suites running beside it.
 */
import { createDatabase, type Database } from '@keel/db';
import { inProcessBus } from '@keel/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteDatabaseUrl } from '../../packages/db/test/test-database.ts';
import { type RunningWorker, silentLogger, startWorker } from '../src/index.ts';
import { databaseRequired, newRunningBot, newUser, realCandleSlice, waitFor } from './harness.ts';

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl && databaseRequired) throw new Error('DATABASE_URL is not set: npm test starts PostgreSQL');

describe.skipIf(!serverUrl)('kill switches in the worker', () => {
  let db: Database;
  let worker: RunningWorker;
  let dataDir: string;

  beforeAll(async () => {
    db = await createDatabase({
      url: await suiteDatabaseUrl(serverUrl ?? '', 'worker_kill_switch'),
      maxConnections: 5,
    });
    await db.migrate();
    dataDir = realCandleSlice(2_000).dataDir;
  });
  afterAll(async () => {
    await worker?.stop();
    await db?.asService((tx) => tx.platform.setKillSwitch(false, null));
    await db?.close();
  });

  const botState = (id: string) =>
    db.asService(async (tx) => {
      const bot = await tx.bots.get(id);
      return { state: bot.state, reason: bot.stateReason };
    });
  const equityPoints = (id: string) =>
    db.asService(async (tx) => {
      const [row] = await tx.query('select count(*)::int as n from public.equity_snapshots where bot_id = $1', [id]);
      return row?.n as number;
    });
  const untilState = (id: string, state: string) =>
    waitFor(`bot ${id} to be ${state}`, async () => ((await botState(id)).state === state ? true : null));

  it('the platform switch halts every bot, then releasing it resumes them; a user switch halts only theirs', async () => {
    const alice = await newUser(db, 'alice');
    const bob = await newUser(db, 'bob');
    const aliceBot = await newRunningBot(db, alice, 'alice bot');
    const bobBot = await newRunningBot(db, bob, 'bob bot');
    worker = await startWorker({
      database: db,
      bus: inProcessBus(),
      logger: silentLogger,
      dataDir,
      replaySpeed: 40,
      workerId: 'kill-switch-test',
      pollMs: 100,
    });
    await Promise.all([untilState(aliceBot, 'running'), untilState(bobBot, 'running')]);

    await db.asService((tx) => tx.platform.setKillSwitch(true, 'test: platform halt'));
    await Promise.all([untilState(aliceBot, 'halted'), untilState(bobBot, 'halted')]);
    expect(await botState(aliceBot)).toEqual({ state: 'halted', reason: 'platform kill switch' });
    const pointsWhenHalted = await equityPoints(aliceBot);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await equityPoints(aliceBot)).toBe(pointsWhenHalted);

    await db.asService((tx) => tx.platform.setKillSwitch(false, null));
    await Promise.all([untilState(aliceBot, 'running'), untilState(bobBot, 'running')]);

    await db.asService((tx) => tx.query('update public.profiles set kill_switch = true where id = $1', [bob]));
    await untilState(bobBot, 'halted');
    expect(await botState(bobBot)).toEqual({ state: 'halted', reason: 'user kill switch' });
    expect((await botState(aliceBot)).state).toBe('running');
  });
});
