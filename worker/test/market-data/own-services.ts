/**
 * Real VictoriaMetrics and Redis processes owned by one test, so it can stop and restart them mid-run (the shared
 * services of VM_URL/REDIS_URL must stay up for the other suites). Each gets a free loopback port and its own
 * folder; only runs where the services exist (VM_URL / REDIS_URL set means scripts/services.sh installed them).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const servicesRequired = process.env.KEEL_REQUIRE_DATABASE === '1';

/** The reason to skip, or null when the services are there; throws when they are required (under `npm test`). */
export function missingService(variable: 'VM_URL' | 'REDIS_URL'): string | null {
  if (process.env[variable]) return null;
  if (servicesRequired) throw new Error(`${variable} is not set: npm test starts it (scripts/services.sh)`);
  return `${variable} is not set (start scripts/services.sh and eval its env to run these tests)`;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A server process that can be stopped and started again on the same port and storage. */
export class OwnService {
  readonly port: number;
  readonly dir: string;
  private readonly scheme: 'http' | 'redis';
  private readonly command: (port: number, dir: string) => [string, string[]];
  private readonly ready: (port: number) => Promise<boolean>;
  private process: ChildProcess | null = null;

  private constructor(
    scheme: 'http' | 'redis',
    port: number,
    dir: string,
    command: (port: number, dir: string) => [string, string[]],
    ready: (port: number) => Promise<boolean>,
  ) {
    this.scheme = scheme;
    this.port = port;
    this.dir = dir;
    this.command = command;
    this.ready = ready;
  }

  static async victoriaMetrics(): Promise<OwnService> {
    const service = new OwnService(
      'http',
      await freePort(),
      mkdtempSync(join(tmpdir(), 'keel-vm-')),
      (port, dir) => [
        'victoria-metrics',
        [
          `-storageDataPath=${dir}`,
          `-httpListenAddr=127.0.0.1:${port}`,
          '-retentionPeriod=100y',
          '-search.latencyOffset=0s',
          '-search.disableCache',
        ],
      ],
      async (port) => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.ok === true,
    );
    await service.start();
    return service;
  }

  static async redis(): Promise<OwnService> {
    const service = new OwnService(
      'redis',
      await freePort(),
      mkdtempSync(join(tmpdir(), 'keel-redis-')),
      (port, dir) => ['redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir]],
      async (port) => {
        const { Redis } = await import('ioredis');
        const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
        probe.on('error', () => {});
        const ok = await probe
          .connect()
          .then(() => probe.ping())
          .then(() => true)
          .catch(() => false);
        probe.disconnect();
        return ok;
      },
    );
    await service.start();
    return service;
  }

  get url(): string {
    return `${this.scheme}://127.0.0.1:${this.port}${this.scheme === 'redis' ? '/0' : ''}`;
  }

  async start(): Promise<void> {
    const [binary, args] = this.command(this.port, this.dir);
    this.process = spawn(binary, args, { stdio: 'ignore' });
    for (let attempt = 0; attempt < 300; attempt++) {
      if (await this.ready(this.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${binary} did not become ready on port ${this.port}`);
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (child === null || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    this.process = null;
  }
}

/** Raw samples of a VictoriaMetrics selector (flushed first: fresh writes are not searchable at once). */
export async function exportSamples(
  victoriaUrl: string,
  selector: string,
): Promise<{ metric: Record<string, string>; values: number[]; timestamps: number[] }[]> {
  await fetch(`${victoriaUrl}/internal/force_flush`);
  const response = await fetch(`${victoriaUrl}/api/v1/export`, {
    method: 'POST',
    body: new URLSearchParams({ 'match[]': selector, start: '0' }),
  });
  const text = (await response.text()).trim();
  return text === '' ? [] : text.split('\n').map((line) => JSON.parse(line));
}

/** Polls until `selector` has `expected` samples in all (or more); returns the last count. */
export async function waitForSampleCount(victoriaUrl: string, selector: string, expected: number): Promise<number> {
  let count = 0;
  for (let attempt = 0; attempt < 300; attempt++) {
    count = (await exportSamples(victoriaUrl, selector)).reduce((sum, series) => sum + series.values.length, 0);
    if (count >= expected) return count;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return count;
}

/** Polls `probe` until it holds (no fixed sleeps: the services take their own time). */
export async function waitForCondition(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
