/**
 * Candles written to a real VictoriaMetrics the way the worker writes them (InfluxDB line protocol through
 * `/api/v2/write`, ms precision; worker/src/storage/influx-sink.ts), returning once they can be read back.
 */
import type { StoredCandle } from './loopback-influxdb.ts';

const FIELDS = ['open', 'high', 'low', 'close', 'volume'] as const;
const POLL_MS = 50;
const POLL_ATTEMPTS = 600;

/** The reason to skip, or null with VM_URL set; throws when services are required (under `npm test`). */
export function missingVictoria(): string | null {
  if (process.env.VM_URL) return null;
  if (process.env.KEEL_REQUIRE_DATABASE === '1') {
    throw new Error('VM_URL is not set: npm test starts it (scripts/services.sh)');
  }
  return 'VM_URL is not set (start scripts/services.sh and eval its env to run these tests)';
}

/** A candle as the worker's line: numbers in their shortest exact text; fields it lacks left out. */
function line(symbol: string, timeframe: string, candle: StoredCandle): string {
  const fields = FIELDS.filter((field) => candle[field] !== undefined).map((field) => `${field}=${candle[field]}`);
  return `candles,symbol=${symbol},timeframe=${timeframe} ${fields.join(',')} ${candle.time}`;
}

async function sampleCount(url: string, symbol: string, timeframe: string): Promise<number> {
  await fetch(`${url}/internal/force_flush`);
  const response = await fetch(`${url}/api/v1/export`, {
    method: 'POST',
    body: new URLSearchParams({
      'match[]': `{__name__=~"candles_.*",symbol="${symbol}",timeframe="${timeframe}"}`,
      start: '0',
    }),
  });
  return (await response.text())
    .split('\n')
    .filter((text) => text.trim() !== '')
    .reduce((sum, text) => sum + (JSON.parse(text) as { values: number[] }).values.length, 0);
}

/**
 * Writes `candles` of one market and waits until VictoriaMetrics shows all their samples (fresh writes are
 * searchable only after a flush: polled, no fixed sleep). `samplesBefore`: what the market held already; returns
 * what it holds now.
 */
export async function writeToVictoria(
  url: string,
  symbol: string,
  timeframe: string,
  candles: readonly StoredCandle[],
  samplesBefore = 0,
): Promise<number> {
  const response = await fetch(`${url}/api/v2/write?org=keel&bucket=keel&precision=ms`, {
    method: 'POST',
    body: candles.map((candle) => line(symbol, timeframe, candle)).join('\n'),
  });
  if (response.status !== 204) throw new Error(`VictoriaMetrics refused the write: ${response.status}`);
  const expected =
    samplesBefore +
    candles.reduce((sum, candle) => sum + FIELDS.filter((field) => candle[field] !== undefined).length, 0);
  for (let attempt = 0; (await sampleCount(url, symbol, timeframe)) < expected; attempt++) {
    if (attempt > POLL_ATTEMPTS) throw new Error(`VictoriaMetrics never showed ${expected} samples of ${symbol}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return expected;
}
