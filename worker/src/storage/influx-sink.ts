/**
 * The cold tier's writer: InfluxDB v2 `/api/v2/write` through @influxdata/influxdb-client, millisecond precision.
 *   candles,symbol=BTC-USDT,timeframe=1h open=…,high=…,low=…,close=…,volume=… <open time ms>
 *   equity,bot_id=<uuid> equity_quote=…,cash_quote=… <candle time ms>
 * Points are queued in memory and sent in batches (every `flushIntervalMs`, or at `batchSize` points). A batch the
 * server refuses or cannot take goes to the DiskPointBuffer, and while that buffer holds anything every new batch
 * is appended behind it, so points reach the store in the order they were made. The buffer is replayed at each
 * flush until the store answers again. Re-sending is harmless: InfluxDB (and VictoriaMetrics with deduplication)
 * treat a point as identified by measurement + tags + timestamp, so a point sent twice is stored once — this is
 * what makes "replay the whole buffer after a partial failure" safe.
 *
 * Not durable: points still in memory when the process dies (at most one flush interval). Both are re-derivable:
 * equity points are in Postgres for good, candles for 30 days there and forever at the venue.
 */

import { InfluxDB, Point, setLogger } from '@influxdata/influxdb-client';
import type { Candle } from '@keel/core/market/types.ts';
import type { Logger } from '../logger.ts';
import { DiskPointBuffer } from './disk-point-buffer.ts';
import type { EquityPoint, TimeSeriesSink } from './time-series-sink.ts';

export interface InfluxSinkOptions {
  url: string;
  /** Sent as `Authorization: Token …`; never logged. */
  token: string;
  org: string;
  bucket: string;
  /** The on-disk buffer's file (under the worker's state folder). */
  bufferPath: string;
  logger: Logger;
  /** Default 256 MiB. */
  maxBufferBytes?: number;
  /** Default 5 s; 0: only explicit flush() (tests). */
  flushIntervalMs?: number;
  /** Queued points that trigger a flush; default 5000. */
  batchSize?: number;
  /** Per write request; default 10 s. */
  timeoutMs?: number;
}

const DEFAULT_MAX_BUFFER_BYTES = 256 * 1024 * 1024;
const DEFAULT_FLUSH_INTERVAL_MS = 5_000;
const DEFAULT_BATCH_SIZE = 5_000;
/** Lines per write request (InfluxDB's recommended batch size). */
const SEND_CHUNK_LINES = 5_000;
// The client prints each failed write to the console itself; InfluxSink logs them once, with the count, instead.
setLogger({ error() {}, warn() {} });

const MS_PRECISION = { convertTime: (time: Date | number | string | undefined) => String(time) };

function candlePoint(symbol: string, timeframe: string, candle: Candle): Point {
  return new Point('candles')
    .tag('symbol', symbol)
    .tag('timeframe', timeframe)
    .floatField('open', candle.open)
    .floatField('high', candle.high)
    .floatField('low', candle.low)
    .floatField('close', candle.close)
    .floatField('volume', candle.volume)
    .timestamp(candle.time);
}

/** A candle as the line the sink writes for it (the downsampler writes its coarser candles the same way). */
export function candleLine(symbol: string, timeframe: string, candle: Candle): string {
  return candlePoint(symbol, timeframe, candle).toLineProtocol(MS_PRECISION) as string;
}

export interface InfluxLineWriterOptions {
  url: string;
  /** Sent as `Authorization: Token …`; never logged. */
  token: string;
  org: string;
  bucket: string;
  /** Per write request; default 10 s. */
  timeoutMs?: number;
}

/**
 * Lines written at once, no queue and no disk buffer: resolves when the store accepted them, rejects otherwise
 * (the downsampler marks a chunk done only once its candles are in).
 */
export function influxLineWriter(options: InfluxLineWriterOptions): (lines: readonly string[]) => Promise<void> {
  const influx = new InfluxDB({ url: options.url, token: options.token, timeout: options.timeoutMs ?? 10_000 });
  return async (lines) => {
    for (let start = 0; start < lines.length; start += SEND_CHUNK_LINES) {
      const chunk = lines.slice(start, start + SEND_CHUNK_LINES);
      const writeApi = influx.getWriteApi(options.org, options.bucket, 'ms', {
        batchSize: chunk.length + 1,
        flushInterval: 0,
        maxRetries: 0,
      });
      writeApi.writeRecords(chunk);
      await writeApi.close();
    }
  };
}

