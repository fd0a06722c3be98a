/**
 * Restarts a process that exits on its own, as the deployment's `restart: unless-stopped` does (deploy/compose.yaml),
 * and remembers why it exited: a fault the process does not survive still shows, as restarts and their reasons.
 */
import type { NodeProcess } from './node-process.ts';

/** Docker waits 100 ms before the first restart (doubling after); the benchmark does the same for the first. */
const RESTART_DELAY_MS = 100;
const EXIT_REASON_CHARS = 300;

export interface Supervised {
  current(): NodeProcess;
  /** One line per unexpected exit: exit code or signal, and the last error the process printed. */
  exits: string[];
  /** Stops the process gracefully and starts it again (an operator's restart: not counted as an exit). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** The last error in the output: pino's JSON lines at level error or above, or a plain line naming an Error. */
function lastError(output: string): string {
  for (const line of output.trim().split('\n').reverse()) {
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string }; error?: string };
      if ((entry.level ?? 0) >= 50) return `${entry.msg ?? ''} ${entry.err?.message ?? entry.error ?? ''}`.trim();
    } catch {
      if (/Error\b/.test(line) && !/^\s+at /.test(line)) return line.trim();
    }
  }
  return 'no error printed';
}

export function supervise(start: () => NodeProcess): Supervised {
  let running = start();
  let stopping = false;
  const exits: string[] = [];
  const expected = new Set<NodeProcess>();
  const watch = (watched: NodeProcess) => {
    void watched.exited().then(async () => {
      if (stopping || expected.has(watched)) return;
      const { exitCode, signalCode } = watched.child;
      exits.push(`${signalCode ?? `exit ${exitCode}`}: ${lastError(watched.output()).slice(0, EXIT_REASON_CHARS)}`);
      await new Promise((done) => setTimeout(done, RESTART_DELAY_MS));
      if (stopping) return;
      running = start();
      watch(running);
    });
  };
  watch(running);
  return {
    current: () => running,
    exits,
    async restart() {
      const previous = running;
      expected.add(previous);
      await previous.stop('SIGTERM');
      running = start();
      watch(running);
    },
    async stop() {
      stopping = true;
      await running.stop('SIGTERM');
    },
  };
}
