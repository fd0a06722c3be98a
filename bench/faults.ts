/**
 * Faults against the running stack (`npm run bench -- faults`): real processes — PostgreSQL, Redis and
 * VictoriaMetrics of the benchmark's own (bench/stack/own-services.ts), one worker process (`start:worker`, Redis
 * stream bus and hot tier, VictoriaMetrics as the cold tier) with paper bots replaying real BTC 1h candles, plus a
 * live bot on the loopback Binance simulator for the exchange scenario. Each scenario gets fresh bots and a fresh
 * worker, restarted if it exits as deploy/compose.yaml would (bench/stack/supervisor.ts); mid-run one part fails
 * for FAULT_MS and comes back:
 *   none (baseline) · PostgreSQL restart · the same followed by a worker restart · Redis restart · VictoriaMetrics
 *   down then up · exchange 429/503/timeouts.
 * Reported per scenario: equity points booked vs one per bot and candle (lost), rows recorded twice, bots not
 * running at the end (by state), stream messages lost (equity points in PostgreSQL not received by a Redis subscriber)
 * and received twice (the same bot and point time again), time-series points
 * lost (equity points in PostgreSQL missing from VictoriaMetrics after the worker's flush), for the live bot
 * duplicate client order ids at the exchange and fills ≠ exchange trades, and the recovery time: from the part
 * being back to the first successful write through it; the worker's unexpected exits, with their last error.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database } from '../packages/db/src/index.ts';
import { redisBus, type StreamBus } from '../packages/realtime/src/index.ts';
import type { BinanceSimulator } from '../worker/test/exchange-simulator/binance-simulator.ts';
import { newLiveBot, newSimulator, TEST_MASTER_KEY } from '../worker/test/live-fixtures.ts';
import { exportSamples } from '../worker/test/market-data/own-services.ts';
import { markdownTable, writeResultsSection } from './results-file.ts';
import { createFleet, stopAllBots } from './stack/bot-fleet.ts';
import { candleSlice } from './stack/candle-slice.ts';
import { botStates, equityBooked, equityPointCount, recorded } from './stack/fleet-ledger.ts';
import { START_WORKER, spawnNode } from './stack/node-process.ts';
import { type OwnServices, startOwnServices } from './stack/own-services.ts';
import { type Supervised, supervise } from './stack/supervisor.ts';
import { printTable } from './table.ts';

const PAPER_BOTS = 20;
const CANDLES = 150;
/** Candles per second: the run lasts CANDLES / REPLAY_SPEED seconds. */
const REPLAY_SPEED = 10;
const FAULT_AT_CANDLE = 30;
const FAULT_MS = 3_000;
const LEASE_MS = 5_000;
const POLL_MS = 500;
const PROBE_MS = 100;
const RECOVERY_TIMEOUT_MS = 60_000;
/** The run is over when no equity point was booked for this long (a stalled bot never books again). */
const STALL_MS = 8_000;
const AGENTS = [{ name: 'trend-follower', fast: 5, slow: 20 }];

interface Stack {
  services: OwnServices;
  database: Database;
  simulator: BinanceSimulator;
  dataDir: string;
  /** Where each run's worker keeps its time-series buffer (INFLUX_BUFFER_DIR). */
  bufferRoot: string;
}

interface Run {
  botIds: string[];
  userId: string;
  liveBotId: string | null;
  /** The worker process, restarted when it exits on its own (as in deploy/compose.yaml). */
  worker: Supervised;
  /** Equity points a Redis subscriber received (distinct: bot and point time), repeats, when the last arrived. */
  stream: { points: Set<string>; twice: number; lastAtMs: number };
  listener: StreamBus;
}

interface Scenario {
  name: string;
  fault: string;
  live?: boolean;
  inject(stack: Stack): Promise<void>;
  heal(stack: Stack, run: Run): Promise<void>;
  /** Resolves when a write through the healed part succeeded after `sinceMs`. */
  recovered(stack: Stack, run: Run, sinceMs: number): Promise<boolean>;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** null while the probe fails (the database may be down): probes run through faults. */
async function attempt<T>(probe: () => Promise<T>): Promise<T | null> {
  try {
    return await probe();
  } catch {
    return null;
  }
}

async function until(probe: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await attempt(probe)) === true) return true;
    await sleep(PROBE_MS);
  }
  return false;
}

function equitySelector(botIds: string[]): string {
  return `equity_equity_quote{bot_id=~"${botIds.join('|')}"}`;
}

async function timeSeriesPoints(victoriaUrl: string, botIds: string[]): Promise<number> {
  const series = await exportSamples(victoriaUrl, equitySelector(botIds));
  return series.reduce((sum, one) => sum + one.values.length, 0);
}

