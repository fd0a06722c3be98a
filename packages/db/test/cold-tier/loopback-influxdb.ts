/**
 * A stand-in InfluxDB 2.x on loopback for the query side, speaking its wire format to the real
 * @influxdata/influxdb-client: `POST /api/v2/query?org=…` with a JSON body carrying the Flux text, answered with
 * annotated CSV (`#datatype`, `#group`, `#default` rows, CRLF line ends, `_time` RFC3339) exactly as InfluxDB
 * answers the reader's pivoted query; `GET /health` answers InfluxDB's JSON. It holds candles per market and
 * answers the range and filter the query names (the reader's query shape only), so the reader's contract suite
 * runs against it as against VictoriaMetrics. Every request is recorded for the tests to look at.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Candle } from '@keel/core/market/types.ts';
import { fluxStringAfter } from './flux-literal.ts';

export interface RecordedQuery {
  org: string | null;
  authorization: string | undefined;
  contentType: string | undefined;
  /** The JSON body: { query, dialect, type }. */
  body: { query: string; type?: string; dialect?: { annotations?: string[] } };
}

/** A stored point: all five fields, or some of them (a write cut short). */
export type StoredCandle = Partial<Candle> & { time: number };

export interface LoopbackInfluxDb {
  url: string;
  token: string;
  queries: RecordedQuery[];
  store(symbol: string, timeframe: string, candles: readonly StoredCandle[]): void;
  /** The next queries answer this status and InfluxDB's JSON error body (null: answer normally again). */
  failWith(status: number | null): void;
  close(): Promise<void>;
}

const FIELD_COLUMNS = ['close', 'high', 'low', 'open', 'volume'] as const;

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** InfluxDB's RFC3339 text for a time: no fraction when it is whole seconds, else as many digits as needed. */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** The pivoted table as InfluxDB writes it: columns after _time in _field order (the pivot's), CRLF, blank line. */
export function annotatedCsv(candles: readonly StoredCandle[]): string {
  const lines = [
    `#datatype,string,long,dateTime:RFC3339,${FIELD_COLUMNS.map(() => 'double').join(',')}`,
    `#group,false,false,false,${FIELD_COLUMNS.map(() => 'false').join(',')}`,
    `#default,_result,,,${FIELD_COLUMNS.map(() => '').join(',')}`,
    `,result,table,_time,${FIELD_COLUMNS.join(',')}`,
    ...candles.map(
      (candle) => `,,0,${rfc3339(candle.time)},${FIELD_COLUMNS.map((field) => candle[field] ?? '').join(',')}`,
    ),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** The [start, stop) of the query's range(start: time(v: "…"), stop: time(v: "…")). */
function rangeOf(query: string): { startMs: number; stopMs: number } {
  return {
    startMs: Date.parse(fluxStringAfter(query, 'range(start: time(v: ')),
    stopMs: Date.parse(fluxStringAfter(query, 'stop: time(v: ')),
  };
}

export async function startLoopbackInfluxDb(token = 'loopback-influx-token-s3cr3t'): Promise<LoopbackInfluxDb> {
  const markets = new Map<string, StoredCandle[]>();
  const queries: RecordedQuery[] = [];
  let failure: number | null = null;
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://loopback');
    if (request.method === 'GET' && url.pathname === '/health') {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      response.end(
        JSON.stringify({
          name: 'influxdb',
          message: 'ready for queries and writes',
          status: 'pass',
          checks: [],
          version: 'v2.7.11',
          commit: 'fbf5d4ab5e',
        }),
      );
      return;
    }
    if (request.method !== 'POST' || url.pathname !== '/api/v2/query') {
      response.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ code: 'not found', message: 'path not found' }));
      return;
    }
    const recorded: RecordedQuery = {
      org: url.searchParams.get('org'),
      authorization: request.headers.authorization,
      contentType: request.headers['content-type'],
      body: JSON.parse(await bodyOf(request)),
    };
    queries.push(recorded);
    if (failure !== null) {
      response.writeHead(failure, { 'content-type': 'application/json; charset=utf-8' });
      // Echoes the credential it was sent, so a test proves the reader's error never passes it on.
      const message = failure === 401 ? `unauthorized access (${recorded.authorization})` : 'internal error';
      response.end(JSON.stringify({ code: failure === 401 ? 'unauthorized' : 'internal error', message }));
      return;
    }
    if (recorded.authorization !== `Token ${token}`) {
      response.writeHead(401, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ code: 'unauthorized', message: 'unauthorized access' }));
      return;
    }
    const query = recorded.body.query;
    const key = `${fluxStringAfter(query, 'r.symbol == ')}@${fluxStringAfter(query, 'r.timeframe == ')}`;
    const { startMs, stopMs } = rangeOf(query);
    const rows = (markets.get(key) ?? []).filter((candle) => candle.time >= startMs && candle.time < stopMs);
    response.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
    response.end(annotatedCsv(rows));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    queries,
    store(symbol, timeframe, candles) {
      const key = `${symbol}@${timeframe}`;
      const byTime = new Map((markets.get(key) ?? []).map((candle) => [candle.time, candle]));
      for (const candle of candles) byTime.set(candle.time, candle);
      markets.set(
        key,
        [...byTime.values()].sort((a, b) => a.time - b.time),
      );
    },
    failWith(status) {
      failure = status;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
