/**
 * The whole stack under load (`npm run bench -- load`): PostgreSQL and Redis of the benchmark's own, one edge
 * process (`start:edge`), LOAD_WORKERS worker processes (`start:worker`, sharing the bots through leases), and
 * LOAD_USERS users with LOAD_BOTS paper bots in all (made with batched SQL as the service role: bench/stack/
 * bot-fleet.ts) on real BTC-USDT 1-minute candles replayed at LOAD_SPEED × real time. Once every bot runs, for
 * LOAD_MINUTES candles, autocannon drives GET /v1/portfolio with a real user's token at LOAD_API_RATE requests/s
 * (default: one a second per user) and LOAD_WS_CLIENTS WebSocket clients (one per user) listen to their bots'
 * equity on /v1/stream. Reported: API throughput, p50/p99 and
 * errors; WebSocket messages received vs the equity points booked for their users; bot-candles per second vs the
 * rate the replay asks for; data lag (how far the booked candles trail the replay's schedule) at the start and end
 * of the window; memory of each process: its live heap after a full garbage collection at the window's start and
 * end (stack/heap-probe.ts: growth there is a leak, judge it on a long window, e.g. LOAD_MINUTES=600), and its RSS
 * sampled through the window after an HTTP warm-up (first and last quarter, peak: what the machine must have, which
 * includes the garbage V8 has not collected yet); bots in error. Defaults: the issue's
 * 1,000 users, 10,000 bots, 100×, 10 minutes, 1,000 clients.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { hmacKey, signHs256 } from '../edge/src/auth/jwt.ts';
import {
  createDatabase,
  type Database,
  generateMasterKey,
  generateTransportKeyPair,
} from '../packages/db/src/index.ts';
import { markdownTable, writeResultsSection } from './results-file.ts';
import { createFleet } from './stack/bot-fleet.ts';
import { candleSlice } from './stack/candle-slice.ts';
import { botStates } from './stack/fleet-ledger.ts';
import { sampleMemory } from './stack/memory-samples.ts';
import { type NodeProcess, START_EDGE, START_WORKER, spawnNode } from './stack/node-process.ts';
import { freePort, startOwnServices } from './stack/own-services.ts';
import { formatRate, printTable, verdict } from './table.ts';

const REPO_ROOT = resolve(import.meta.dirname, '..');
const JWT_SECRET = 'load-bench-secret-that-is-long-enough-for-hs256-0123456789';
const CANDLE_MS = 60_000;
const TARGET_SPEED = 100;
/** The issue's window: 10 minutes of candles. */
const DEFAULT_MINUTES = 10;
const MEMORY_SAMPLE_MS = 500;
/** HTTP load before the window, so the edge's warm-up (JIT, pool, caches) is not counted as memory growth. */
const WARM_UP_S = 3;
/** Progress probes count equity rows: not too often, they load the database being measured. */
const PROBE_MS = 1_000;
/** Time allowed for every bot to be picked up by the workers; the replay runs meanwhile, so the slice is longer. */
const PICKUP_BUDGET_S = 600;
const AUTOCANNON_CONNECTIONS = 32;
/**
 * The API load, in requests per second over all connections, by default one a second per user: every user's
 * dashboard asking for the portfolio each second (it gets live updates over the WebSocket besides). A fixed rate,
 * not as fast as autocannon goes: on 2 cores an unbounded load generator takes whatever CPU the worker leaves and
 * measures how the machine is shared, not the service (the API's own ceiling is `npm run bench -- edge`). At a
 * fixed rate autocannon also reports latencies without coordinated omission.
 */
const apiRate = (users: number) => positiveInteger('LOAD_API_RATE', users);
/**
 * Longer than the worker's default 30 s: the lease round that first starts 10,000 bots took over a minute here,
 * and leases that lapse during it are taken for lost (measured: nothing booked at all with 30 s).
 */
