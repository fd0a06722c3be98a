/**
 * Two workers sharing bots through Postgres leases: a worker process (`start-worker.ts`, as `npm run
 * start:worker` runs it) takes every bot; a second worker in this process waits beside it; the process is killed
 * with SIGKILL mid-replay and its bots move to the second worker once their leases lapse. At no moment does the
 * second worker run a bot it does not hold the lease of, and every bot ends with exactly one equity point per
 * candle: nothing processed twice across the move, nothing skipped. A bot started afterwards is picked up by the
 * next lease round (it joins a replay under way, so it trades from there on: not part of the per-candle check).
 *
 * The heartbeat renews every lease on its own connection while long transactions hold every connection of the
 * worker's pool. A graceful stop mid-replay of many bots reports every bot stopped and releases every lease, each
 * bot having booked a gapless prefix of the candles; the next worker takes them all and each ends with exactly one
 * equity point per candle.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseCandlesCsv } from '@keel/core/market/csv.ts';
import { createDatabase, type Database } from '@keel/db';
import { inProcessBus } from '@keel/realtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suiteDatabaseUrl } from '../../packages/db/test/test-database.ts';
import { type RunningWorker, silentLogger, startWorker } from '../src/index.ts';
import { databaseRequired, newRunningBot, newUser, realCandleSlice, waitFor } from './harness.ts';

const CANDLES = 500;
const USERS = 8;
const BOTS_PER_USER = 4;
const LEASE_MS = 1_500;
const POLL_MS = 100;
const START_WORKER = join(import.meta.dirname, '..', 'src', 'start-worker.ts');

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl && databaseRequired) throw new Error('DATABASE_URL is not set: npm test starts PostgreSQL');

describe.skipIf(!serverUrl)('leases shared by two workers', () => {
  let db: Database;
  let suiteUrl: string;
  let child: ChildProcess | null = null;
  let worker: RunningWorker | null = null;
  const slice = realCandleSlice(CANDLES);
  const candleTimes = Array.from(parseCandlesCsv(slice.csv, 'BTC-USDT_1h.csv').time);

  beforeAll(async () => {
    suiteUrl = await suiteDatabaseUrl(serverUrl ?? '', 'worker_leases');
    db = await createDatabase({ url: suiteUrl, maxConnections: 5 });
    await db.migrate();
    // Bots of earlier runs must not join this one.
    await db.asService((tx) =>
      tx.query(`update public.bots set desired_state = 'stopped', state = 'stopped', lease_owner = null,
        lease_expires_at = null`),
    );
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await worker?.stop();
    await db?.asService((tx) => tx.query(`update public.bots set desired_state = 'stopped'`));
    await db?.close();
  });

  const leaseOwners = () =>
    db.asService(async (tx) => {
      const rows = await tx.query('select id, lease_owner from public.bots where lease_owner is not null');
      return new Map(rows.map((row) => [String(row.id), String(row.lease_owner)]));
    });
  const pointsOf = (botId: string) =>
    db.asService(async (tx) => (await tx.equity.list({ botId, limit: 100_000 })).map((point) => point.time.getTime()));

  it('moves a killed worker’s bots to the other within a lease period, each candle processed once', async () => {
    const bots: string[] = [];
    for (let u = 0; u < USERS; u++) {
      const userId = await newUser(db, `lease-${u}`);
      for (let b = 0; b < BOTS_PER_USER; b++) bots.push(await newRunningBot(db, userId, `bot ${b}`));
    }
    const stderr: string[] = [];
    child = spawn(process.execPath, [START_WORKER], {
      env: {
        ...process.env,
        DATABASE_URL: suiteUrl,
        KEEL_DATA_DIR: slice.dataDir,
        KEEL_REPLAY_SPEED: '100',
        KEEL_WORKER_ID: 'lease-a',
        KEEL_LEASE_MS: String(LEASE_MS),
        KEEL_POLL_MS: String(POLL_MS),
        WORKER_PORT: 'off',
        LOG_LEVEL: 'warn',
        REDIS_URL: '',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    await waitFor('worker A to hold every bot', async () => {
      const owners = await leaseOwners();
      return bots.every((id) => owners.get(id) === 'lease-a') ? true : null;
    });

    worker = await startWorker({
      database: db,
      bus: inProcessBus(),
      logger: silentLogger,
      dataDir: slice.dataDir,
      replaySpeed: 'max',
      workerId: 'lease-b',
      pollMs: POLL_MS,
      leaseMs: LEASE_MS,
      env: { WORKER_PORT: 'off' },
    });
    const b = worker;
    // B runs only what it holds the lease of, checked all along: before, during and after the move.
    let violations: string[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const runningOnB = b.runningBots();
        const owners = await leaseOwners();
        violations = violations.concat(runningOnB.filter((id) => owners.get(id) !== 'lease-b'));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    await waitFor('worker A to be mid-replay', async () =>
      (await pointsOf(bots[0] as string)).length > 50 ? true : null,
    );
    expect(b.runningBots()).toEqual([]);
    child.kill('SIGKILL');
    await waitFor('worker B to run every bot', async () =>
      bots.every((id) => b.runningBots().includes(id)) ? true : null,
    );

    // Started from the API now: the next lease round picks it up.
    const late = await newRunningBot(db, await newUser(db, 'late'), 'late bot');
    await waitFor('worker B to pick up the new bot', async () => (b.runningBots().includes(late) ? true : null));

    const lastTime = candleTimes[candleTimes.length - 1];
    await waitFor('every bot to reach the last candle', async () => {
      for (const id of bots) if ((await pointsOf(id)).at(-1) !== lastTime) return null;
      return true;
    });
    sampling = false;
    await sampler;
    expect(violations).toEqual([]);
    for (const id of bots) expect(await pointsOf(id)).toEqual(candleTimes);
    const states = await db.asService((tx) =>
      tx.query('select state, count(*)::int as n from public.bots where id = any($1::uuid[]) group by state', [
        [...bots, late],
      ]),
    );
    expect(states).toEqual([{ state: 'running', n: bots.length + 1 }]);
    expect(stderr.join('')).not.toMatch(/"level":(50|60)/);
  }, 180_000);
});

/** Bots of earlier runs (or of another describe) must not join a suite's own database. */
async function stopEveryBot(database: Database): Promise<void> {
  await database.asService((tx) =>
    tx.query(`update public.bots set desired_state = 'stopped', state = 'stopped', lease_owner = null,
      lease_expires_at = null`),
  );
}

