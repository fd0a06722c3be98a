/**
 * The cold tier read from VictoriaMetrics' raw export API (`POST /api/v1/export`), which is what the tests and the
 * self-hosted stack run. VictoriaMetrics stores field `open` of measurement `candles` as the series
 * `candles_open{symbol,timeframe}`, one series per field, so a candle is put back together by time.
 */
import type { Candle } from '@keel/core/market/types.ts';
import {
  CANDLE_FIELDS,
  type CandleField,
  type ColdCandleReader,
  ColdTierReadError,
  DEFAULT_COLD_READ_TIMEOUT_MS,
} from './cold-candle-reader.ts';

interface ExportLine {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

export interface VictoriaExportReaderOptions {
  /** The server's base URL (INFLUX_URL): VictoriaMetrics takes the writes and answers the export on one port. */
  url: string;
  /** Per read; default DEFAULT_COLD_READ_TIMEOUT_MS. */
  timeoutMs?: number;
}

/** A label value as a MetricsQL string literal (JSON's escaping is MetricsQL's: quotes and backslashes). */
const labelValue = (value: string): string => JSON.stringify(value);

export function victoriaExportCandleReader(options: VictoriaExportReaderOptions): ColdCandleReader {
  const store = `VictoriaMetrics at ${new URL(options.url).origin}`;
  return {
    async read(range) {
      const selector =
        `{__name__=~"candles_(${CANDLE_FIELDS.join('|')})",symbol=${labelValue(range.symbol)},` +
        `timeframe=${labelValue(range.timeframe)}}`;
      let text: string;
      try {
        const response = await fetch(`${options.url}/api/v1/export`, {
          method: 'POST',
          body: new URLSearchParams({
            'match[]': selector,
            start: String(range.fromMs / 1000),
            end: String(range.toMs / 1000),
          }),
          signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_COLD_READ_TIMEOUT_MS),
        });
        if (!response.ok) throw new ColdTierReadError(`cold tier (${store}) export answered ${response.status}`);
        text = await response.text();
      } catch (error) {
        if (error instanceof ColdTierReadError) throw error;
        throw new ColdTierReadError(`cold tier (${store}) unreachable: ${(error as Error).message}`);
      }
      return candlesFromExport(text);
    },
  };
}

function candlesFromExport(text: string): Candle[] {
  const byTime = new Map<number, Partial<Record<CandleField, number>>>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const series = JSON.parse(line) as ExportLine;
    const field = series.metric.__name__?.slice('candles_'.length) as CandleField;
    series.timestamps.forEach((time, i) => {
      const row = byTime.get(time) ?? {};
      row[field] = series.values[i] as number;
      byTime.set(time, row);
    });
  }
  const candles: Candle[] = [];
  for (const [time, row] of byTime) {
    if (CANDLE_FIELDS.every((field) => row[field] !== undefined)) {
      candles.push({ time, ...(row as Record<CandleField, number>) });
    }
  }
  return candles.sort((a, b) => a.time - b.time);
}
