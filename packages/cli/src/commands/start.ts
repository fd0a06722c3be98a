import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createDatabase, type Database, databaseOptionsFromEnv } from '@keel/db';
import { startEdge } from '@keel/edge/node.ts';
import { createLogger, defaultDataDir, type ReplaySpeed, startWorker, streamBusFromEnv } from '@keel/worker';
import type { Command } from '../command.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..');
const DEMO_EMAIL = 'demo@keel.local';
const DEFAULT_REPLAY_CANDLES_PER_SECOND = 2;
const DEFAULT_DASHBOARD_PORT = 3000;
const DEFAULT_API_PORT = 8787;
const APP_BUILD_HANDLER = join(repoRoot, 'app', 'build', 'handler.js');

interface DemoLogin {
  email: string;
  password: string;
}

/** The demo account's password: made once per data folder and kept there (0600), so every start shows the same. */
function demoLogin(home: string): DemoLogin {
  const path = join(home, 'demo-login.json');
  if (!existsSync(path)) {
    const login = { email: DEMO_EMAIL, password: randomBytes(12).toString('base64url') };
    writeFileSync(path, JSON.stringify(login), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(path, 'utf8')) as DemoLogin;
}

async function call(apiUrl: string, path: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const response = await fetch(`${apiUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/**
 * Signs the demo user up (first start) or in, and makes sure it has a running paper bot, through the public API.
 * On one machine the demo account is its operator's, so it is also the platform administrator (the admin page and
 * the platform kill switch); granting that is the service's write, never the API's.
 */
async function ensureDemoAccount(apiUrl: string, login: DemoLogin, database: Database): Promise<string> {
  let session = await call(apiUrl, '/v1/auth/login', { body: login });
  if (session.status !== 200) session = await call(apiUrl, '/v1/auth/signup', { body: login });
  if (session.status !== 200 && session.status !== 201) {
    return `could not sign the demo user in (HTTP ${session.status}: ${String(session.body.detail ?? session.body.title)})`;
  }
  const token = session.body.access_token as string;
  const me = await call(apiUrl, '/v1/me', { token });
  if (typeof me.body.id === 'string' && me.body.isAdmin !== true) {
    const userId = me.body.id;
    await database.asService((tx) => tx.profiles.setAdmin(userId, true));
  }
  const bots = await call(apiUrl, '/v1/bots', { token });
  const items = (bots.body.items as Array<{ id: string; desiredState?: string }> | undefined) ?? [];
  let botId = items[0]?.id;
  if (botId === undefined) {
    const created = await call(apiUrl, '/v1/bots', {
      token,
      body: { name: 'Demo BTC bot', symbols: ['BTC-USDT'], timeframe: '1h', mode: 'paper' },
    });
    const createdId = created.body.id as string | undefined;
    if (createdId === undefined) return `could not create the demo bot (HTTP ${created.status})`;
    botId = createdId;
  }
  await call(apiUrl, `/v1/bots/${botId}/start`, { token, body: {} });
  return 'demo paper bot running';
}

/**
 * The dashboard in this process: SvelteKit's adapter-node handler (built by `npm run build -w @keel/app`, which
 * `npm start` runs first) on its own port. Null when the app has not been built, said in the log.
 */
async function startDashboard(port: number): Promise<{ url: string; close(): Promise<void> } | null> {
  if (!existsSync(APP_BUILD_HANDLER)) return null;
  const { handler } = (await import(pathToFileURL(APP_BUILD_HANDLER).href)) as {
    handler: (request: IncomingMessage, response: ServerResponse, next: () => void) => void;
  };
  const server = createServer((request, response) =>
    handler(request, response, () => {
      response.statusCode = 404;
      response.end('not found');
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function replaySpeedFrom(env: NodeJS.ProcessEnv): ReplaySpeed {
  const raw = env.KEEL_REPLAY_SPEED;
  if (raw === undefined || raw === '') return DEFAULT_REPLAY_CANDLES_PER_SECOND;
  if (raw === 'max') return 'max';
  const speed = Number(raw);
  if (!(speed > 0))
    throw new Error(`KEEL_REPLAY_SPEED must be a positive number of candles per second or "max", got ${raw}`);
  return speed;
}

export const startCommand: Command = {
  name: 'start',
  summary: 'run Keel in one process: database, worker, API and dashboard',
  usage: '',
  options: {},
  details: `
With no configuration everything runs here: PGlite persisted under data/db (KEEL_DB_DIR), an in-process stream bus,
paper trading on real candles replayed from ../shared/data (KEEL_DATA_DIR), else on the synthetic market (the log
says which). DATABASE_URL switches to PostgreSQL/Supabase and REDIS_URL to Redis. Ctrl-C stops everything cleanly;
the next start resumes with all data.`,
  async run() {
    const env = process.env;
    // Redacts secret-looking keys (tokens, passwords, API keys) from every line, the edge's and the worker's.
    const logger = createLogger({ name: 'keel', level: env.LOG_LEVEL ?? 'info' });
    const home = resolve(env.KEEL_HOME ?? join(repoRoot, 'data'));
    mkdirSync(home, { recursive: true });
    const { options, description, dbDir } = databaseOptionsFromEnv(env, join(home, 'db'));
    logger.info(`database: ${description}`);
    const database = await createDatabase(options);
    await database.migrate({ log: (line) => logger.info(line) });
    const bus = streamBusFromEnv(env, logger);
    const dataDir = env.KEEL_DATA_DIR ?? defaultDataDir();
    const worker = await startWorker({
      database,
      bus,
      logger,
      dataDir,
      replaySpeed: replaySpeedFrom(env),
      workerId: `${hostname()}:${process.pid}`,
      // `keel train --out data/models` puts a promoted model where the bots find it.
      modelsDir: env.KEEL_MODELS_DIR ?? join(home, 'models'),
    });
    const dashboardPort = Number(env.PORT ?? DEFAULT_DASHBOARD_PORT);
    const apiPort = Number(env.API_PORT ?? DEFAULT_API_PORT);
    // The dashboard (its browser code and its own server) reaches the API here; the API lets only it call from browsers.
    env.PUBLIC_API_URL ??= `http://localhost:${apiPort}`;
    env.DASHBOARD_ORIGIN ??= `http://localhost:${dashboardPort}`;
    const edge = await startEdge({
      database,
      bus,
      logger,
      ...(dbDir ? { keysDir: join(dbDir, 'keys') } : {}),
      exchangeCheckWith: (keyring) => ({
        // ccxt is loaded by the first check, not by every `keel` command.
        test: async (credentialId) =>
          (await import('@keel/worker/exchange/credential-check.ts')).checkCredential(
            database,
            { keyring },
            credentialId,
          ),
      }),
    });
    const dashboard = await startDashboard(dashboardPort);
    if (dashboard === null) logger.warn('dashboard not built (npm run build -w @keel/app): serving the API only');
    const login = demoLogin(home);
    const demo = await ensureDemoAccount(edge.url, login, database);
    if (dashboard) logger.info(`dashboard: ${dashboard.url}`);
    logger.info(`Keel is running — API ${edge.url}/v1 (reference: ${edge.url}/v1/docs)`);
    logger.info(`demo login (administrator): ${login.email} / ${login.password} — ${demo}`);

    const stop = async (signal: string) => {
      logger.info(`${signal}: stopping`);
      await worker.stop();
      await dashboard?.close();
      await edge.close();
      await bus.close();
      await database.close();
      logger.info('stopped cleanly');
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
    await new Promise(() => {});
    return 0;
  },
};
