/**
 * Issue #7's benchmark: one worker, in this process, on PostgreSQL, running 10,000 paper bots (1,000 users × 10) on
 * real BTC-USDT 1-minute candles (/work/shared/data/BTC-USDT_1m.csv). Every bot is a real BotRunner: risk manager,
 * paper broker, ledger, every write through @keel/db, every update on the stream bus.
 *
 * The replay begins after WARMUP_CANDLES of history (delivered to nobody: each bot warms up on it at its first
 * candle, as on a live feed), so the decisions timed are the warmed-up ones — the ensemble's features need 649.
 * Runs, each with fresh bots: sma-cross 5/20 (trades often: many orders and fills) with every candle booked in a
 * transaction of its own — the baseline, as before the group commit — then with the group commit, as fast as the
 * bots go; the default agents ensemble (bots with no agents configured) with the group commit, as fast as it goes,
 * then at a fixed replay speed, 70 % of what it sustained (or real time if that is slower), for FIXED_RUN_CANDLES:
 * lag at the start against lag at the end says whether the worker keeps up.
 * Measured: pickup (startWorker until the last bot is announced running: the first lease round), the first candle
 * (every bot's warm-up on the history),
 * bot-candles per second after it, decision latency p50/p99 (keel_decision_latency_seconds: its bucket bounds),
 * lag (when the last bot's equity point of candle k reached the bus, against the schedule start + k / speed),
 * rows inserted per second (equity points, decisions, orders, fills, audit rows) and the process RSS.
 * A second table: candles ingested through the market hub alone (poller normalising pages of candles, live feed,
 * dispatch to N subscribers) against the design figure (1 M/min) and the target (10 M/min).
 *
 * Needs DATABASE_URL; it uses (and first drops) the database `<name>_worker_scale` beside it. KEEL_BENCH_BOTS
 * changes the number of bots (default 10,000; 10 per user).
 */
import { randomUUID } from 'node:crypto';
import { loadCandlesCsv } from '@keel/core/market/csv.ts';
import { type Candle, type CandleSeries, candleAt, sliceSeries } from '@keel/core/market/types.ts';
import { type AgentConfig, createDatabase, type Database } from '@keel/db';
import { inProcessBus, type StreamBus } from '@keel/realtime';
import postgres from 'postgres';
import { dataFile } from '../packages/core/test/shared-data.ts';
import { silentLogger } from '../worker/src/logger.ts';
import type { CandleFetcher } from '../worker/src/market/candle-fetcher.ts';
import type { CandleSource } from '../worker/src/market/candle-source.ts';
import { ClosedCandlePoller } from '../worker/src/market/closed-candle-poller.ts';
import { LiveFeed } from '../worker/src/market/live-feed.ts';
import { MarketHub } from '../worker/src/market/market-hub.ts';
import { ReplayFeed, type ReplaySpeed } from '../worker/src/market/replay-feed.ts';
import { startWorker } from '../worker/src/worker.ts';
import { formatRate, printTable, verdict } from './table.ts';

const BOTS = Number(process.env.KEEL_BENCH_BOTS ?? 10_000);
const BOTS_PER_USER = 10;
/** Past the feature engine's 649-candle warm-up (core agents/warmup.ts). */
const WARMUP_CANDLES = 700;
const MAX_RUN_CANDLES = 20;
const FIXED_RUN_CANDLES = 60;
/** The fixed-speed run's share of the speed the ensemble sustained at full speed. */
const FIXED_SPEED_SHARE = 0.7;
const MINUTE_MS = 60_000;
const DECISION_P99_TARGET_MS = 1;
const INGEST_TARGET_PER_MINUTE = 10_000_000;
const INGEST_DESIGN_PER_MINUTE = 1_000_000;
const INGEST_REPEATS = 3;
/** A run fails when no candle completes for this long (the first one includes every bot's warm-up). */
const STALL_MS = 5 * MINUTE_MS;
/**
 * One worker, so the lease length changes nothing but this: without the group commit, a candle queues 10,000
 * transactions in the pool and the heartbeat waits behind them longer than the default 30 s lease (bots lost and
 * restarted mid-run, joining the replay late). The baseline needs the long lease to finish at all.
 */
