/**
 * Scale-out: three worker processes (`npm run start:worker`, real PostgreSQL) share 60 paper bots replaying a
 * slice of real BTC 1h candles. One is killed with SIGKILL mid-run and restarted. Afterwards:
 * - none lost, none doubled: every bot has exactly one equity point per candle of the slice;
 * - no bot ran twice: each bot was started once, twice for the killed worker's (before and after), its lease owner
 *   (sampled every SAMPLE_MS) changed at most once, and no decision, order or fill was recorded twice;
 * - the killed worker's bots were taken over by a survivor only after their lease ran out, and within one lease
 *   plus one lease round of the kill.
 *
 * The test deals the bots to the workers by writing their lease owners before they start, as earlier lease rounds
 * would have: claiming is first come, first served, and the first worker up would otherwise take every bot.
 * Each worker replays its own copy of the market from its start. A bot taken over skips the candles it already
 * booked (restore.ts: it resumes after its last equity point), so the survivors start LEAD_CANDLES behind the
 * killed worker; a survivor ahead of it would join later candles and the bot would miss the ones in between. The
 * first worker replays at half speed, so it is still mid-run however long the survivors take to boot on a busy
 * machine, and they close in on it without overtaking it before the takeover.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Database } from '@keel/db';
import { afterAll, describe, expect, it } from 'vitest';
import { newRunningBot, newUser, realCandleSlice, waitFor } from './harness.ts';
import { openExclusiveDatabase } from './live-fixtures.ts';

const WORKERS = 3;
const BOTS_PER_WORKER = 20;
const CANDLES = 160;
/** Candles per second in the surviving workers, and in the one killed. */
const REPLAY_SPEED = 10;
const KILLED_REPLAY_SPEED = 5;
const LEASE_MS = 2_000;
const POLL_MS = 200;
const SAMPLE_MS = 50;
/** How far the first worker's replay is ahead when the others start: more than a takeover lets them advance. */
const LEAD_CANDLES = 60;
/** A lease round itself takes time (one claim statement, then each taken-over bot's restore) on a shared machine. */
const ROUND_ALLOWANCE_MS = 1_500;
const START_WORKER = join(import.meta.dirname, '..', 'src', 'start-worker.ts');

const exclusive = await openExclusiveDatabase('worker_scale_out');
const db = exclusive?.database ?? null;
if (db === null) console.warn('scale-out.test.ts skipped: DATABASE_URL is not set');

interface WorkerProcess {
  id: string;
  child: ChildProcess;
  output: string[];
}

