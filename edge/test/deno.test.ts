/**
 * The same app under real Deno (the `deno` npm package): edge/src/deno.ts against the test PostgreSQL, hit over
 * HTTP — health, signup, login, a bot created and listed, and (with VM_URL) candles from the cold tier. PGlite
 * cannot be shared between processes, so this needs DATABASE_URL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { generateMasterKey, generateTransportKeyPair } from '@keel/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeToVictoria } from '../../packages/db/test/cold-tier/victoria-writes.ts';
import { closeTestDatabase, databaseRequired, edgeDatabaseUrl, TEST_JWT_SECRET, testDatabase } from './harness.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const denoBin = join(repoRoot, 'node_modules', '.bin', 'deno');
const databaseUrl = process.env.DATABASE_URL;
const vmUrl = process.env.VM_URL;
const STARTUP_TIMEOUT_MS = 30_000;

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

const runnable = databaseUrl !== undefined && existsSync(denoBin);
const suite = runnable || databaseRequired ? describe : describe.skip;

suite('the edge under Deno (smoke)', () => {
  let deno: ChildProcess;
  let base: string;
  let output = '';

  beforeAll(async () => {
    if (!existsSync(denoBin)) throw new Error(`${denoBin} is missing: npm install installs the deno package`);
    if (!databaseUrl) throw new Error('DATABASE_URL is not set: npm test starts PostgreSQL');
    await testDatabase(); // made and migrated
    const port = await freePort();
    const { privateKey } = await generateTransportKeyPair('deno-smoke');
    deno = spawn(denoBin, ['run', '--allow-net', '--allow-env', '--allow-read', '--allow-sys', 'edge/src/deno.ts'], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DENO_NO_UPDATE_CHECK: '1',
        DATABASE_URL: await edgeDatabaseUrl(databaseUrl),
        JWT_SECRET: TEST_JWT_SECRET,
        PASSWORD_SCRYPT_COST: '10',
        API_PORT: String(port),
        KEEL_MASTER_KEY: generateMasterKey(),
        KEEL_TRANSPORT_PRIVATE_KEY: JSON.stringify({ ...privateKey.jwk, kid: privateKey.kid }),
        // The cold tier, when the services run one: candles older than the database's are read under Deno too.
        ...(vmUrl ? { INFLUX_URL: vmUrl, INFLUX_TOKEN: 'unused', INFLUX_ORG: 'keel', INFLUX_BUCKET: 'candles' } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    deno.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    deno.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      if (deno.exitCode !== null) throw new Error(`deno exited ${deno.exitCode}:\n${output}`);
      try {
        if ((await fetch(`${base}/v1/health`)).ok) break;
      } catch {}
      if (Date.now() > deadline) throw new Error(`deno did not answer in ${STARTUP_TIMEOUT_MS} ms:\n${output}`);
      await new Promise((done) => setTimeout(done, 100));
    }
  }, STARTUP_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    deno?.kill('SIGTERM');
    await closeTestDatabase();
  });

  it('answers health, signup, login, and creates and lists a bot', async () => {
    const health = await (await fetch(`${base}/v1/health`)).json();
    expect(health.components.database.state).toBe('up');
    const email = `deno-${randomUUID()}@edge.test`;
    const credentials = { email, password: 'a long enough password' };
    const post = (path: string, body: unknown, token?: string) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    expect((await post('/v1/auth/signup', credentials)).status).toBe(200);
    const login = await post('/v1/auth/login', credentials);
    expect(login.status).toBe(200);
    const { access_token: token } = await login.json();
    const bot = await post('/v1/bots', { name: 'deno bot', symbols: ['BTC-USDT'] }, token);
    expect(bot.status).toBe(201);
    const listed = await fetch(`${base}/v1/bots`, { headers: { authorization: `Bearer ${token}` } });
    for (const header of ['x-request-id', 'x-frame-options', 'strict-transport-security', 'ratelimit']) {
      expect(listed.headers.get(header), header).toBeTruthy();
    }
    const list = await listed.json();
    expect(list.items.map((b: { name: string }) => b.name)).toEqual(['deno bot']);
    const bad = await post('/v1/bots', { name: 'x', symbols: 'nope' }, token);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const candles = await fetch(`${base}/v1/candles?symbol=BTC-USDT&limit=5`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(candles.status).toBe(200);
    expect(Array.isArray((await candles.json()).candles)).toBe(true);
    if (vmUrl) {
      const symbol = `D${randomUUID().replaceAll('-', '').slice(0, 8).toUpperCase()}-USDT`;
      const old = [1, 2, 3].map((i) => ({
        time: Date.UTC(2018, 0, 1, i),
        open: i,
        high: i + 1,
        low: i - 0.5,
        close: i,
        volume: 0.25,
      }));
      await writeToVictoria(vmUrl, symbol, '1h', old);
      const cold = await fetch(`${base}/v1/candles?symbol=${symbol}&limit=5`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect((await cold.json()).candles).toEqual(old.map((c) => [c.time, c.open, c.high, c.low, c.close, c.volume]));
    }
  });
});