const DEFAULT_LEASE_MS = 180_000;
/**
 * Memory that keeps climbing: the live heap at the window's end above its start by more than this ratio. A steady
 * stack's live heap moved by ±5 % between probes here (bots' buffers filling, batches in flight).
 */
const LIVE_HEAP_GROWTH_LIMIT = 1.1;

interface LoadSettings {
  users: number;
  bots: number;
  speed: number;
  minutes: number;
  workers: number;
  wsClients: number;
  leaseMs: number;
  apiRate: number;
}

function positiveInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive whole number, got ${raw}`);
  return value;
}

/** Each process's live heap (MiB after a full collection), probed one process at a time so that pauses add up less. */
async function liveHeaps(processes: NodeProcess[]): Promise<(number | null)[]> {
  const heaps: (number | null)[] = [];
  for (const watched of processes) heaps.push(await watched.liveHeapMb());
  return heaps;
}

function liveHeapRow(label: string, start: number | null | undefined, end: number | null | undefined): string[] {
  if (start == null || end == null) {
    return [`live heap ${label} (after a full collection)`, 'no answer from the heap probe', '', verdict(false)];
  }
  const growth = end / start;
  return [
    `live heap ${label} (after a full collection)`,
    `${start.toFixed(0)} → ${end.toFixed(0)} MiB (×${growth.toFixed(2)})`,
    `growth ≤ ×${LIVE_HEAP_GROWTH_LIMIT}`,
    verdict(growth <= LIVE_HEAP_GROWTH_LIMIT),
  ];
}

function settingsFromEnv(): LoadSettings {
  const bots = positiveInteger('LOAD_BOTS', 10_000);
  const users = Math.min(bots, positiveInteger('LOAD_USERS', 1_000));
  if (bots % users !== 0) throw new Error(`LOAD_BOTS (${bots}) must be a multiple of LOAD_USERS (${users})`);
  return {
    users,
    bots,
    speed: positiveInteger('LOAD_SPEED', TARGET_SPEED),
    minutes: positiveInteger('LOAD_MINUTES', DEFAULT_MINUTES),
    workers: positiveInteger('LOAD_WORKERS', 1),
    wsClients: Math.min(users, positiveInteger('LOAD_WS_CLIENTS', 1_000)),
    leaseMs: positiveInteger('LOAD_LEASE_MS', DEFAULT_LEASE_MS),
    apiRate: apiRate(users),
  };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function accessToken(userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return signHs256(
    { sub: userId, role: 'authenticated', aud: 'authenticated', exp: now + 3600 },
    await hmacKey(JWT_SECRET),
  );
}

interface HttpLoad {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  failures: number;
}

function autocannon(url: string, token: string, seconds: number, rate: number): Promise<HttpLoad> {
  const args = ['-c', String(AUTOCANNON_CONNECTIONS), '-d', String(seconds), '-R', String(rate), '-j'];
  const child = spawn(
    join(REPO_ROOT, 'node_modules', '.bin', 'autocannon'),
    [...args, '-H', `authorization=Bearer ${token}`, url],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((done, fail) =>
    child.on('close', (status) => {
      if (status !== 0) return fail(new Error(`autocannon failed: ${stderr}`));
      const report = JSON.parse(stdout) as {
        requests: { average: number; total: number };
        latency: { p50: number; p99: number };
        non2xx: number;
        errors: number;
        timeouts: number;
      };
      done({
        rps: report.requests.average,
        p50: report.latency.p50,
        p99: report.latency.p99,
        requests: report.requests.total,
        failures: report.non2xx + report.errors + report.timeouts,
      });
    }),
  );
}

/** WebSocket clients in their own process (stack/equity-stream-clients.ts), one per token, on the equity channel. */
async function openStreams(wsUrl: string, tokens: string[]) {
  const clients = spawn(process.execPath, [join(import.meta.dirname, 'stack', 'equity-stream-clients.ts'), wsUrl], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const replies = createInterface({ input: clients.stdout });
  const nextLine = () => new Promise<string>((done) => replies.once('line', done));
  for (const token of tokens) clients.stdin.write(`${token}\n`);
  clients.stdin.write('open\n');
  await nextLine();
  return {
    /** Equity points received for candles opened after `candleMs`, and sockets closed so far. */
    async receivedAfter(candleMs: number): Promise<{ received: number; closed: number }> {
      clients.stdin.write(`after ${candleMs}\n`);
      return JSON.parse(await nextLine());
    },
    async close(): Promise<void> {
      clients.stdin.write('report\n');
      await nextLine();
    },
  };
}

/** Open time of the newest candle booked by any of the bots (ms), and how many equity points they have. */
async function booked(database: Database): Promise<{ newestMs: number; points: number }> {
  const [row] = await database.asService((tx) =>
    tx.query(
      `select coalesce(extract(epoch from max(time)) * 1000, 0)::float8 as newest, count(*)::int as points
       from public.equity_snapshots`,
    ),
  );
  return { newestMs: Number(row?.newest), points: Number(row?.points) };
}

async function equityPointsOfUsers(database: Database, userIds: string[], afterMs: number): Promise<number> {
  const [row] = await database.asService((tx) =>
    tx.query(
      'select count(*)::int as points from public.equity_snapshots where user_id = any($1::uuid[]) and time > $2',
      [userIds, new Date(afterMs)],
    ),
  );
  return Number(row?.points);
}

async function runningBots(database: Database): Promise<number> {
  return (await botStates(database, await allBotIds(database))).get('running') ?? 0;
}

async function allBotIds(database: Database): Promise<string[]> {
  const rows = await database.asService((tx) => tx.query('select id from public.bots'));
  return rows.map((row) => String(row.id));
}

async function waitForHealth(url: string, edge: NodeProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`${url}/v1/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    if (edge.child.exitCode !== null) break;
    await sleep(100);
  }
  throw new Error(`the edge did not come up\n${edge.output()}`);
}