const scenarios: Scenario[] = [
  {
    name: 'none (baseline)',
    fault: '—',
    inject: async () => {},
    heal: async () => {},
    recovered: async () => true,
  },
  {
    name: 'PostgreSQL restart',
    fault: 'pg_ctl stop -m fast, start',
    inject: (stack) => stack.services.down('pg'),
    heal: (stack) => stack.services.up('pg'),
    async recovered(stack, run) {
      const before = await equityPointCount(stack.database, run.botIds);
      return until(async () => (await equityPointCount(stack.database, run.botIds)) > before, RECOVERY_TIMEOUT_MS);
    },
  },
  {
    name: 'PostgreSQL restart, worker restarted',
    fault: 'as above, then the worker process restarted',
    inject: (stack) => stack.services.down('pg'),
    async heal(stack, run) {
      await stack.services.up('pg');
      await run.worker.restart();
    },
    async recovered(stack, run) {
      const before = await equityPointCount(stack.database, run.botIds);
      return until(async () => (await equityPointCount(stack.database, run.botIds)) > before, RECOVERY_TIMEOUT_MS);
    },
  },
  {
    name: 'Redis restart',
    fault: 'redis-server stopped, started empty',
    inject: (stack) => stack.services.down('redis'),
    heal: (stack) => stack.services.up('redis'),
    recovered: (_, run, sinceMs) => until(async () => run.stream.lastAtMs > sinceMs, RECOVERY_TIMEOUT_MS),
  },
  {
    name: 'VictoriaMetrics down, up',
    fault: 'time-series store stopped, started on its data',
    inject: (stack) => stack.services.down('vm'),
    heal: (stack) => stack.services.up('vm'),
    async recovered(stack, run) {
      const before = await timeSeriesPoints(stack.services.victoriaUrl, run.botIds);
      return until(
        async () => (await timeSeriesPoints(stack.services.victoriaUrl, run.botIds)) > before,
        RECOVERY_TIMEOUT_MS,
      );
    },
  },
  {
    name: 'exchange errors (live bot)',
    fault: 'order endpoint: 429, 503, timeout in turn',
    live: true,
    async inject(stack) {
      const faults = Array.from({ length: 30 }, (_, i) =>
        i % 3 === 0
          ? ({ kind: 'rate-limit', retryAfterSeconds: 1 } as const)
          : i % 3 === 1
            ? ({ kind: 'server-error' } as const)
            : ({ kind: 'timeout' } as const),
      );
      stack.simulator.inject('POST /api/v3/order', ...faults);
    },
    heal: async (stack) => stack.simulator.clearFaults(),
    recovered(stack) {
      const before = stack.simulator.account.orders.length;
      return until(async () => stack.simulator.account.orders.length > before, RECOVERY_TIMEOUT_MS);
    },
  },
];

async function startRun(stack: Stack, scenario: Scenario): Promise<Run> {
  await stopAllBots(stack.database);
  const fleet = await createFleet(stack.database, {
    users: 1,
    botsPerUser: PAPER_BOTS,
    symbol: 'BTC-USDT',
    timeframe: '1h',
    agents: AGENTS,
    label: 'faults',
  });
  const userId = fleet.userIds[0] as string;
  const liveBotId = scenario.live
    ? (await newLiveBot(stack.database, userId, { desiredState: 'running', fast: 2, slow: 4 })).botId
    : null;
  const botIds = liveBotId === null ? fleet.botIds : [...fleet.botIds, liveBotId];
  const stream = { points: new Set<string>(), twice: 0, lastAtMs: 0 };
  const listener = redisBus({ url: stack.services.redisUrl });
  listener.subscribe(userId, (message) => {
    if (message.channel !== 'equity') return;
    const point = `${message.botId} ${JSON.stringify((message.data as { time: unknown }).time)}`;
    if (stream.points.has(point)) stream.twice++;
    else stream.points.add(point);
    stream.lastAtMs = Date.now();
  });
  await listener.ready();
  const workerEnv = {
    ...process.env,
    DATABASE_URL: stack.services.databaseUrl,
    REDIS_URL: stack.services.redisUrl,
    INFLUX_URL: stack.services.victoriaUrl,
    INFLUX_TOKEN: 'bench',
    INFLUX_ORG: 'keel',
    INFLUX_BUCKET: 'keel',
    INFLUX_BUFFER_DIR: mkdtempSync(join(stack.bufferRoot, 'run-')),
    KEEL_DATA_DIR: stack.dataDir,
    KEEL_REPLAY_SPEED: String(REPLAY_SPEED),
    KEEL_WORKER_ID: `faults-${randomUUID().slice(0, 8)}`,
    KEEL_LEASE_MS: String(LEASE_MS),
    KEEL_POLL_MS: String(POLL_MS),
    WORKER_PORT: 'off',
    LOG_LEVEL: 'error',
    ...(scenario.live
      ? { KEEL_MASTER_KEY: TEST_MASTER_KEY, KEEL_MASTER_KEY_ID: 'k1', KEEL_EXCHANGE_URL_BINANCE: stack.simulator.url }
      : {}),
  };
  const worker = supervise(() => spawnNode(`worker (${scenario.name})`, START_WORKER, workerEnv));
  return { botIds, userId, liveBotId, worker, stream, listener };
}

