/**
 * The stack the end-to-end tests drive: the edge API (with its worker replaying real candles) and the dashboard's
 * server. By default the suite starts the real product the way a user does — `keel start` (what `npm start` runs)
 * in its own process, with a throwaway data folder (embedded PGlite), free ports and a fast replay — builds the
 * dashboard first when its build is missing or older than its sources, and stops it afterwards.
 *
 * A stack that is already running can be named instead (it is then neither started nor stopped):
 *   KEEL_E2E_API_URL  the edge, e.g. http://127.0.0.1:8787 (its DASHBOARD_ORIGIN must be KEEL_E2E_APP_URL)
 *   KEEL_E2E_APP_URL  the dashboard, e.g. http://127.0.0.1:4173 (started with PUBLIC_API_URL=KEEL_E2E_API_URL)
 *   KEEL_E2E_ADMIN_EMAIL, KEEL_E2E_ADMIN_PASSWORD  an administrator of that stack, for the platform kill switch
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM_PATH } from './browser.ts';

export interface E2EStack {
  apiUrl: string;
  appUrl: string;
  /** A platform administrator's login, when the stack has one to give (the demo account of `keel start`). */
  admin: { email: string; password: string } | null;
  /** Stops what this process started (nothing for a stack from the environment). */
  close(): Promise<void>;
}

/** Why the suite cannot run here, or null when it can: it needs Debian's Chromium. */
export function missingForStack(): string | null {
  return existsSync(CHROMIUM_PATH)
    ? null
    : `no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH); npm test installs it as root`;
}

/** The running stack named by the environment, or null (the suite starts its own). */
export function stackFromEnvironment(env: NodeJS.ProcessEnv = process.env): E2EStack | null {
  const apiUrl = env.KEEL_E2E_API_URL;
  const appUrl = env.KEEL_E2E_APP_URL;
  if (!apiUrl || !appUrl) return null;
  const email = env.KEEL_E2E_ADMIN_EMAIL;
  const password = env.KEEL_E2E_ADMIN_PASSWORD;
  return {
    apiUrl: apiUrl.replace(/\/+$/, ''),
    appUrl: appUrl.replace(/\/+$/, ''),
    admin: email && password ? { email, password } : null,
    close: async () => {},
  };
}

/** How long to wait for a paper bot's first trades and equity points (replayed candles). Default 3 minutes. */
export const LIVE_TIMEOUT_MS = Number(process.env.KEEL_E2E_LIVE_TIMEOUT_MS ?? 180_000);
/** The market and timeframe the test bots trade: what the stack replays. */
export const E2E_SYMBOL = process.env.KEEL_E2E_SYMBOL ?? 'BTC-USDT';
export const E2E_TIMEFRAME = process.env.KEEL_E2E_TIMEFRAME ?? '1h';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const appDir = join(repoRoot, 'app');
const APP_BUILD_HANDLER = join(appDir, 'build', 'handler.js');
/** Candles per second per market: an hour candle every 50 ms, so a bot trades within seconds. */
const E2E_REPLAY_SPEED = '20';
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

function newestModification(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestModification(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the dashboard unless its build is newer than every source file (the suite must test the current code). */
function ensureDashboardBuilt(): void {
  const sources = Math.max(newestModification(join(appDir, 'src')), statSync(join(appDir, 'vite.config.ts')).mtimeMs);
  if (existsSync(APP_BUILD_HANDLER) && statSync(APP_BUILD_HANDLER).mtimeMs > sources) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build', '--silent', '-w', '@keel/app', '--', '--logLevel', 'warn'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`the dashboard did not build:\n${build.stdout}\n${build.stderr}`);
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** Resolves once the process logs that Keel is running; rejects when it exits or the timeout passes first. */
function untilRunning(child: ChildProcess, output: () => string): Promise<void> {
  return new Promise((resolveRunning, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`keel start did not come up in ${START_TIMEOUT_MS} ms:\n${output()}`)),
      START_TIMEOUT_MS,
    );
    const onData = () => {
      if (!output().includes('Keel is running')) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolveRunning();
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`keel start exited with ${code} before it was running:\n${output()}`));
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(kill);
      resolveStop();
    });
    child.kill('SIGTERM');
  });
}

/**
 * `keel start` in a child process on free ports with a throwaway data folder: embedded PGlite, the worker replaying
 * real candles fast, the API and the dashboard. Configuration that would point it elsewhere (DATABASE_URL,
 * REDIS_URL, ports) is removed from its environment, so it is the no-configuration product.
 */
export async function startStack(): Promise<E2EStack> {
  ensureDashboardBuilt();
  const home = mkdtempSync(join(tmpdir(), 'keel-e2e-'));
  const [appPort, apiPort] = [await freePort(), await freePort()];
  const { DATABASE_URL, REDIS_URL, PUBLIC_API_URL, DASHBOARD_ORIGIN, ...inherited } = process.env;
  const child = spawn(process.execPath, [join(repoRoot, 'packages', 'cli', 'src', 'main.ts'), 'start'], {
    cwd: repoRoot,
    env: {
      ...inherited,
      KEEL_HOME: home,
      PORT: String(appPort),
      API_PORT: String(apiPort),
      KEEL_REPLAY_SPEED: E2E_REPLAY_SPEED,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    // Keep the tail only: the log of a long run is not needed, its last lines explain a failure.
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const close = async () => {
    await stopProcess(child);
    rmSync(home, { recursive: true, force: true });
  };
  try {
    await untilRunning(child, () => output);
  } catch (error) {
    await close();
    throw error;
  }
  // keel start keeps the demo login, an administrator, in its data folder.
  const admin = JSON.parse(readFileSync(join(home, 'demo-login.json'), 'utf8')) as { email: string; password: string };
  return { apiUrl: `http://localhost:${apiPort}`, appUrl: `http://localhost:${appPort}`, admin, close };
}