export interface InfluxSinkCounters {
  /** Points accepted by the store. */
  written: number;
  /** Points that went to the disk buffer. */
  buffered: number;
  /** Points refused by a full disk buffer: the only loss, logged each time. */
  dropped: number;
}

export class InfluxSink implements TimeSeriesSink {
  readonly counters: InfluxSinkCounters = { written: 0, buffered: 0, dropped: 0 };
  readonly buffer: DiskPointBuffer;
  private readonly influx: InfluxDB;
  private readonly options: InfluxSinkOptions;
  private pending: string[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private batchFlushQueued = false;
  private readonly timer: NodeJS.Timeout | null;

  constructor(options: InfluxSinkOptions) {
    this.options = options;
    this.influx = new InfluxDB({ url: options.url, token: options.token, timeout: options.timeoutMs ?? 10_000 });
    this.buffer = new DiskPointBuffer(options.bufferPath, options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES);
    const intervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.timer = intervalMs > 0 ? setInterval(() => void this.flush(), intervalMs) : null;
    this.timer?.unref();
  }

  writeCandle(symbol: string, timeframe: string, candle: Candle): void {
    this.queue(candlePoint(symbol, timeframe, candle));
  }

  writeEquity(point: EquityPoint): void {
    this.queue(
      new Point('equity')
        .tag('bot_id', point.botId)
        .floatField('equity_quote', Number(point.equityQuote))
        .floatField('cash_quote', Number(point.cashQuote))
        .timestamp(point.timeMs),
    );
  }

  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.flushNow());
    return this.flushing;
  }

  async close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    await this.flush();
  }

  private queue(point: Point): void {
    const line = point.toLineProtocol(MS_PRECISION);
    if (line === undefined) return;
    this.pending.push(line);
    // One flush per full batch: the ones queued behind it would find nothing new to send.
    if (this.pending.length >= (this.options.batchSize ?? DEFAULT_BATCH_SIZE) && !this.batchFlushQueued) {
      this.batchFlushQueued = true;
      void this.flush().finally(() => {
        this.batchFlushQueued = false;
      });
    }
  }

  private async flushNow(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (this.buffer.isEmpty) {
      this.toDisk(batch.slice(await this.sendInOrder(batch)));
      return;
    }
    this.toDisk(batch);
    const lines = this.buffer.lines();
    const sent = await this.sendInOrder(lines);
    if (sent === 0) return;
    this.buffer.replaceWith(lines.slice(sent));
    if (sent === lines.length) {
      this.options.logger.info({ points: lines.length }, 'time-series store is back: buffered points replayed');
    }
  }

  /** Sends `lines` in requests of at most SEND_CHUNK_LINES, oldest first; returns how many were sent before a failure. */
  private async sendInOrder(lines: string[]): Promise<number> {
    for (let start = 0; start < lines.length; start += SEND_CHUNK_LINES) {
      if (!(await this.send(lines.slice(start, start + SEND_CHUNK_LINES)))) return start;
    }
    return lines.length;
  }

  private async send(lines: string[]): Promise<boolean> {
    if (lines.length === 0) return true;
    const writeApi = this.influx.getWriteApi(this.options.org, this.options.bucket, 'ms', {
      batchSize: lines.length + 1,
      flushInterval: 0,
      maxRetries: 0,
    });
    writeApi.writeRecords(lines);
    try {
      await writeApi.close();
      this.counters.written += lines.length;
      return true;
    } catch (error) {
      this.options.logger.warn(
        { points: lines.length, error: error instanceof Error ? error.message : String(error) },
        'time-series store write failed: points kept on disk',
      );
      return false;
    }
  }

  private toDisk(lines: string[]): void {
    if (lines.length === 0) return;
    if (this.buffer.append(lines)) {
      this.counters.buffered += lines.length;
      return;
    }
    this.counters.dropped += lines.length;
    this.options.logger.error(
      { points: lines.length, bufferPath: this.buffer.path, maxBytes: this.buffer.maxBytes },
      'time-series disk buffer FULL: points dropped (the store has been down too long; raise INFLUX_BUFFER_MAX_MB or bring it back)',
    );
  }
}