interface Outcome {
  scenario: Scenario;
  expectedPoints: number;
  points: number;
  botsShort: number;
  duplicates: number;
  /** Bots per state other than running at the end of the run, e.g. "error 14". */
  botsNotRunning: string;
  ordersFillsMismatched: number;
  streamLost: number;
  streamTwice: number;
  timeSeriesLost: number;
  venueDuplicateIds: number | null;
  fillsNotTrades: number | null;
  recoveryMs: number | null;
  workerExits: string[];
}

/** Waits until every bot booked every candle, or nothing was booked for STALL_MS. */
async function runToEnd(stack: Stack, run: Run): Promise<void> {
  const expected = run.botIds.length * CANDLES;
  let last = -1;
  let lastChangeAt = Date.now();
  for (;;) {
    const points = (await attempt(() => equityPointCount(stack.database, run.botIds))) ?? last;
    if (points >= expected) return;
    if (points !== last) {
      last = points;
      lastChangeAt = Date.now();
    } else if (Date.now() - lastChangeAt > STALL_MS) return;
    await sleep(500);
  }
}

function liveChecks(stack: Stack, fills: { clientOrderId: string; tradeId: string }[]) {
  const orders = stack.simulator.account.orders;
  const ids = orders.map((order) => order.clientOrderId);
  const trades = stack.simulator.account.trades.map((trade) => {
    const order = orders.find((candidate) => candidate.orderId === trade.orderId);
    return `${order?.clientOrderId}/${trade.id}`;
  });
  const recordedFills = new Set(fills.map((fill) => `${fill.clientOrderId}/${fill.tradeId}`));
  const missing = trades.filter((trade) => !recordedFills.has(trade)).length;
  const extra = [...recordedFills].filter((fill) => !trades.includes(fill)).length;
  return { venueDuplicateIds: ids.length - new Set(ids).size, fillsNotTrades: missing + extra };
}

async function runScenario(stack: Stack, scenario: Scenario): Promise<Outcome> {
  stack.simulator.clearFaults();
  const run = await startRun(stack, scenario);
  const booted = await until(
    async () => (await equityPointCount(stack.database, run.botIds)) >= run.botIds.length * FAULT_AT_CANDLE,
    120_000,
  );
  if (!booted) throw new Error(`${scenario.name}: the bots did not start\n${run.worker.current().output()}`);
  await scenario.inject(stack);
  await sleep(FAULT_MS);
  await scenario.heal(stack, run);
  const healedAt = Date.now();
  const recovered = await scenario.recovered(stack, run, healedAt);
  const recoveryMs = recovered ? Date.now() - healedAt : null;
  await runToEnd(stack, run);

  const states = await botStates(stack.database, run.botIds);
  await run.worker.stop(); // a graceful stop flushes the time-series buffer
  const booked = await equityBooked(stack.database, run.botIds, CANDLES);
  // The worker's last messages may still be on their way to the listener (through Redis, asynchronously).
  for (let i = 0; i < 20 && run.stream.points.size < booked.points; i++) await sleep(100);
  await run.listener.close();
  const rows = await recorded(stack.database, run.botIds);
  let timeSeries = 0;
  for (let i = 0; i < 50 && timeSeries < booked.points; i++) {
    timeSeries = await timeSeriesPoints(stack.services.victoriaUrl, run.botIds);
    if (timeSeries < booked.points) await sleep(200);
  }
  const live =
    run.liveBotId === null
      ? null
      : liveChecks(
          stack,
          await stack.database.asService((tx) => tx.fills.list({ botId: run.liveBotId as string, limit: 1000 })),
        );
  return {
    scenario,
    expectedPoints: run.botIds.length * CANDLES,
    points: booked.points,
    botsShort: booked.botsShort,
    duplicates: booked.doubled + rows.duplicates,
    botsNotRunning:
      [...states]
        .filter(([state]) => state !== 'running')
        .map(([state, bots]) => `${state} ${bots}`)
        .join(', ') || '0',
    ordersFillsMismatched: rows.fillsMismatched,
    streamLost: booked.points - run.stream.points.size,
    streamTwice: run.stream.twice,
    timeSeriesLost: booked.points - timeSeries,
    venueDuplicateIds: live?.venueDuplicateIds ?? null,
    fillsNotTrades: live?.fillsNotTrades ?? null,
    recoveryMs,
    workerExits: run.worker.exits,
  };
}

