/**
 * A Keel process the benchmarks run and watch from outside (`npm run start:worker`, `npm run start:edge`): spawned
 * with Node directly (no npm wrapper), so its pid is the process whose memory is sampled; the tail of its output is
 * kept for the error message when it dies.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const OUTPUT_TAIL_CHUNKS = 50;
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
  /** Resolves when the process has exited. */
  exited(): Promise<void>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnNode(label: string, script: string, env: NodeJS.ProcessEnv): NodeProcess {
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(chunk.toString());
    if (tail.length > OUTPUT_TAIL_CHUNKS) tail.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exit = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    label,
    child,
    output: () => tail.join(''),
    rssMb() {
      if (child.exitCode !== null || child.signalCode !== null) return null;
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
        return Number.isFinite(kib) ? kib / 1024 : null;
      } catch {
        return null;
      }
    },
    exited: () => exit,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exit;
    },
  };
}
