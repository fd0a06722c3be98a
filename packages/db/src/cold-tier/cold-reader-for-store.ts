/**
 * The cold-candle reader for a configured store: Flux on InfluxDB v2, the export API on VictoriaMetrics. With
 * INFLUX_QUERY_API unset the store is asked once, at the first read (not at startup: the edge starts without it),
 * through GET /health — InfluxDB answers JSON naming itself (`"name":"influxdb"`), VictoriaMetrics a plain "OK".
 * A store that cannot be asked is asked again at the next read.
 */
import { type ColdCandleReader, ColdTierReadError, DEFAULT_COLD_READ_TIMEOUT_MS } from './cold-candle-reader.ts';
import type { ColdQueryApi, ColdStoreSettings } from './cold-store-settings.ts';
import { fluxCandleReader } from './flux-candle-reader.ts';
import { victoriaExportCandleReader } from './victoria-export-reader.ts';

export interface ColdReaderOptions {
  /** Per request; default DEFAULT_COLD_READ_TIMEOUT_MS. */
  timeoutMs?: number;
}

export function coldCandleReaderFor(store: ColdStoreSettings, options: ColdReaderOptions = {}): ColdCandleReader {
  const timeoutMs = options.timeoutMs ?? DEFAULT_COLD_READ_TIMEOUT_MS;
  if (store.queryApi !== 'detect') return readerOf(store, store.queryApi, timeoutMs);
  let detected: Promise<ColdCandleReader> | null = null;
  return {
    read(range) {
      detected ??= detectQueryApi(store.url, timeoutMs).then(
        (api) => readerOf(store, api, timeoutMs),
        (error: unknown) => {
          detected = null;
          throw error;
        },
      );
      return detected.then((reader) => reader.read(range));
    },
  };
}

function readerOf(store: ColdStoreSettings, api: ColdQueryApi, timeoutMs: number): ColdCandleReader {
  return api === 'flux'
    ? fluxCandleReader({ ...store, timeoutMs })
    : victoriaExportCandleReader({ ...store, timeoutMs });
}

/** Which read API the store at `url` speaks, from its GET /health. */
export async function detectQueryApi(url: string, timeoutMs = DEFAULT_COLD_READ_TIMEOUT_MS): Promise<ColdQueryApi> {
  let body: string;
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    body = await response.text();
  } catch (error) {
    throw new ColdTierReadError(
      `cold tier at ${new URL(url).origin} unreachable (asking which store it is): ${(error as Error).message}`,
    );
  }
  return namesInfluxDb(body) ? 'flux' : 'victoria-export';
}

function namesInfluxDb(body: string): boolean {
  try {
    return (JSON.parse(body) as { name?: unknown } | null)?.name === 'influxdb';
  } catch {
    return false;
  }
}