function rowOf(outcome: Outcome): string[] {
  const lost = outcome.expectedPoints - outcome.points;
  return [
    outcome.scenario.name,
    outcome.scenario.fault,
    `${outcome.points}/${outcome.expectedPoints}`,
    lost === 0 ? '0' : `${lost} (${outcome.botsShort} bots)`,
    String(outcome.duplicates),
    outcome.botsNotRunning,
    String(outcome.ordersFillsMismatched),
    String(outcome.streamLost),
    String(outcome.streamTwice),
    String(outcome.timeSeriesLost),
    outcome.venueDuplicateIds === null ? '—' : `${outcome.venueDuplicateIds} / ${outcome.fillsNotTrades}`,
    outcome.scenario.name.startsWith('none')
      ? '—'
      : outcome.recoveryMs === null
        ? `not within ${RECOVERY_TIMEOUT_MS / 1000} s`
        : `${(outcome.recoveryMs / 1000).toFixed(2)} s`,
    String(outcome.workerExits.length),
  ];
}

const HEADER = [
  'scenario',
  'fault',
  'equity points',
  'candles lost',
  'recorded twice',
  'bots not running',
  'filled w/o fill',
  'stream msgs lost',
  'stream msgs twice',
  'TS points lost',
  'venue dup ids / fills≠trades',
  'recovery',
  'worker restarts',
];

/** FAULTS_ONLY="<scenario name>" runs that scenario alone (printed only: RESULTS.md keeps the full table). */
function scenariosToRun(): Scenario[] {
  const only = process.env.FAULTS_ONLY;
  if (only === undefined || only === '') return scenarios;
  const chosen = scenarios.filter((scenario) => scenario.name === only);
  if (chosen.length === 0) {
    throw new Error(`FAULTS_ONLY: no scenario named "${only}" (${scenarios.map((s) => s.name).join(', ')})`);
  }
  return chosen;
}

export async function benchFaults(): Promise<void> {
  const services = await startOwnServices('faults');
  const database = await createDatabase({ url: services.databaseUrl, maxConnections: 4 });
  const simulator = newSimulator({ USDT: '1000000', BTC: '0' });
  const { dataDir } = candleSlice('BTC-USDT_1h.csv', CANDLES);
  const bufferRoot = mkdtempSync(join(tmpdir(), 'keel-bench-buffers-'));
  try {
    await database.migrate();
    await simulator.start();
    simulator.account.refuseDuplicateClientIds = false;
    const stack: Stack = { services, database, simulator, dataDir, bufferRoot };
    const outcomes: Outcome[] = [];
    for (const scenario of scenariosToRun()) {
      const outcome = await runScenario(stack, scenario);
      outcomes.push(outcome);
      console.log(`faults: ${scenario.name} done`);
    }
    const title = `faults: ${PAPER_BOTS} paper bots (+1 live bot on the exchange simulator in the exchange scenario), ${CANDLES} real BTC 1h candles at ${REPLAY_SPEED}/s, fault held ${FAULT_MS / 1000} s from candle ${FAULT_AT_CANDLE}; worker lease ${LEASE_MS} ms, round ${POLL_MS} ms`;
    const rows = outcomes.map(rowOf);
    printTable(title, HEADER, rows);
    const exits = outcomes.flatMap((outcome) =>
      outcome.workerExits.map((exit) => `- ${outcome.scenario.name}: the worker exited (${exit}) and was restarted`),
    );
    for (const exit of exits) console.log(exit);
    if (outcomes.length < scenarios.length) return;
    writeResultsSection(
      'faults',
      'Faults (`npm run bench -- faults`)',
      `${title}. Target: nothing lost, nothing twice. Recovery: from the part being back to the first write through it (an equity point in PostgreSQL, a stream message through Redis, a point in VictoriaMetrics, an order accepted by the exchange).\n\n${markdownTable(HEADER, rows)}\n\n${exits.join('\n')}`,
    );
  } finally {
    await stopAllBots(database).catch(() => {});
    await simulator.stop();
    await database.close();
    await services.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(bufferRoot, { recursive: true, force: true });
  }
}