const BENCH_LEASE_MS = 10 * MINUTE_MS;
const SMA_CROSS: AgentConfig[] = [{ name: 'sma-cross', fast: 5, slow: 20 }];
const ENSEMBLE: AgentConfig[] = [];

interface RunConfig {
  name: string;
  agents: AgentConfig[];
  groupCommit: boolean;
  speed: ReplaySpeed;
  candles: number;
}

interface RunResult {
  pickupSeconds: number;
  firstCandleSeconds: number;
  /** Bot-candles per second after the first (warm-up) candle. */
  botCandlesPerSecond: number;
  /** Candles per second of the market (each to every bot) after the first candle. */
  marketCandlesPerSecond: number;
  decisionP50Ms: number;
  decisionP99Ms: number;
  lagStartSeconds: number | null;
  lagEndSeconds: number | null;
  rowsPerSecond: number;
  /** The worker process's CPU time over wall time after the first candle: 1 = one core busy throughout. */
  workerCpuShare: number;
  rssMb: number;
  /** worker.stop(): every bot drained, reported stopped and its lease released. */
  stopSeconds: number;
}

/** A database of its own beside DATABASE_URL's, dropped first: no bot of another run may join this one. */
async function scaleDatabaseUrl(url: string): Promise<string> {
  const target = new URL(url);
  const name = `${target.pathname.slice(1) || 'postgres'}_worker_scale`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  target.pathname = `/${name}`;
  return target.toString();
}

async function createUsers(db: Database, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(await db.asService((tx) => tx.users.create({ email: `scale-${i}-${randomUUID()}@bench.test` })));
  }
  return ids;
}

/** BOTS_PER_USER running paper bots per user on BTC-USDT 1m, in one statement per 500 users. */
async function createBots(db: Database, userIds: string[], agents: AgentConfig[], label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let from = 0; from < userIds.length; from += 500) {
    const rows = await db.asService((tx) =>
      tx.query(
        `insert into public.bots (user_id, name, exchange, symbols, timeframe, mode, agents, desired_state)
         select u.id, $2 || ' ' || g, 'binance', array['BTC-USDT'], '1m', 'paper', $3::text::jsonb, 'running'
         from unnest($1::uuid[]) u(id) cross join generate_series(1, $4::int) g
         returning id`,
        [
          userIds.slice(from, from + 500),
          `${label} ${randomUUID().slice(0, 8)}`,
          JSON.stringify(agents),
          BOTS_PER_USER,
        ],
      ),
    );
    for (const row of rows) ids.push(String(row.id));
  }
  return ids;
}

/** The slice replayed: WARMUP_CANDLES of history, then `candles` delivered at `speed`. */
function replaySource(series: CandleSeries, speed: ReplaySpeed): CandleSource {
  return {
    description: `BTC-USDT 1m, ${series.length - WARMUP_CANDLES} candles after ${WARMUP_CANDLES} of warm-up`,
    candles: () => null,
    liveFeed(symbol, timeframe) {
      if (symbol !== 'BTC-USDT' || timeframe !== '1m') throw new Error(`no candles for ${symbol} ${timeframe}`);
      return new ReplayFeed(series, speed, { firstIndex: WARMUP_CANDLES });
    },
  };
}

/**
 * From the bus (performance.now ms): when the last bot was announced running (the pickup), and when the last bot's
 * equity point of each candle arrived, by candle open time.
 */