export async function benchLoad(): Promise<void> {
  const settings = settingsFromEnv();
  const candlesPerSecond = settings.speed / 60;
  const slice = candleSlice('BTC-USDT_1m.csv', Math.ceil(PICKUP_BUDGET_S * candlesPerSecond) + settings.minutes + 5);
  const services = await startOwnServices('load');
  const database = await createDatabase({ url: services.databaseUrl, maxConnections: 4 });
  const processes: NodeProcess[] = [];
  try {
    await database.migrate();
    const setupStarted = performance.now();
    const fleet = await createFleet(database, {
      users: settings.users,
      botsPerUser: settings.bots / settings.users,
      symbol: 'BTC-USDT',
      timeframe: '1m',
      agents: [],
      label: 'load',
    });
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    const { privateKey } = await generateTransportKeyPair('load');
    const apiPort = await freePort();
    const edge = spawnNode(
      'edge',
      START_EDGE,
      {
        ...process.env,
        DATABASE_URL: services.databaseUrl,
        REDIS_URL: services.redisUrl,
        KEEL_JWT_SECRET: JWT_SECRET,
        KEEL_MASTER_KEY: generateMasterKey(),
        KEEL_MASTER_KEY_ID: 'k1',
        KEEL_TRANSPORT_PRIVATE_KEY: JSON.stringify({ ...privateKey.jwk, kid: privateKey.kid }),
        API_PORT: String(apiPort),
        API_HOST: '127.0.0.1',
        RATE_LIMIT_PER_IP: '100000000',
        RATE_LIMIT_PER_TOKEN: '100000000',
        LOG_LEVEL: 'warn',
      },
      { heapProbe: true },
    );
    processes.push(edge);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitForHealth(apiUrl, edge);

    const wsUsers = fleet.userIds.slice(0, settings.wsClients);
    const streams = await openStreams(
      apiUrl.replace('http', 'ws'),
      await Promise.all(wsUsers.map((userId) => accessToken(userId))),
    );

    const pickupStarted = performance.now();
    for (let i = 0; i < settings.workers; i++) {
      processes.push(
        spawnNode(
          `worker ${i + 1}`,
          START_WORKER,
          {
            ...process.env,
            DATABASE_URL: services.databaseUrl,
            REDIS_URL: services.redisUrl,
            KEEL_DATA_DIR: slice.dataDir,
            KEEL_REPLAY_SPEED: String(candlesPerSecond),
            KEEL_WORKER_ID: `load-${i + 1}-${randomUUID().slice(0, 6)}`,
            KEEL_POLL_MS: '1000',
            KEEL_LEASE_MS: String(settings.leaseMs),
            WORKER_PORT: 'off',
            LOG_LEVEL: 'warn',
          },
          { heapProbe: true },
        ),
      );
    }
    const pickupDeadline = performance.now() + PICKUP_BUDGET_S * 1000;
    let running = 0;
    while (running < settings.bots && performance.now() < pickupDeadline) {
      await sleep(1000);
      running = await runningBots(database);
      if (processes.some((started) => started.child.exitCode !== null)) break;
    }
    const pickupSeconds = (performance.now() - pickupStarted) / 1000;

    // The window: LOAD_MINUTES candles from the newest booked one, under HTTP and WebSocket load.
    const windowSeconds = settings.minutes / candlesPerSecond;
    const token = await accessToken(fleet.userIds[0] as string);
    await autocannon(`${apiUrl}/v1/portfolio`, token, WARM_UP_S, settings.apiRate);
    const liveHeapAtStart = await liveHeaps(processes);
    const start = await booked(database);
    const windowStarted = performance.now();
    const memory = sampleMemory(processes, MEMORY_SAMPLE_MS);
    const http = autocannon(`${apiUrl}/v1/portfolio`, token, Math.max(1, Math.round(windowSeconds)), settings.apiRate);
    const lagSamples: number[] = [];
    const windowEndMs = start.newestMs + settings.minutes * CANDLE_MS;
    let now = start;
    while (performance.now() - windowStarted < windowSeconds * 1000 * 4) {
      await sleep(PROBE_MS);
      now = await booked(database);
      const scheduledMs = start.newestMs + ((performance.now() - windowStarted) / 1000) * candlesPerSecond * CANDLE_MS;
      lagSamples.push(Math.max(0, scheduledMs - now.newestMs) / CANDLE_MS / candlesPerSecond);
      if (now.newestMs >= windowEndMs && performance.now() - windowStarted >= windowSeconds * 1000) break;
    }
    const elapsedSeconds = (performance.now() - windowStarted) / 1000;
    const api = await http;
    const memorySummaries = memory.stop();
    const liveHeapAtEnd = await liveHeaps(processes);
    const states = await botStates(database, fleet.botIds);
    const exited = processes.filter((gone) => gone.child.exitCode !== null).map((gone) => gone.label);
    // Workers stopped first: the equity points booked and the messages sent are then final, and comparable.
    for (const worker of processes.slice(1)) await worker.stop('SIGTERM');
    await sleep(1000); // messages in flight
    const streamsAfter = await streams.receivedAfter(start.newestMs);
    const wsExpected = await equityPointsOfUsers(database, wsUsers, start.newestMs);
    await streams.close();

    const botCandlesPerSecond = (now.points - start.points) / elapsedSeconds;
    const askedRate = settings.bots * candlesPerSecond;
    const lagStart = lagSamples.slice(0, Math.max(1, Math.floor(lagSamples.length / 4)));
    const lagEnd = lagSamples.slice(-Math.max(1, Math.floor(lagSamples.length / 4)));
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
    const wsReceived = streamsAfter.received;
    const botsInError = states.get('error') ?? 0;
    const errors = api.failures + streamsAfter.closed + botsInError + exited.length;
    const keptUp = botCandlesPerSecond >= 0.95 * askedRate && mean(lagEnd) <= mean(lagStart) + 1;

    const title =
      `load: ${settings.users} users, ${settings.bots} paper bots (default agents) on ${settings.workers} worker ` +
      `process(es), BTC-USDT 1m replayed at ${settings.speed}× (${candlesPerSecond.toFixed(2)} candles/s), ` +
      `${settings.minutes} candles under load; GET /v1/portfolio at ${settings.apiRate} req/s on ${AUTOCANNON_CONNECTIONS} ` +
      `HTTP connections, ${settings.wsClients} WebSocket clients; ` +
      `worker lease ${settings.leaseMs / 1000} s`;
    const header = ['measure', 'value', 'target', ''];
    const rows: string[][] = [
      ['setup: users + bots (batched SQL)', `${setupSeconds.toFixed(1)} s`, '', ''],
      [
        'bots picked up and running',
        `${running}/${settings.bots} in ${pickupSeconds.toFixed(1)} s`,
        'all',
        verdict(running === settings.bots),
      ],
      ['equity points booked while the bots were picked up', String(start.points), '', ''],
      [
        'bot-candles booked',
        `${formatRate(botCandlesPerSecond)} (replay asks ${formatRate(askedRate)}; ratio ${(botCandlesPerSecond / askedRate).toFixed(2)})`,
        `≥ ${formatRate(askedRate)}`,
        verdict(botCandlesPerSecond >= 0.95 * askedRate),
      ],
      [
        'data lag behind the replay schedule',
        `${mean(lagStart).toFixed(1)} s → ${mean(lagEnd).toFixed(1)} s over ${elapsedSeconds.toFixed(1)} s`,
        'not growing',
        verdict(keptUp),
      ],
      [
        'GET /v1/portfolio (JWT + RLS)',
        `${formatRate(api.rps)}, p50 ${api.p50.toFixed(1)} ms, p99 ${api.p99.toFixed(1)} ms (${api.requests} requests)`,
        `${formatRate(settings.apiRate)} asked`,
        verdict(api.rps >= 0.95 * settings.apiRate),
      ],
      [
        'WebSocket equity messages',
        `${wsReceived} received / ${wsExpected} booked for their users (candles after the window's start)`,
        'all, once',
        verdict(wsReceived === wsExpected),
      ],
      ...processes.map((watched, i) => liveHeapRow(watched.label, liveHeapAtStart[i], liveHeapAtEnd[i])),
      ...memorySummaries.map((summary) => [
        `RSS ${summary.label}`,
        `${summary.firstQuarterMb.toFixed(0)} → ${summary.lastQuarterMb.toFixed(0)} MiB (peak ${summary.peakMb.toFixed(0)})`,
        '',
        '',
      ]),
      [
        'errors',
        `${api.failures} HTTP, ${streamsAfter.closed} sockets closed, ${botsInError} bots in error, processes exited: ${exited.join(', ') || 'none'}`,
        '0',
        verdict(errors === 0),
      ],
    ];
    printTable(title, header, rows);
    if (exited.length > 0)
      for (const label of exited)
        console.log(`${label} output:\n${processes.find((p) => p.label === label)?.output()}`);
    // The issue's window (10 candles) keeps its section; a longer one, for a steadier reading, gets its own.
    const longer = settings.minutes === DEFAULT_MINUTES ? '' : `-${settings.minutes}-candles`;
    const longerEnv = longer === '' ? '' : ` LOAD_MINUTES=${settings.minutes}`;
    writeResultsSection(
      `load-${settings.bots}-bots-${settings.speed}x${longer}`,
      `Load: ${settings.bots} bots at ${settings.speed}×${longer === '' ? '' : `, ${settings.minutes} candles`} (\`LOAD_BOTS=${settings.bots} LOAD_SPEED=${settings.speed}${longerEnv} npm run bench -- load\`)`,
      `${title}.\n\n${markdownTable(header, rows)}`,
    );
  } finally {
    for (const started of processes.reverse()) await started.stop('SIGTERM');
    await database.close();
    await services.stop();
    rmSync(slice.dataDir, { recursive: true, force: true });
  }
}
