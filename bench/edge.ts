/**
 * The edge API on Node against real PostgreSQL, load from autocannon in a separate process (2 cores: server,
 * load generator, PostgreSQL and Redis share them), 100 keep-alive connections (a busy edge behind a proxy):
 * - authenticated GET /v1/portfolio (JWT verify, per-IP and per-user rate limits in Redis, the per-user snapshot
 *   cache, which the worker's bus messages invalidate): target ≥ 10,000 req/s with p99 < 20 ms;
 * - the same route with the cache off (every request one RLS transaction in one round trip);
 * - baselines in the same run: an authenticated route without the database (GET /v1/credentials/transport-key),
 *   GET /v1/health (an anon transaction plus bus and rate-limit probes), and bare Hono with one route and no
 *   middleware on the same adapter: the machine's ceiling in this run (the 2 cores may be shared);
 * - the edge logs with its production logger (node.ts edgeLogger: pino, lines written in batches) at info level
 *   to /dev/null: a production logger's cost, not its disk;
 * - the loads run in ROUNDS interleaved rounds (each route once per round), so every route meets the same
 *   machine; the table shows the best and the median round, and the median's ratio to the ceiling;
 * - WebSocket fan-out: 1,000 connected clients (one per user), 10,000 messages/s published through the bus for
 *   a few seconds: delivered messages/s and clients dropped.
 * Skips with a message when DATABASE_URL is absent (`bash scripts/services.sh start`).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { streamStatsOf } from '../edge/src/app.ts';
import { hmacKey, signHs256 } from '../edge/src/auth/jwt.ts';
import { edgeLogger, type RunningEdge, startEdge } from '../edge/src/node.ts';
import { createDatabase } from '../packages/db/src/index.ts';
import { inProcessBus, redisBus } from '../packages/realtime/src/index.ts';
import { formatRate, printTable, verdict } from './table.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';
const DURATION_S = 5;
const CONNECTIONS = 100;
const ROUNDS = 3;
const PORTFOLIO_TARGET_RPS = 10_000;
const PORTFOLIO_TARGET_P99_MS = 20;
const WS_CLIENTS = 1000;
const WS_RATE = 10_000;
const WS_SECONDS = 5;
const WS_TICK_MS = 10;

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

/** autocannon in a child process (asynchronously: the server under test runs on this process's event loop). */
async function autocannon(url: string, token: string | null): Promise<Load> {
  const args = [
    '-c',
    String(CONNECTIONS),
    '-d',
    String(DURATION_S),
    '-j',
    ...(token ? ['-H', `authorization=Bearer ${token}`] : []),
    url,
  ];
  const child = spawn(join(repoRoot, 'node_modules', '.bin', 'autocannon'), args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const status = await new Promise<number | null>((done) => child.on('close', done));
  if (status !== 0) throw new Error(`autocannon failed: ${stderr}`);
  const report = JSON.parse(stdout) as {
    requests: { average: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
  };
  return {
    rps: report.requests.average,
    p50: report.latency.p50,
    p99: report.latency.p99,
    non2xx: report.non2xx,
    errors: report.errors,
  };
}

async function accessToken(userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return signHs256(
    { sub: userId, role: 'authenticated', aud: 'authenticated', exp: now + 3600 },
    await hmacKey(JWT_SECRET),
  );
}

export async function benchEdge(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.log(
      '\nedge: skipped — DATABASE_URL is not set (bash scripts/services.sh start; eval "$(bash scripts/services.sh env)")',
    );
    return;
  }
  const database = await createDatabase({ url, maxConnections: 16 });
  await database.migrate();
  const userId = await database.asService((tx) => tx.users.create({ email: `bench-${randomUUID()}@edge.bench` }));
  const now = Date.now();
  const botIds = await database.asUser({ sub: userId }, async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(
        (await tx.bots.create({ name: `bench ${i}`, exchange: 'binance', symbols: ['BTC-USDT'], timeframe: '1h' })).id,
      );
    }
    return ids;
  });
  await database.asService(async (tx) => {
    for (const botId of botIds) {
      await tx.equity.insertMany(
        Array.from({ length: 48 }, (_, h) => ({
          userId,
          botId,
          time: now - h * 3600_000,
          equityQuote: String(10_000 + h),
          cashQuote: '5000',
        })),
      );
      await tx.positions.upsert({
        userId,
        botId,
        symbol: 'BTC-USDT',
        qtyBase: '0.1',
        avgEntryPriceQuote: '50000',
        realizedPnlQuote: '0',
      });
    }
  });
  const bus = process.env.REDIS_URL
    ? redisBus({ url: process.env.REDIS_URL, streamKey: `keel:bench:${randomUUID()}` })
    : inProcessBus();
  const { generateTransportKeyPair, keyringFromKeys } = await import('../packages/db/src/index.ts');
  const { keyTransportFrom } = await import('../edge/src/key-transport.ts');
  const { privateKey } = await generateTransportKeyPair('bench');
  const logger = edgeLogger({ level: 'info', destination: '/dev/null' });
  const startBenchEdge = (portfolioCacheTtlMs: number) =>
    startEdge({
      database,
      bus,
      port: 0,
      env: { JWT_SECRET, REDIS_URL: process.env.REDIS_URL },
      logger,
      keyTransport: keyTransportFrom(keyringFromKeys({ id: 'k1', key: Buffer.alloc(32, 1) }), privateKey),
      config: {
        rateLimits: { perIp: 100_000_000, perPrincipal: 100_000_000, authPerIp: 20, windowMs: 60_000 },
        portfolioCache: { ttlMs: portfolioCacheTtlMs, maxUsers: 10_000 },
        stream: { maxBufferedBytes: 1024 * 1024, maxConnectionsPerUser: 20 },
      },
    });
  const edge = await startBenchEdge(1000);
  let uncachedEdge: RunningEdge | null = null;
  // The machine's ceiling in this run: Hono with one route and no middleware, same server adapter and process.
  const bare = new Hono();
  bare.get('/ping', (c) => c.json({ ok: true }));
  const bareServer = serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((done) => bareServer.once('listening', done));
  const barePort = (bareServer.address() as AddressInfo).port;
  const token = await accessToken(userId);
  try {
    uncachedEdge = await startBenchEdge(0);
    const loads = {
      portfolio: [`${edge.url}/v1/portfolio`, token],
      uncached: [`${uncachedEdge.url}/v1/portfolio`, token],
      noDb: [`${edge.url}/v1/credentials/transport-key`, token],
      health: [`${edge.url}/v1/health`, null],
      ceiling: [`http://127.0.0.1:${barePort}/ping`, null],
    } as const;
    type Route = keyof typeof loads;
    await autocannon(loads.portfolio[0], token); // warm-up: JIT, pools, plans
    await autocannon(loads.uncached[0], token);
    const rounds: Record<Route, Load>[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const measured = {} as Record<Route, Load>;
      for (const route of Object.keys(loads) as Route[]) {
        const [url, bearer] = loads[route];
        measured[route] = await autocannon(url, bearer);
      }
      rounds.push(measured);
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    const summary = (route: Route) => ({
      best: Math.max(...rounds.map((r) => r[route].rps)),
      medianRps: median(rounds.map((r) => r[route].rps)),
      medianP99: median(rounds.map((r) => r[route].p99)),
      failed: rounds.reduce((sum, r) => sum + r[route].non2xx + r[route].errors, 0),
      vsCeiling: median(rounds.map((r) => r[route].rps / r.ceiling.rps)),
    });
    const row = (name: string, route: Route, target: string, ok: string) => {
      const s = summary(route);
      return [
        name,
        formatRate(s.best),
        formatRate(s.medianRps),
        s.medianP99.toFixed(1),
        String(s.failed),
        s.vsCeiling.toFixed(2),
        target,
        ok,
      ];
    };
    const portfolio = summary('portfolio');
    const met =
      portfolio.medianRps >= PORTFOLIO_TARGET_RPS &&
      portfolio.medianP99 < PORTFOLIO_TARGET_P99_MS &&
      portfolio.failed === 0;
    printTable(
      `edge HTTP on Node (${CONNECTIONS} connections, ${ROUNDS} interleaved rounds of ${DURATION_S} s per route, rate limiter: ${process.env.REDIS_URL ? 'Redis' : 'in process'}, PostgreSQL pool 16, pino at info)`,
      ['route', 'best req/s', 'median req/s', 'p99 ms', 'non-2xx', 'vs ceiling', 'target (median)', ''],
      [
        row(
          'GET /v1/portfolio (JWT + limits + snapshot cache)',
          'portfolio',
          `≥ ${formatRate(PORTFOLIO_TARGET_RPS)}, p99 < ${PORTFOLIO_TARGET_P99_MS} ms`,
          verdict(met),
        ),
        row('GET /v1/portfolio, cache off (one RLS tx each)', 'uncached', 'baseline', ''),
        row('GET /v1/credentials/transport-key (JWT, no DB)', 'noDb', 'baseline', ''),
        row('GET /v1/health (anon tx + probes)', 'health', 'baseline', ''),
        row('bare Hono, no middleware (machine ceiling)', 'ceiling', 'baseline', ''),
      ],
    );
    await benchFanOut(edge.url.replace('http', 'ws'), bus, streamStatsOf(edge.app), 1);
    await benchFanOut(edge.url.replace('http', 'ws'), bus, streamStatsOf(edge.app), 10);
  } finally {
    await new Promise((done) => bareServer.close(done));
    await uncachedEdge?.close();
    await edge.close();
    await bus.close();
    await database.close();
  }
}