function candleCompletions(bus: StreamBus, userIds: string[], bots: number) {
  const seen = new Map<number, number>();
  const completedAt = new Map<number, number>();
  /** This process's CPU time (µs, user + system) when each candle completed. */
  const cpuAt = new Map<number, number>();
  let announcedRunning = 0;
  const pickup = { doneAt: Number.NaN };
  const unsubscribes = userIds.map((userId) =>
    bus.subscribe(userId, (message) => {
      if (message.channel === 'bots' && (message.data as { state: string }).state === 'running') {
        if (++announcedRunning === bots) pickup.doneAt = performance.now();
      }
      if (message.channel !== 'equity') return;
      const time = Date.parse(String((message.data as { time: string }).time));
      const count = (seen.get(time) ?? 0) + 1;
      seen.set(time, count);
      if (count === bots) {
        completedAt.set(time, performance.now());
        const cpu = process.cpuUsage();
        cpuAt.set(time, cpu.user + cpu.system);
      }
    }),
  );
  return {
    completedAt,
    cpuAt,
    pickup,
    stop: () => {
      for (const unsubscribe of unsubscribes) unsubscribe();
    },
  };
}

/** The upper bound of the histogram bucket holding quantile `q`, in ms. */
function bucketQuantileMs(buckets: { le: number; count: number }[], q: number): number {
  const total = buckets.at(-1)?.count ?? 0;
  const bucket = buckets.find((b) => b.count >= q * total);
  return (bucket?.le ?? Number.POSITIVE_INFINITY) * 1000;
}

async function rowsWrittenSince(db: Database, botIds: string[], since: Date, afterCandleMs: number): Promise<number> {
  const [row] = await db.asService((tx) =>
    tx.query(
      `select (select count(*) from public.equity_snapshots where bot_id = any($1::uuid[]) and time > $3)
            + (select count(*) from public.decisions where bot_id = any($1::uuid[]) and time > $3)
            + (select count(*) from public.orders where bot_id = any($1::uuid[]) and created_at >= $2)
            + (select count(*) from public.fills where bot_id = any($1::uuid[]) and time > $3)
            + (select count(*) from public.audit_log where occurred_at >= $2) as rows`,
      [botIds, since.toISOString(), new Date(afterCandleMs).toISOString()],
    ),
  );
  return Number(row?.rows ?? 0);
}

/** A graceful stop leaves no bot running and no lease held: the stop time counts only if it did the whole job. */
async function assertAllReleased(db: Database, botIds: string[], runName: string): Promise<void> {
  const [row] = await db.asService((tx) =>
    tx.query(
      `select count(*) filter (where lease_owner is not null)::int as held,
              count(*) filter (where state <> 'stopped')::int as not_stopped
       from public.bots where id = any($1::uuid[])`,
      [botIds],
    ),
  );
  if (row?.held !== 0 || row?.not_stopped !== 0) {
    throw new Error(`${runName}: after stop, ${row?.held} leases held and ${row?.not_stopped} bots not stopped`);
  }
}

interface Run {
  config: RunConfig;
  result: RunResult;
}

