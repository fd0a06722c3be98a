/**
 * Two workers sharing bots through Postgres leases: a worker process (`start-worker.ts`, as `npm run
 * start:worker` runs it) takes every bot; a second worker in this process waits beside it; the process is killed
 * with SIGKILL mid-replay and its bots move to the second worker once their leases lapse. At no moment does the
 * second worker run a bot it does not hold the lease of, and every bot ends with exactly one equity point per
 * candle: nothing processed twice across the move, nothing skipped. A bot started afterwards is picked up by the
 * next lease round (it joins a replay under way, so it trades from there on: not part of the per-candle check).
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
  });
});
