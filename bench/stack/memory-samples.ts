/**
 * RSS of each watched process sampled over a run, summarised as start (after warm-up), peak and end: what the
 * machine must have. Leaks are judged on the live heap (heap-probe.ts), not here: RSS includes the garbage V8 has
 * not collected yet, and V8 lets that grow while memory is plentiful.
 */
import type { NodeProcess } from './node-process.ts';

export interface MemorySummary {
  label: string;
  firstQuarterMb: number;
  lastQuarterMb: number;
  peakMb: number;
}

const average = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);

export function sampleMemory(processes: NodeProcess[], intervalMs: number) {
  const samples = new Map<string, number[]>(processes.map((watched) => [watched.label, []]));
  const timer = setInterval(() => {
    for (const watched of processes) {
      const rss = watched.rssMb();
      if (rss !== null) samples.get(watched.label)?.push(rss);
    }
  }, intervalMs);
  return {
    stop(): MemorySummary[] {
      clearInterval(timer);
      return [...samples].map(([label, values]) => {
        const quarter = Math.max(1, Math.floor(values.length / 4));
        const firstQuarterMb = average(values.slice(0, quarter));
        const lastQuarterMb = average(values.slice(-quarter));
        return {
          label,
          firstQuarterMb,
          lastQuarterMb,
          peakMb: Math.max(0, ...values),
        };
      });
    },
  };
}
