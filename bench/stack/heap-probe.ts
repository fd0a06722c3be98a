/**
 * Preloaded (`node --import`) into the Keel processes a benchmark spawns with a heap probe (node-process.ts), never
 * into Keel itself: on SIGUSR2 it collects all garbage and appends the heap still live, in bytes, as one line to
 * KEEL_HEAP_PROBE_FILE. RSS cannot tell a leak from V8 taking its time to collect (measured here: a worker's RSS
 * climbed 1.4 → 2.3 GiB in 48 s while its live heap stayed at 430–450 MiB); the live heap after a full collection
 * can, for the price of one collection's pause at each probe.
 */
import { appendFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const probeFile = process.env.KEEL_HEAP_PROBE_FILE;
if (probeFile !== undefined && probeFile !== '') {
  // The flag is read when a context is made: the new context gets gc(), this one's globals stay as they were.
  setFlagsFromString('--expose-gc');
  const collectGarbage = runInNewContext('gc') as () => void;
  process.on('SIGUSR2', () => {
    collectGarbage();
    appendFileSync(probeFile, `${process.memoryUsage().heapUsed}\n`);
  });
}
