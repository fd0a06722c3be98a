/**
 * The Supabase Edge Function entry (index.ts) under real Deno, with its own deno.json import map (npm: specifiers,
 * the workspace packages by path): the API answers under the function's /api prefix, signs up, signs in and keeps
 * bots, and a path it does not know gets the API's problem+json 404. PGlite is per process, so this needs
 * DATABASE_URL; Deno fetches the npm packages once (its cache) when they are not there yet.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { generateMasterKey, generateTransportKeyPair } from '@keel/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  databaseRequired,
  HOW_TO_GET_POSTGRES,
  openMigrated,
  suiteDatabaseUrl,
} from '../../../packages/db/test/test-database.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..');
const denoBin = join(repoRoot, 'node_modules', '.bin', 'deno');
const serverUrl = process.env.DATABASE_URL;
const JWT_SECRET = 'function-test-secret-that-is-long-enough-0123456789';
// The first run on a machine downloads the npm packages the import map names.
const STARTUP_TIMEOUT_MS = 90_000;

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

if (!serverUrl && !databaseRequired)
  console.warn(`Supabase function suite skipped: DATABASE_URL is not set; ${HOW_TO_GET_POSTGRES}`);
const suite = serverUrl || databaseRequired ? describe : describe.skip;

suite('the api Supabase Edge Function under Deno', () => {
  let deno: ChildProcess;
  let base: string;
  let output = '';

  beforeAll(async () => {
    if (!serverUrl) throw new Error(`DATABASE_URL is not set: ${HOW_TO_GET_POSTGRES}`);
    const databaseUrl = await suiteDatabaseUrl(serverUrl, 'function');
    await (await openMigrated({ url: databaseUrl, maxConnections: 1 })).close();
    const port = await freePort();
    const { privateKey } = await generateTransportKeyPair('function-test');
    deno = spawn(
      denoBin,
      ['run', '--allow-net', '--allow-env', '--allow-read', '--allow-sys', 'supabase/functions/api/index.ts'],
      {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          DENO_NO_UPDATE_CHECK: '1',
          // Deno.serve(handler) takes its address from here, as the Supabase runtime gives it its own.
          DENO_SERVE_ADDRESS: `tcp:127.0.0.1:${port}`,
          SUPABASE_DB_URL: databaseUrl,
          JWT_SECRET,
          PASSWORD_SCRYPT_COST: '10',
          KEEL_MASTER_KEY: generateMasterKey(),
          KEEL_TRANSPORT_PRIVATE_KEY: JSON.stringify({ ...privateKey.jwk, kid: privateKey.kid }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    deno.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    deno.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    base = `http://127.0.0.1:${port}/api`;
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      if (deno.exitCode !== null) throw new Error(`deno exited ${deno.exitCode}:\n${output}`);
      try {
        if ((await fetch(`${base}/v1/health`)).ok) break;
      } catch {}
      if (Date.now() > deadline) throw new Error(`the function did not answer in ${STARTUP_TIMEOUT_MS} ms:\n${output}`);
      await new Promise((done) => setTimeout(done, 200));
    }
  }, STARTUP_TIMEOUT_MS + 30_000);

  afterAll(() => {
    deno?.kill('SIGTERM');
  });

  it('reports its database up at /api/v1/health (SUPABASE_DB_URL stands in for DATABASE_URL)', async () => {
    const health = await (await fetch(`${base}/v1/health`)).json();
    expect(health.components.database.state).toBe('up');
  });

  it('signs up, signs in, and creates and lists a bot under the /api prefix', async () => {
    const credentials = { email: `function-${randomUUID()}@functions.test`, password: 'a long enough password' };
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
    expect((await post('/v1/bots', { name: 'function bot', symbols: ['BTC-USDT'] }, token)).status).toBe(201);
    const list = await (await fetch(`${base}/v1/bots`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(list.items.map((bot: { name: string }) => bot.name)).toEqual(['function bot']);
  });

  it("answers an unknown path with the API's problem+json 404, not a bare one", async () => {
    const response = await fetch(`${base}/v1/no-such-route`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect((await response.json()).detail).toContain('/api/v1/no-such-route');
  });
});
