/**
 * A throwaway PostgreSQL + Redis + VictoriaMetrics of the benchmark's own (scripts/services.sh on free loopback
 * ports, state under its own folder): the fault benchmark stops and restarts them, and the load benchmark fills
 * the database with thousands of users, so neither may use the services other suites or engineers share.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const SERVICES_SCRIPT = resolve(import.meta.dirname, '..', '..', 'scripts', 'services.sh');
const run = promisify(execFile);

export type ServiceName = 'pg' | 'redis' | 'vm';

export interface OwnServices {
  databaseUrl: string;
  redisUrl: string;
  victoriaUrl: string;
  /** Stops one service, keeping its data (Redis has none: no persistence). */
  down(service: ServiceName): Promise<void>;
  /** Starts it again on the data it had; resolves when it answers. */
  up(service: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  await new Promise((done) => server.close(done));
  if (address === null || typeof address === 'string') throw new Error('no free loopback port');
  return address.port;
}

export async function startOwnServices(label: string): Promise<OwnServices> {
  const dir = join(tmpdir(), `keel-bench-${label}-${process.pid}`);
  const env = {
    ...process.env,
    SVC_DIR: dir,
    PG_PORT: String(await freePort()),
    REDIS_PORT: String(await freePort()),
    VM_PORT: String(await freePort()),
  };
  const services = (...args: string[]) => run('bash', [SERVICES_SCRIPT, ...args], { env });
  await services('start');
  return {
    databaseUrl: `postgres://postgres@127.0.0.1:${env.PG_PORT}/keel`,
    redisUrl: `redis://127.0.0.1:${env.REDIS_PORT}/0`,
    victoriaUrl: `http://127.0.0.1:${env.VM_PORT}`,
    down: async (service) => void (await services('down', service)),
    up: async (service) => void (await services('up', service)),
    async stop() {
      await services('stop');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
