/**
 * A Keel process the benchmarks run and watch from outside (`npm run start:worker`, `npm run start:edge`): spawned
 * with Node directly (no npm wrapper), so its pid is the process whose memory is sampled; the tail of its output is
 * kept for the error message when it dies.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const OUTPUT_TAIL_CHUNKS = 50;
const HEAP_PROBE = pathToFileURL(resolve(import.meta.dirname, 'heap-probe.ts')).href;
const HEAP_PROBE_POLL_MS = 50;
/** A full collection of a few GiB of heap takes well under a second; a process that never answers is stuck. */
const HEAP_PROBE_TIMEOUT_MS = 30_000;
const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export const START_WORKER = resolve(REPO_ROOT, 'worker', 'src', 'start-worker.ts');
export const START_EDGE = resolve(REPO_ROOT, 'edge', 'src', 'node.ts');

export interface NodeProcess {
  label: string;
  child: ChildProcess;
  /** The last lines it wrote (stdout and stderr). */
  output(): string;
  /** Resident set size now, in MiB; null once it has exited. */
  rssMb(): number | null;
  /**
   * The heap still live after a full garbage collection, in MiB (heap-probe.ts), for a process spawned with
   * `heapProbe`; null without the probe or once it has exited.
   */
  liveHeapMb(): Promise<number | null>;
  /** Resolves when the process has exited. */
  exited(): Promise<void>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface SpawnOptions {
  /** Preload heap-probe.ts, for liveHeapMb(). */
  heapProbe?: boolean;
}

export function spawnNode(
  label: string,
  script: string,
  env: NodeJS.ProcessEnv,
  options: SpawnOptions = {},
): NodeProcess {
  const probeDir = options.heapProbe ? mkdtempSync(join(tmpdir(), 'keel-heap-probe-')) : null;
  const probeFile = probeDir === null ? null : join(probeDir, 'live-heap');
  const childEnv =
    probeFile === null
      ? env
      : {
          ...env,
          NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --import ${HEAP_PROBE}`.trim(),
          KEEL_HEAP_PROBE_FILE: probeFile,
        };
  const child = spawn(process.execPath, [script], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(chunk.toString());
    if (tail.length > OUTPUT_TAIL_CHUNKS) tail.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exit = new Promise<void>((done) =>
    child.once('exit', () => {
      if (probeDir !== null) rmSync(probeDir, { recursive: true, force: true });
      done();
    }),
  );
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    label,
    child,
    output: () => tail.join(''),
    rssMb() {
      if (!running()) return null;
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
        return Number.isFinite(kib) ? kib / 1024 : null;
      } catch {
        return null;
      }
    },
    async liveHeapMb() {
      if (probeFile === null || !running()) return null;
      const answered = probeLines(probeFile).length;
      child.kill('SIGUSR2');
      const deadline = Date.now() + HEAP_PROBE_TIMEOUT_MS;
      while (running() && Date.now() < deadline) {
        const lines = probeLines(probeFile);
        if (lines.length > answered) return Number(lines[lines.length - 1]) / 2 ** 20;
        await new Promise((done) => setTimeout(done, HEAP_PROBE_POLL_MS));
      }
      return null;
    },
    exited: () => exit,
    async stop(signal = 'SIGTERM') {
      if (running()) child.kill(signal);
      await exit;
    },
  };
}

/** The probe's answers so far (none before the first). */
function probeLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
  } catch {
    return [];
  }
}
