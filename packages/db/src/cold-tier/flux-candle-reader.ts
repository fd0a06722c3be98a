/**
 * The cold tier read from a real InfluxDB v2 through its own query API (`POST /api/v2/query`, Flux), sent by
 * @influxdata/influxdb-client's QueryApi. On Deno (and Supabase Edge Functions) the package's `deno` export is its
 * fetch build, so nothing here reaches for `node:http`; on Node it is the package's Node build.
 *
 * Every value put into the query goes through the client's Flux escaping (`flux`, `fluxString`, `fluxDateTime`):
 * the symbol comes from the user.
 */
import {
  flux,
  fluxDateTime,
  fluxString,
  HttpError,
  InfluxDB,
  type ParameterizedQuery,
} from '@influxdata/influxdb-client';
import type { Candle } from '@keel/core/market/types.ts';
import {
  CANDLE_FIELDS,
  type ColdCandleRange,
  type ColdCandleReader,
  ColdTierReadError,
  DEFAULT_COLD_READ_TIMEOUT_MS,
} from './cold-candle-reader.ts';

export interface FluxCandleReaderOptions {
  /** INFLUX_URL. */
  url: string;
  /** INFLUX_TOKEN, sent as `Authorization: Token …`; never in a log line or an error. */
  token: string;
  /** INFLUX_ORG. */
  org: string;
  /** INFLUX_BUCKET. */
  bucket: string;
  /** Per read; default DEFAULT_COLD_READ_TIMEOUT_MS. */
  timeoutMs?: number;
}

const isoTime = (ms: number): string => new Date(ms).toISOString();

/**
 * One market's candles in [fromMs, toMs]: Flux's range stop is exclusive, hence toMs + 1 ms. The pivot puts the five
 * fields of one time on one row, as the candle they were written from.
 */
export function candleFluxQuery(bucket: string, range: ColdCandleRange): ParameterizedQuery {
  return flux`from(bucket: ${fluxString(bucket)})
  |> range(start: ${fluxDateTime(isoTime(range.fromMs))}, stop: ${fluxDateTime(isoTime(range.toMs + 1))})
  |> filter(fn: (r) => r._measurement == "candles" and r.symbol == ${fluxString(range.symbol)} and r.timeframe == ${fluxString(range.timeframe)})
  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")
  |> keep(columns: ["_time", "open", "high", "low", "close", "volume"])
  |> sort(columns: ["_time"])`;
}

export function fluxCandleReader(options: FluxCandleReaderOptions): ColdCandleReader {
  const store = `InfluxDB at ${new URL(options.url).origin}`;
  const queryApi = new InfluxDB({
    url: options.url,
    token: options.token,
    timeout: options.timeoutMs ?? DEFAULT_COLD_READ_TIMEOUT_MS,
  }).getQueryApi(options.org);
  return {
    async read(range) {
      let candles: Candle[];
      try {
        candles = await queryApi.collectRows(candleFluxQuery(options.bucket, range), (values, table) => {
          const time = Date.parse(table.get(values, '_time') as string);
          const fields = CANDLE_FIELDS.map((field) => table.get(values, field) as unknown);
          // A time where not all five fields are stored is no candle (a write cut short), as on VictoriaMetrics.
          if (!Number.isFinite(time) || !fields.every((value) => typeof value === 'number')) return undefined;
          const [open, high, low, close, volume] = fields as number[];
          return { time, open, high, low, close, volume } as Candle;
        });
      } catch (error) {
        throw new ColdTierReadError(`cold tier (${store}) ${failureOf(error, options.token)}`);
      }
      return candles.sort((a, b) => a.time - b.time);
    },
  };
}

/** What went wrong, in the store's words where it gave any, with the token cut out wherever it shows. */
function failureOf(error: unknown, token: string): string {
  const detail =
    error instanceof HttpError
      ? `answered ${error.statusCode}${error.statusMessage ? ` ${error.statusMessage}` : ''}${storeMessage(error)}`
      : `unreachable: ${error instanceof Error ? error.message : String(error)}`;
  return token === '' ? detail : detail.split(token).join('[token]');
}

/** InfluxDB's JSON error body says why (`{"code":"unauthorized","message":"unauthorized access"}`). */
function storeMessage(error: HttpError): string {
  const message = (error.json as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message !== '' ? `: ${message}` : '';
}