async function runBots(db: Database, userIds: string[], series: CandleSeries, config: RunConfig): Promise<Run> {
  const slice = sliceSeries(series, 0, WARMUP_CANDLES + config.candles);
  const botIds = await createBots(db, userIds, config.agents, config.name);
  const bus = inProcessBus();
  const completions = candleCompletions(bus, userIds, botIds.length);
  const pickupStarted = performance.now();
  const worker = await startWorker({
    database: db,
    bus,
    logger: silentLogger,
    dataDir: '',
    source: replaySource(slice, config.speed),
    replaySpeed: config.speed,
    workerId: `bench-${randomUUID()}`,
    groupCommit: config.groupCommit,
    leaseMs: BENCH_LEASE_MS,
    env: { WORKER_PORT: 'off' },
  });
  // startWorker returns after its first lease round, which started every bot it could claim, and began the replay.
  const replayStarted = completions.pickup.doneAt;
  const running = worker.runningBots().length;
  if (running !== botIds.length) throw new Error(`${running} of ${botIds.length} bots running after the first round`);
  const times = Array.from(slice.time.subarray(WARMUP_CANDLES));
  const lastTime = times.at(-1) as number;
  let completed = 0;
  let progressAt = Date.now();
  while (!completions.completedAt.has(lastTime)) {
    if (completions.completedAt.size > completed) {
      completed = completions.completedAt.size;
      progressAt = Date.now();
    }
    if (Date.now() - progressAt > STALL_MS) {
      throw new Error(
        `${config.name}: no candle completed for ${STALL_MS / 1000} s (${completed} of ${times.length} done, ` +
          `${worker.runningBots().length} bots running)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  const done = times.map((time) => completions.completedAt.get(time) as number);
  const first = done[0] as number;
  const steadySeconds = ((done.at(-1) as number) - first) / 1000;
  const steadyCandles = times.length - 1;
  const buckets = (await worker.metrics.decisionLatency.get()).values
    .filter((value) => value.metricName?.endsWith('_bucket'))
    .map((value) => ({
      le: value.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(value.labels.le),
      count: value.value,
    }))
    .sort((a, b) => a.le - b.le);
  const firstCandleWall = new Date(Date.now() - (performance.now() - first));
  const rows = await rowsWrittenSince(db, botIds, firstCandleWall, times[0] as number);
  let lagStartSeconds: number | null = null;
  let lagEndSeconds: number | null = null;
  if (config.speed !== 'max') {
    // The replay's schedule starts when the first candle (the warm-up) is handled: candle k is due k periods later.
    const periodMs = 1000 / config.speed;
    const lags = done.map((at, k) => (at - (first + k * periodMs)) / 1000);
    const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
    lagStartSeconds = mean(lags.slice(1, 6));
    lagEndSeconds = mean(lags.slice(-5));
  }
  const stopStarted = performance.now();
  await worker.stop();
  const stopSeconds = (performance.now() - stopStarted) / 1000;
  await assertAllReleased(db, botIds, config.name);
  completions.stop();
  await db.asService((tx) =>
    tx.query(`update public.bots set desired_state = 'stopped' where id = any($1::uuid[])`, [botIds]),
  );
  const result = {
    pickupSeconds: (replayStarted - pickupStarted) / 1000,
    firstCandleSeconds: (first - replayStarted) / 1000,
    botCandlesPerSecond: (steadyCandles * botIds.length) / steadySeconds,
    marketCandlesPerSecond: steadyCandles / steadySeconds,
    decisionP50Ms: bucketQuantileMs(buckets, 0.5),
    decisionP99Ms: bucketQuantileMs(buckets, 0.99),
    lagStartSeconds,
    lagEndSeconds,
    rowsPerSecond: rows / steadySeconds,
    workerCpuShare:
      ((completions.cpuAt.get(lastTime) as number) - (completions.cpuAt.get(times[0] as number) as number)) /
      1e6 /
      steadySeconds,
    rssMb,
    stopSeconds,
  };
  // Each run as it ends: a long benchmark that fails later still leaves its measurements.
  console.log(`worker-scale: ${config.name} at ${speedLabel(config.speed)}: ${JSON.stringify(result)}`);
  return { config, result };
}

function speedLabel(speed: ReplaySpeed): string {
  return speed === 'max' ? 'max' : `${speed.toFixed(2)}/s = ${Math.round(speed * 60)}× real time`;
}

function lagLabel(result: RunResult): string {
  if (result.lagStartSeconds === null || result.lagEndSeconds === null) return '-';
  return `${result.lagStartSeconds.toFixed(2)} → ${result.lagEndSeconds.toFixed(2)} s`;
}

/** A venue that has the whole series: pages of `limit` candles from `sinceMs`, as a REST klines call returns them. */
function seriesFetcher(series: CandleSeries): CandleFetcher {
  return {
    name: 'memory:BTC-USDT_1m.csv',
    async fetchCandles({ sinceMs, untilMs, limit }) {
      let from = 0;
      while (from < series.length && (series.time[from] as number) < sinceMs) from++;
      const page: Candle[] = [];
      for (let i = from; i < series.length && page.length < limit; i++) {
        if (untilMs !== undefined && (series.time[i] as number) > untilMs) break;
        page.push(candleAt(series, i));
      }
      return page;
    },
  };
}

/**
 * Candles per minute through the market hub alone: a live feed (ClosedCandlePoller: pages, closed-only, order and
 * gap checks; LiveFeed: append, dispatch) handing each candle to `subscribers` listeners that return at once.
 */
async function ingestThroughHub(series: CandleSeries, subscribers: number): Promise<number> {
  const firstOpenMs = series.time[0] as number;
  const afterLastMs = (series.time[series.length - 1] as number) + 2 * MINUTE_MS;
  let released = false;
  const source: CandleSource = {
    description: 'the BTC-USDT 1m file as a venue',
    candles: () => null,
    liveFeed: (symbol, timeframe) =>
      new LiveFeed({
        poller: new ClosedCandlePoller({
          symbol,
          timeframe,
          fetchers: [seriesFetcher(series)],
          firstOpenMs,
          logger: silentLogger,
          // The first poll is the feed's history (nothing closed yet); the next finds every candle closed.
          now: () => (released ? afterLastMs : firstOpenMs),
        }),
        logger: silentLogger,
        pollMs: 1,
      }),
  };
  const hub = new MarketHub(source, 'max');
  let delivered = 0;
  const total = series.length * subscribers;
  let finished: () => void = () => {};
  const allDelivered = new Promise<void>((resolve) => {
    finished = resolve;
  });
  for (let s = 0; s < subscribers; s++) {
    hub.subscribe('BTC-USDT', '1m', async () => {
      if (++delivered === total) finished();
    });
  }
  hub.start();
  released = true;
  const started = performance.now();
  await allDelivered;
  const seconds = (performance.now() - started) / 1000;
  await hub.stop();
  return (series.length / seconds) * 60;
}

/** The baseline: the same candles handed to the same listeners in a plain loop (no poller, no feed). */
async function ingestBare(series: CandleSeries, subscribers: number): Promise<number> {
  let delivered = 0;
  const listeners = Array.from({ length: subscribers }, () => async (_candle: Candle) => {
    delivered++;
  });
  const started = performance.now();
  for (let i = 0; i < series.length; i++) {
    const candle = candleAt(series, i);
    await Promise.all(listeners.map((listener) => listener(candle)));
  }
  const seconds = (performance.now() - started) / 1000;
  if (delivered !== series.length * subscribers) throw new Error('bare loop lost deliveries');
  return (series.length / seconds) * 60;
}

/** The highest of INGEST_REPEATS rates: the least disturbed measurement on a shared machine. */
async function bestOf(measure: () => Promise<number>): Promise<number> {
  let best = 0;
  for (let r = 0; r < INGEST_REPEATS; r++) best = Math.max(best, await measure());
  return best;
}

async function ingestionTable(series: CandleSeries): Promise<void> {
  const rows: string[][] = [];
  for (const [subscribers, candles] of [
    [1, series.length],
    [100, 10_000],
    [10_000, 200],
  ] as const) {
    const slice = sliceSeries(series, 0, candles);
    const bare = await bestOf(() => ingestBare(slice, subscribers));
    const hub = await bestOf(() => ingestThroughHub(slice, subscribers));
    const perMinute = (value: number) => `${(value / 1e6).toFixed(2)} M`;
    rows.push([
      `${subscribers} subscriber${subscribers === 1 ? '' : 's'}, ${candles} candles`,
      perMinute(bare),
      perMinute(hub),
      `${(hub / bare).toFixed(2)}×`,
      formatRate((hub / 60) * subscribers),
      verdict(hub >= INGEST_TARGET_PER_MINUTE),
    ]);
  }
  printTable(
    `Candle ingestion through the market hub alone (ClosedCandlePoller + LiveFeed + dispatch; real BTC-USDT 1m ` +
      `candles served from memory: no network, no ccxt parsing). Baseline: the same candles to the same listeners ` +
      `in a plain loop. Best of ${INGEST_REPEATS}. Design figure ${INGEST_DESIGN_PER_MINUTE / 1e6} M/min, target ≥ ${INGEST_TARGET_PER_MINUTE / 1e6} M/min.`,
    ['case', 'baseline candles/min', 'hub candles/min', 'hub ÷ baseline', 'deliveries', 'target ≥ 10 M/min'],
    rows,
  );
}

export async function benchWorkerScale(): Promise<void> {
  const series = loadCandlesCsv(dataFile('BTC-USDT_1m.csv'));
  await ingestionTable(series);
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.log(
      '\nWorker at scale: skipped — DATABASE_URL is not set. Start a throwaway PostgreSQL with ' +
        '`bash scripts/services.sh start && eval "$(bash scripts/services.sh env)"` (SVC_DIR/PG_PORT for a private one).',
    );
    return;
  }
  const db = await createDatabase({ url: await scaleDatabaseUrl(url), maxConnections: 10 });
  try {
    await db.migrate();
    const users = Math.ceil(BOTS / BOTS_PER_USER);
    const userIds = await createUsers(db, users);
    const bots = users * BOTS_PER_USER;
    const run = (name: string, agents: AgentConfig[], groupCommit: boolean, speed: ReplaySpeed, candles: number) =>
      runBots(db, userIds, series, { name, agents, groupCommit, speed, candles });
    const smaAlone = await run('sma-cross, a transaction per candle', SMA_CROSS, false, 'max', MAX_RUN_CANDLES);
    const smaGrouped = await run('sma-cross, group commit', SMA_CROSS, true, 'max', MAX_RUN_CANDLES);
    const ensembleGrouped = await run('ensemble, group commit', ENSEMBLE, true, 'max', MAX_RUN_CANDLES);
    const fixedSpeed = Math.max(
      1 / 60,
      Math.floor(ensembleGrouped.result.marketCandlesPerSecond * FIXED_SPEED_SHARE * 100) / 100,
    );
    const ensembleFixed = await run('ensemble, group commit', ENSEMBLE, true, fixedSpeed, FIXED_RUN_CANDLES);
    const rows: [Run, Run][] = [
      [smaAlone, smaAlone],
      [smaGrouped, smaAlone],
      [ensembleGrouped, smaAlone],
      [ensembleFixed, smaAlone],
    ];
    printTable(
      `Worker at scale — ${bots} paper bots (${users} users × ${BOTS_PER_USER}) in one worker process, PostgreSQL at ` +
        `${new URL(url).host}, real BTC-USDT 1m candles after ${WARMUP_CANDLES} of warm-up. Baseline: sma-cross ` +
        'with a transaction per candle (no group commit), same run. Decision latency: ' +
        'keel_decision_latency_seconds bucket bounds. Lag: last equity point of a candle on the bus vs. the ' +
        'schedule, mean of the first vs. the last 5 candles. Stop: worker.stop() until every bot is drained, ' +
        'reported stopped and its lease released (checked).',
      [
        'run',
        'speed',
        'candles/bot',
        'pickup s',
        'first candle s',
        'bot-candles/s',
        '× baseline',
        'p50 ms',
        'p99 ms',
        'p99 < 1 ms',
        'lag start → end',
        'rows/s',
        'worker CPU',
        'RSS MB',
        'stop s',
      ],
      rows.map(([{ config, result }, baseline]) => [
        config.name,
        speedLabel(config.speed),
        String(config.candles),
        result.pickupSeconds.toFixed(1),
        result.firstCandleSeconds.toFixed(1),
        formatRate(result.botCandlesPerSecond),
        `${(result.botCandlesPerSecond / baseline.result.botCandlesPerSecond).toFixed(2)}×`,
        `≤ ${result.decisionP50Ms.toFixed(3)}`,
        `≤ ${result.decisionP99Ms.toFixed(3)}`,
        verdict(result.decisionP99Ms <= DECISION_P99_TARGET_MS),
        lagLabel(result),
        formatRate(result.rowsPerSecond),
        `${(result.workerCpuShare * 100).toFixed(0)} %`,
        result.rssMb.toFixed(0),
        result.stopSeconds.toFixed(1),
      ]),
    );
  } finally {
    await db.close();
  }
}
