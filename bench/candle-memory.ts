/**
 * Peak memory for a 10-year 1-minute series (≈5.26 M candles): writes a synthetic CSV of that size to a temp
 * folder (the real data has one month of minutes; the shape, not the prices, decides the memory), then loads it in
 * a fresh child process and reports the peak resident memory added by the load, per candle. Target ≤ 64 bytes.
 * Baseline in the same run: the same rows parsed the obvious way (whole file read, split into lines, one object
 * per candle).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printTable, verdict } from './table.ts';

const CANDLES = 10 * 525_960;
const TARGET_BYTES_PER_CANDLE = 64;

function writeSyntheticCsv(path: string): void {
  const fd = openSync(path, 'w');
  let price = 30_000;
  let chunk = 'timestamp,open,high,low,close,volume\n';
  const start = Date.UTC(2016, 0, 1);
  for (let i = 0; i < CANDLES; i++) {
    const open = price;
    price = Math.max(1, price * (1 + Math.sin(i * 0.7) * 0.001));
    const high = Math.max(open, price) * 1.0005;
    const low = Math.min(open, price) * 0.9995;
    chunk += `${start + i * 60_000},${open.toFixed(2)},${high.toFixed(2)},${low.toFixed(2)},${price.toFixed(2)},${(i % 97) + 0.12345}\n`;
    if (chunk.length > 1 << 20) {
      writeSync(fd, chunk);
      chunk = '';
    }
  }
  writeSync(fd, chunk);
  closeSync(fd);
}

/** Runs one loader in a clean process and returns the peak RSS it added, in bytes. */
function peakRssAdded(loader: 'keel' | 'naive', csvPath: string): number {
  const script = `
    const { loadCandlesCsv } = await import(${JSON.stringify(new URL('../packages/core/src/market/csv.ts', import.meta.url).href)});
    const { readFileSync } = await import('node:fs');
    globalThis.gc(); const before = process.memoryUsage().rss;
    let kept;
    if (${JSON.stringify(loader)} === 'keel') kept = loadCandlesCsv(${JSON.stringify(csvPath)});
    else kept = readFileSync(${JSON.stringify(csvPath)}, 'utf8').trim().split('\\n').slice(1).map((line) => {
      const [t, o, h, l, c, v] = line.split(',').map(Number); return { time: t, open: o, high: h, low: l, close: c, volume: v };
    });
    const peak = process.resourceUsage().maxRSS * 1024;
    console.log(JSON.stringify({ added: peak - before, length: kept.length }));`;
  const result = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (result.status !== 0) throw new Error(`memory probe failed: ${result.stderr}`);
  const { added, length } = JSON.parse(result.stdout) as { added: number; length: number };
  if (length !== CANDLES) throw new Error(`loaded ${length} candles, expected ${CANDLES}`);
  return added;
}

export function benchCandleMemory(): void {
  const dir = mkdtempSync(join(tmpdir(), 'keel-bench-mem-'));
  try {
    const csvPath = join(dir, 'SYN-USDT_1m.csv');
    writeSyntheticCsv(csvPath);
    const keel = peakRssAdded('keel', csvPath) / CANDLES;
    const naive = peakRssAdded('naive', csvPath) / CANDLES;
    printTable(
      `Peak memory, ${CANDLES.toLocaleString('en-US')} one-minute candles (10 years)`,
      ['loader', 'bytes/candle', 'vs naive', 'target ≤ 64 B'],
      [
        [
          'keel loadCandlesCsv',
          keel.toFixed(1),
          `${(naive / keel).toFixed(1)}× less`,
          verdict(keel <= TARGET_BYTES_PER_CANDLE),
        ],
        ['naive (read, split, objects)', naive.toFixed(1), '1.0×', ''],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
