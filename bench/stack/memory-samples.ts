/**
 * RSS of each watched process sampled over a run, summarised as start (after warm-up), peak and end: growth from
 * the first to the last quarter of the run is what "no unbounded memory growth" is judged on — a steady heap
 * levels off, a leak keeps climbing.
 */
import type { NodeProcess } from './node-process.ts';

export interface MemorySummary {
  label: string;
  firstQuarterMb: number;
  lastQuarterMb: number;
  peakMb: number;
  /** Mean of the last quarter over the mean of the first; > 1.25 is reported as growth. */
  growth: number;
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
          growth: firstQuarterMb > 0 ? lastQuarterMb / firstQuarterMb : 1,
        };
      });
    },
  };
}