function spawnWorker(id: string, dataDir: string, replaySpeed: number): WorkerProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: exclusive?.url,
    KEEL_DATA_DIR: dataDir,
    KEEL_REPLAY_SPEED: String(replaySpeed),
    KEEL_WORKER_ID: id,
    KEEL_LEASE_MS: String(LEASE_MS),
    KEEL_POLL_MS: String(POLL_MS),
    WORKER_PORT: 'off',
    LOG_LEVEL: 'warn',
  };
  // In-process stream bus and no cold tier: the shared Redis and time-series store are not part of this test.
  delete env.REDIS_URL;
  delete env.INFLUX_URL;
  const child = spawn(process.execPath, [START_WORKER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return { id, child, output };
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

interface LeaseSample {
  atMs: number;
  owner: string | null;
  expiresAtMs: number | null;
}

/** Samples every bot's lease owner until stopped: the history each assertion about ownership reads. */
function leaseSampler(database: Database, botIds: string[]) {
  const history = new Map<string, LeaseSample[]>(botIds.map((id) => [id, []]));
  let running = true;
  const loop = (async () => {
    while (running) {
      const rows = await database.asService((tx) =>
        tx.query('select id, lease_owner, lease_expires_at from public.bots where id = any($1::uuid[])', [botIds]),
      );
      const atMs = Date.now();
      for (const row of rows) {
        const samples = history.get(String(row.id)) as LeaseSample[];
        const owner = (row.lease_owner as string | null) ?? null;
        const expiresAtMs = row.lease_expires_at === null ? null : new Date(row.lease_expires_at as string).getTime();
        if (samples.at(-1)?.owner !== owner || samples.length === 0) samples.push({ atMs, owner, expiresAtMs });
      }
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
    }
  })();
  return {
    history,
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function equityCounts(database: Database, botIds: string[]): Promise<Map<string, number>> {
  const rows = await database.asService((tx) =>
    tx.query(
      `select b.id, count(e.id)::int as points from public.bots b
       left join public.equity_snapshots e on e.bot_id = b.id where b.id = any($1::uuid[]) group by b.id`,
      [botIds],
    ),
  );
  return new Map(rows.map((row) => [String(row.id), Number(row.points)]));
}

/** Resolves once every bot of `botIds` has booked at least `candles` candles. */
function booked(database: Database, botIds: string[], candles: number, timeoutMs: number): Promise<true> {
  return waitFor(
    `${botIds.length} bots to book ${candles} candles`,
    async () => {
      const counts = await equityCounts(database, botIds);
      return [...counts.values()].every((points) => points >= candles) && counts.size === botIds.length ? true : null;
    },
    timeoutMs,
  );
}

describe.skipIf(db === null)('scale-out: 3 worker processes share the bots; one is killed and restarted', () => {
  const database = db as Database;
  const workers: WorkerProcess[] = [];
  afterAll(async () => {
    for (const worker of workers) worker.child.kill('SIGKILL');
    await database.asService((tx) => tx.query(`update public.bots set desired_state = 'stopped'`));
    await database.close();
  });

  // A cap, not a speed target: ~40 s on an idle 2-core machine, two to three times that when it is shared.
  it('no bot lost, none run twice, no order duplicated; takeover within one lease', { timeout: 240_000 }, async () => {
    const run = randomUUID().slice(0, 8);
    const { dataDir } = realCandleSlice(CANDLES);
    const userId = await newUser(database, 'scale-out');
    const workerIds = Array.from({ length: WORKERS }, (_, i) => `scale-${run}-w${i + 1}`);
    const dealt = new Map<string, string[]>(workerIds.map((id) => [id, []]));
    for (let i = 0; i < WORKERS * BOTS_PER_WORKER; i++) {
      const botId = await newRunningBot(database, userId, `scale-out ${i}`);
      (dealt.get(workerIds[i % WORKERS] as string) as string[]).push(botId);
    }
    for (const [workerId, botIds] of dealt) {
      await database.asService((tx) =>
        tx.query(
          `update public.bots set lease_owner = $1, lease_expires_at = now() + interval '1 hour' where id = any($2::uuid[])`,
          [workerId, botIds],
        ),
      );
    }
    const allBots = [...dealt.values()].flat();
    const [killedId, ...survivorIds] = workerIds as [string, ...string[]];
    const killedBots = dealt.get(killedId) as string[];
    const survivorBots = survivorIds.flatMap((id) => dealt.get(id) as string[]);
    const setDesiredState = (botIds: string[], state: 'running' | 'stopped') =>
      database.asService((tx) =>
        tx.query('update public.bots set desired_state = $1 where id = any($2::uuid[])', [state, botIds]),
      );
    const sampler = leaseSampler(database, allBots);

    const first = spawnWorker(killedId, dataDir, KILLED_REPLAY_SPEED);
    workers.push(first);
    const failure = () =>
      workers
        .flatMap((worker) => worker.output)
        .join('')
        .slice(-3000);
    await booked(database, killedBots, LEAD_CANDLES, 60_000).catch((error) => {
      throw new Error(`${error}\n${failure()}`);
    });
    for (const id of survivorIds) workers.push(spawnWorker(id, dataDir, REPLAY_SPEED));
    await booked(database, survivorBots, 1, 60_000);

    const killedAtMs = Date.now();
    first.child.kill('SIGKILL');
    await exited(first.child);
    // Read once the process is gone: these leases are renewed no more, and expire at these times.
    const leasesAtKill = new Map(
      (
        await database.asService((tx) =>
          tx.query('select id, lease_expires_at from public.bots where id = any($1::uuid[])', [killedBots]),
        )
      ).map((row) => [String(row.id), new Date(row.lease_expires_at as string).getTime()]),
    );
    const bookedAtKill = await equityCounts(database, killedBots);

    const takenOver = () =>
      killedBots.every((botId) => {
        const owner = sampler.history.get(botId)?.at(-1)?.owner;
        return owner !== undefined && owner !== null && owner !== killedId;
      });
    await waitFor('the killed worker’s bots to be taken over', async () => (takenOver() ? true : null), 30_000);
    // Restarted as its supervisor would, under the same name: every bot is held by a survivor now.
    workers.push(spawnWorker(killedId, dataDir, REPLAY_SPEED));
    await booked(database, allBots, CANDLES, 180_000).catch((error) => {
      throw new Error(`${error}\n${failure()}`);
    });
    await sampler.stop();
    // Stopped bots first: a worker shut down gracefully releases its leases, and another would start its bots.
    await setDesiredState(allBots, 'stopped');
    await waitFor('every bot to stop', async () => {
      const [row] = await database.asService((tx) =>
        tx.query(`select count(*)::int as left from public.bots where id = any($1::uuid[]) and state <> 'stopped'`, [
          allBots,
        ]),
      );
      return row?.left === 0 ? true : null;
    });
    for (const worker of workers.slice(1)) worker.child.kill('SIGTERM');
    await Promise.all(workers.map((worker) => exited(worker.child)));

    // None lost, none doubled.
    const points = await equityCounts(database, allBots);
    expect([...points.values()], failure()).toEqual(allBots.map(() => CANDLES));
    expect(
      [...bookedAtKill.values()].every((count) => count > 1 && count < CANDLES),
      'killed mid-run',
    ).toBe(true);
    const states = await database.asService((tx) =>
      tx.query(`select state, count(*)::int as bots from public.bots where id = any($1::uuid[]) group by state`, [
        allBots,
      ]),
    );
    expect(states.filter((row) => row.state === 'error')).toEqual([]);

    // No bot ran twice.
    const starts = await database.asService((tx) =>
      tx.query(
        `select entity_id, count(*)::int as starts from public.audit_log
         where action = 'worker.bot_started' and entity_id = any($1::text[]) group by entity_id`,
        [allBots],
      ),
    );
    const startsByBot = new Map(starts.map((row) => [String(row.entity_id), Number(row.starts)]));
    const ownership = (botId: string) =>
      (sampler.history.get(botId) as LeaseSample[])
        .map((sample) => `${sample.owner} at +${sample.atMs - killedAtMs} ms`)
        .join(' → ');
    for (const botId of survivorBots) expect(startsByBot.get(botId), ownership(botId)).toBe(1);
    for (const botId of killedBots) expect(startsByBot.get(botId), ownership(botId)).toBe(2);
    for (const botId of survivorBots) {
      const owners = (sampler.history.get(botId) as LeaseSample[]).map((sample) => sample.owner);
      expect(new Set(owners), `bot ${botId} owners`).toEqual(new Set([dealtOwner(dealt, botId)]));
    }
    const duplicates = await database.asService((tx) =>
      tx.query(
        `select 'decision' as kind, count(*)::int - count(distinct (bot_id, time, symbol))::int as extra
           from public.decisions where bot_id = any($1::uuid[])
         union all
         select 'order', count(*)::int - count(distinct client_order_id)::int from public.orders where bot_id = any($1::uuid[])
         union all
         select 'fill', count(*)::int - count(distinct (client_order_id, trade_id))::int from public.fills where bot_id = any($1::uuid[])
         union all
         select 'orders placed', count(*)::int from public.orders where bot_id = any($1::uuid[])`,
        [allBots],
      ),
    );
    const extra = new Map(duplicates.map((row) => [String(row.kind), Number(row.extra)]));
    expect(extra.get('orders placed'), 'the bots traded').toBeGreaterThan(0);
    expect({ decision: extra.get('decision'), order: extra.get('order'), fill: extra.get('fill') }).toEqual({
      decision: 0,
      order: 0,
      fill: 0,
    });

    // Takeover: after the lease ran out, within one lease plus one round of the kill.
    const takeoverMs: number[] = [];
    for (const botId of killedBots) {
      const samples = sampler.history.get(botId) as LeaseSample[];
      const owners = samples.map((sample) => sample.owner).filter((owner) => owner !== null);
      expect(owners.slice(0, 1), `bot ${botId} first owner`).toEqual([killedId]);
      expect(owners.length, `bot ${botId} owners: ${owners.join(' → ')}`).toBe(2);
      expect(survivorIds).toContain(owners[1]);
      const claim = samples.find((sample) => sample.owner === owners[1]) as LeaseSample;
      // The first sample of the new owner may already show one renewal: the claim was at most one round earlier.
      const claimedAtMs = (claim.expiresAtMs as number) - LEASE_MS;
      // Whole milliseconds of microsecond timestamps: 1 ms of rounding.
      expect(claimedAtMs + 1, `bot ${botId} claimed while its lease held`).toBeGreaterThanOrEqual(
        leasesAtKill.get(botId) as number,
      );
      takeoverMs.push(claim.atMs - killedAtMs);
    }
    const slowest = Math.max(...takeoverMs);
    console.info(
      `scale-out: ${allBots.length} bots on ${WORKERS} workers, ${CANDLES} candles each; ${killedBots.length} bots taken over ` +
        `${Math.min(...takeoverMs)}–${slowest} ms after the kill (lease ${LEASE_MS} ms, round ${POLL_MS} ms)`,
    );
    expect(slowest).toBeLessThanOrEqual(LEASE_MS + POLL_MS + SAMPLE_MS + ROUND_ALLOWANCE_MS);
  });
});

function dealtOwner(dealt: Map<string, string[]>, botId: string): string {
  for (const [workerId, botIds] of dealt) if (botIds.includes(botId)) return workerId;
  throw new Error(`bot ${botId} was not dealt`);
}