/** How many of `botIds` `owner` holds an unexpired lease on, as the database sees it now. */
async function leasesHeld(observer: Database, owner: string, botIds: string[]): Promise<number> {
  const [row] = await observer.asService((tx) =>
    tx.query(
      `select count(*)::int as held from public.bots
       where id = any($1::uuid[]) and lease_owner = $2 and lease_expires_at > now()`,
      [botIds, owner],
    ),
  );
  return Number(row?.held);
}

describe.skipIf(!serverUrl)('lease heartbeat with every pool connection busy', () => {
  const POOL = 2;
  const BOTS = 4;
  const LEASE_PERIODS_HELD = 4;
  let db: Database;
  let observer: Database;
  let worker: RunningWorker | null = null;
  let releasePool: () => void = () => {};

  beforeAll(async () => {
    const url = await suiteDatabaseUrl(serverUrl ?? '', 'worker_lease_heartbeat');
    db = await createDatabase({ url, maxConnections: POOL });
    observer = await createDatabase({ url, maxConnections: 1 });
    await db.migrate();
    await stopEveryBot(db);
  });
  afterAll(async () => {
    releasePool();
    await worker?.stop();
    await db?.asService((tx) => tx.query(`update public.bots set desired_state = 'stopped'`));
    await observer?.close();
    await db?.close();
  });

  it('renews every lease on its own connection while long transactions hold the whole pool', async () => {
    const userId = await newUser(db, 'heartbeat');
    const bots: string[] = [];
    for (let b = 0; b < BOTS; b++) bots.push(await newRunningBot(db, userId, `busy ${b}`));
    const slice = realCandleSlice(300);
    worker = await startWorker({
      database: db,
      bus: inProcessBus(),
      logger: silentLogger,
      dataDir: slice.dataDir,
      replaySpeed: 50,
      workerId: 'heartbeat-a',
      pollMs: POLL_MS,
      leaseMs: LEASE_MS,
      env: { WORKER_PORT: 'off' },
    });
    const running = worker;
    await waitFor('the worker to run every bot', async () =>
      bots.every((id) => running.runningBots().includes(id)) ? true : null,
    );

    // Every pool connection taken by a transaction that stays open: the bots' writes and anything else on the pool
    // queue behind them, as behind 10,000 bots' writes under load.
    const released = new Promise<void>((resolve) => {
      releasePool = resolve;
    });
    let holding = 0;
    const holds = Array.from({ length: POOL }, () =>
      db.asService(async (tx) => {
        await tx.query('select 1');
        holding++;
        await released;
      }),
    );
    await waitFor('every pool connection to be held', async () => (holding === POOL ? true : null));

    const heldUntil = Date.now() + LEASE_PERIODS_HELD * LEASE_MS;
    const samples: number[] = [];
    while (Date.now() < heldUntil) {
      samples.push(await leasesHeld(observer, 'heartbeat-a', bots));
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    expect(holding).toBe(POOL);
    releasePool();
    await Promise.all(holds);

    expect(samples.length).toBeGreaterThan(LEASE_PERIODS_HELD);
    expect(new Set(samples)).toEqual(new Set([BOTS]));
    expect(running.runningBots().sort()).toEqual([...bots].sort());
  });
});

describe.skipIf(!serverUrl)('graceful shutdown of many bots', () => {
  const BOTS = 80;
  const SHUTDOWN_CANDLES = 120;
  /** 80 bots replaying twice on a machine shared with other suites: far more than it takes, not a speed bound. */
  const TEST_TIMEOUT_MS = 300_000;
  let db: Database;
  const workers: RunningWorker[] = [];

  beforeAll(async () => {
    db = await createDatabase({ url: await suiteDatabaseUrl(serverUrl ?? '', 'worker_shutdown'), maxConnections: 5 });
    await db.migrate();
    await stopEveryBot(db);
  });
  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await db?.asService((tx) => tx.query(`update public.bots set desired_state = 'stopped'`));
    await db?.close();
  });

  const equityTimes = async (botIds: string[]) => {
    const rows = await db.asService((tx) =>
      tx.query(
        `select bot_id, array_agg((extract(epoch from time) * 1000)::bigint order by time) as times
         from public.equity_snapshots where bot_id = any($1::uuid[]) group by bot_id`,
        [botIds],
      ),
    );
    const byBot = new Map<string, number[]>(botIds.map((id) => [id, []]));
    for (const row of rows) byBot.set(String(row.bot_id), (row.times as string[]).map(Number));
    return byBot;
  };

  it(
    'stops mid-replay with every bot reported stopped and every lease released; the next worker loses nothing',
    async () => {
      const slice = realCandleSlice(SHUTDOWN_CANDLES);
      const candleTimes = Array.from(parseCandlesCsv(slice.csv, 'BTC-USDT_1h.csv').time);
      const bots: string[] = [];
      for (let u = 0; u < BOTS / 10; u++) {
        const userId = await newUser(db, `shutdown-${u}`);
        for (let b = 0; b < 10; b++) bots.push(await newRunningBot(db, userId, `bot ${b}`));
      }
      const start = (workerId: string) =>
        startWorker({
          database: db,
          bus: inProcessBus(),
          logger: silentLogger,
          dataDir: slice.dataDir,
          replaySpeed: 20,
          workerId,
          pollMs: POLL_MS,
          leaseMs: 60_000,
          env: { WORKER_PORT: 'off' },
        });
      const first = await start('shutdown-a');
      workers.push(first);
      expect(first.runningBots()).toHaveLength(BOTS);
      await waitFor('the replay to be under way', async () =>
        ((await equityTimes(bots)).get(bots[0] as string)?.length ?? 0) > 10 ? true : null,
      );
      await first.stop();
      workers.pop();

      const afterStop = await db.asService((tx) =>
        tx.query(
          `select state, state_reason, lease_owner, count(*)::int as n from public.bots where id = any($1::uuid[])
         group by 1, 2, 3`,
          [bots],
        ),
      );
      expect(afterStop).toEqual([{ state: 'stopped', state_reason: 'worker shut down', lease_owner: null, n: BOTS }]);
      // What each bot booked before the stop is the candles from the first on, none skipped: a prefix of the replay.
      const booked = await equityTimes(bots);
      for (const id of bots) {
        const times = booked.get(id) as number[];
        expect(times).toEqual(candleTimes.slice(0, times.length));
      }
      expect([...booked.values()].some((times) => times.length < candleTimes.length)).toBe(true);

      // Stopped by a shutdown, the owners still want them running: the next worker takes every bot at once and each
      // ends with exactly one equity point per candle.
      const second = await start('shutdown-b');
      workers.push(second);
      expect(second.runningBots()).toHaveLength(BOTS);
      const lastTime = candleTimes.at(-1);
      await waitFor(
        'every bot to reach the last candle',
        async () => ([...(await equityTimes(bots)).values()].every((times) => times.at(-1) === lastTime) ? true : null),
        TEST_TIMEOUT_MS,
      );
      for (const times of (await equityTimes(bots)).values()) expect(times).toEqual(candleTimes);
    },
    TEST_TIMEOUT_MS,
  );
});
