/**
 * A redis-server of the test's own on a free loopback port, to stop and start empty (no persistence, as Keel runs
 * it) or on its data, without disturbing the shared one at REDIS_URL. Needs redis-server on PATH
 * (scripts/services.sh install).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';

export interface PrivateRedis {
  url: string;
  /** Starts the server, empty; resolves when it accepts connections. */
  start(): Promise<void>;
  /** Ends it at once (SIGKILL, synchronous): what it held is gone. */
  kill(): void;
  /** Stops it (SIGTERM) and waits until it exited. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === 'string') throw new Error('no free loopback port');
  return address.port;
}

const READY_LINE = 'Ready to accept connections';
const START_TIMEOUT_MS = 10_000;

export interface PrivateRedisOptions {
  /** Keep the data across stop and start (append-only file, fsync on every write) instead of starting empty. */
  persistent?: boolean;
}

export async function privateRedis(options: PrivateRedisOptions = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const persistence = options.persistent
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', mkdtempSync(join(tmpdir(), 'keel-redis-'))]
    : ['--appendonly', 'no'];
  let server: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  return {
    url: `redis://127.0.0.1:${port}/0`,
    async start() {
      await exited; // the port is free once the previous server is gone
      const child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      server = child;
      exited = new Promise((done) => child.once('exit', () => done()));
      await new Promise<void>((resolve, reject) => {
        let output = '';
        let ready = false;
        const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), START_TIMEOUT_MS);
        child.once('error', reject);
        // Read to the end even once ready: a full pipe would stall the server's logging.
        child.stdout?.on('data', (chunk: Buffer) => {
          if (ready) return;
          output += chunk;
          if (output.includes(READY_LINE)) {
            ready = true;
            clearTimeout(timer);
            resolve();
          }
        });
      });
    },
    kill() {
      server?.kill('SIGKILL');
      server = null;
    },
    async stop() {
      server?.kill('SIGTERM');
      server = null;
      await exited;
    },
  };
}

/**
 * Tests on a private redis-server, which needs it installed: skipped without REDIS_URL (no services started), and
 * a failure when the run requires them (KEEL_REQUIRE_DATABASE=1, as npm test sets).
 */
export function describeWithRedis(name: string, body: () => void): void {
  if (process.env.REDIS_URL) describe(name, body);
  else if (process.env.KEEL_REQUIRE_DATABASE === '1') {
    describe(name, () => {
      it('has redis-server to run', () => {
        throw new Error('REDIS_URL is not set: start the services with `bash scripts/services.sh start`');
      });
    });
  } else describe.skip(`${name} (REDIS_URL is not set: bash scripts/services.sh start)`, body);
}
