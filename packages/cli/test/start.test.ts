import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const main = resolve(import.meta.dirname, '..', 'src', 'main.ts');
const STARTUP_TIMEOUT_MS = 90_000;

function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `keel start` with its own data folder, no DATABASE_URL (the embedded default), fast replay. */
async function start(home: string, port: number): Promise<Running> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KEEL_HOME: home,
    API_PORT: String(port),
    PORT: String(await freePort()),
    KEEL_REPLAY_SPEED: '50',
    LOG_LEVEL: 'info',
  };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const child = spawn(process.execPath, [main, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk) => {
    text += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    text += chunk;
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (!text.includes('Keel is running')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`keel start did not come up:\n${text}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, output: () => text, exited };
}

async function login(port: number, home: string): Promise<string> {
  const credentials = JSON.parse(readFileSync(join(home, 'demo-login.json'), 'utf8')) as {
    email: string;
    password: string;
  };
  const response = await fetch(`http://127.0.0.1:${port}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { access_token: string }).access_token;
}

async function fillsOf(port: number, token: string): Promise<unknown[]> {
  const response = await fetch(`http://127.0.0.1:${port}/v1/fills`, { headers: { authorization: `Bearer ${token}` } });
  return ((await response.json()) as { items: unknown[] }).items;
}

let running: Running | null = null;
afterEach(() => {
  running?.child.kill('SIGKILL');
  running = null;
});

describe('keel start (npm start)', () => {
  it('runs database, worker and API in one process, trades the demo bot, stops cleanly and resumes with its data', async () => {
    const home = mkdtempSync(join(tmpdir(), 'keel-start-'));
    const port = await freePort();
    running = await start(home, port);
    expect(running.output()).toMatch(/market data|CSV replay|SYNTHETIC/);
    const health = await fetch(`http://127.0.0.1:${port}/v1/health`);
    expect(health.status).toBe(200);
    const token = await login(port, home);
    let fills: unknown[] = [];
    for (let attempt = 0; attempt < 150 && fills.length === 0; attempt++) {
      await new Promise((r) => setTimeout(r, 200));
      fills = await fillsOf(port, token);
    }
    expect(fills.length).toBeGreaterThan(0);

    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain('stopped cleanly');

    running = await start(home, port);
    const again = await login(port, home);
    expect((await fillsOf(port, again)).length).toBeGreaterThanOrEqual(fills.length);
    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
  }, 240_000);
});