async function benchFanOut(
  wsUrl: string,
  bus: ReturnType<typeof inProcessBus>,
  stats: { delivered: number; dropped: number },
  clientsPerUser: number,
): Promise<void> {
  const users = Array.from({ length: WS_CLIENTS / clientsPerUser }, () => randomUUID());
  const clients = spawn(process.execPath, [join(import.meta.dirname, 'edge-ws-clients.ts'), wsUrl], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const replies = createInterface({ input: clients.stdout });
  const nextLine = () => new Promise<string>((done) => replies.once('line', done));
  for (const user of users) {
    const token = await accessToken(user);
    for (let i = 0; i < clientsPerUser; i++) clients.stdin.write(`${token}\n`);
  }
  clients.stdin.write('open\n');
  const connectStarted = performance.now();
  await nextLine();
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  await bus.ready();
  const delivered0 = stats.delivered;
  const dropped0 = stats.dropped;
  const perTick = (WS_RATE * WS_TICK_MS) / 1000;
  const ticks = (WS_SECONDS * 1000) / WS_TICK_MS;
  let published = 0;
  const started = performance.now();
  for (let tick = 0; tick < ticks; tick++) {
    const sends: Promise<void>[] = [];
    for (let i = 0; i < perTick; i++) {
      const user = users[published % users.length] as string;
      sends.push(
        bus.publish(user, {
          channel: 'prices',
          botId: null,
          time: Date.now(),
          data: { symbol: 'BTC-USDT', price: '50000.12', seq: published },
        }),
      );
      published++;
    }
    await Promise.all(sends);
    const due = started + (tick + 1) * WS_TICK_MS;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((done) => setTimeout(done, wait));
  }
  const publishSeconds = (performance.now() - started) / 1000;
  // Let in-flight messages land, then ask the clients what they got.
  let counted = { received: 0, closed: 0 };
  for (let i = 0; i < 50; i++) {
    await new Promise((done) => setTimeout(done, 100));
    clients.stdin.write('count\n');
    counted = JSON.parse(await nextLine());
    if (counted.received >= published * clientsPerUser) break;
  }
  const elapsed = (performance.now() - started) / 1000;
  clients.stdin.write('report\n');
  await nextLine();
  printTable(
    `edge WebSocket fan-out (${WS_CLIENTS} clients, ${clientsPerUser === 1 ? 'one per user' : `${clientsPerUser} per user: each message to ${clientsPerUser} sockets`}, in another process; bus: ${process.env.REDIS_URL ? 'Redis stream' : 'in process'})`,
    ['measure', 'value', 'target', ''],
    [
      ['clients connected in', `${connectSeconds.toFixed(2)} s`, '', ''],
      [
        'published',
        `${formatRate(published / publishSeconds)} for ${publishSeconds.toFixed(1)} s`,
        formatRate(WS_RATE),
        verdict(published / publishSeconds >= WS_RATE * 0.95),
      ],
      [
        'delivered to clients',
        `${formatRate(counted.received / elapsed)} (${counted.received}/${published * clientsPerUser})`,
        `all, ≥ ${formatRate(WS_RATE * clientsPerUser)}`,
        verdict(
          counted.received === published * clientsPerUser &&
            counted.received / elapsed >= 0.95 * WS_RATE * clientsPerUser,
        ),
      ],
      ['sent by the server', String(stats.delivered - delivered0), '', ''],
      ['slow clients dropped', String(stats.dropped - dropped0), '0', verdict(stats.dropped === dropped0)],
      ['clients closed', String(counted.closed), '0', verdict(counted.closed === 0)],
    ],
  );
}
