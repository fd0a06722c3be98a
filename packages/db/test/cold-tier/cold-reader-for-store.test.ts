/**
 * The cold store from the environment (INFLUX_* and INFLUX_QUERY_API, bad values said at startup) and the choice of
 * read API: explicit, or asked once of the store's GET /health — InfluxDB (its loopback stand-in) reads through
 * Flux, a real VictoriaMetrics (VM_URL) through the export API.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ColdTierReadError } from '../../src/cold-tier/cold-candle-reader.ts';
import { coldCandleReaderFor, detectQueryApi } from '../../src/cold-tier/cold-reader-for-store.ts';
import { ColdTierConfigError, coldStoreFromEnv } from '../../src/cold-tier/cold-store-settings.ts';
import { type LoopbackInfluxDb, startLoopbackInfluxDb } from './loopback-influxdb.ts';

const store = {
  INFLUX_URL: 'http://127.0.0.1:8086/',
  INFLUX_TOKEN: 'tok',
  INFLUX_ORG: 'keel',
  INFLUX_BUCKET: 'candles',
};

describe('coldStoreFromEnv', () => {
  it('is null without INFLUX_URL, and reads the four settings with it (trailing slash dropped)', () => {
    expect(coldStoreFromEnv({})).toBeNull();
    expect(coldStoreFromEnv(store)).toEqual({
      url: 'http://127.0.0.1:8086',
      token: 'tok',
      org: 'keel',
      bucket: 'candles',
      queryApi: 'detect',
    });
    expect(coldStoreFromEnv({ ...store, INFLUX_QUERY_API: 'flux' })?.queryApi).toBe('flux');
    expect(coldStoreFromEnv({ ...store, INFLUX_QUERY_API: 'victoria-export' })?.queryApi).toBe('victoria-export');
  });

  it.each([
    [
      { ...store, INFLUX_QUERY_API: 'sql' },
      'INFLUX_QUERY_API must be flux or victoria-export (or unset: asked of the store), got "sql"',
    ],
    [
      { INFLUX_QUERY_API: 'influxql' },
      'INFLUX_QUERY_API must be flux or victoria-export (or unset: asked of the store), got "influxql"',
    ],
    [
      { ...store, INFLUX_TOKEN: '', INFLUX_BUCKET: undefined },
      'INFLUX_URL is set but INFLUX_TOKEN, INFLUX_BUCKET is not',
    ],
    [
      { ...store, INFLUX_URL: 'victoria:8428' },
      'INFLUX_URL must be a URL such as http://127.0.0.1:8086, got "victoria:8428"',
    ],
  ])('refuses a bad setting with a clear message (%#)', (env, message) => {
    expect(() => coldStoreFromEnv(env)).toThrow(new ColdTierConfigError(message));
  });
});

describe('which read API the store speaks', () => {
  let influx: LoopbackInfluxDb;
  beforeAll(async () => {
    influx = await startLoopbackInfluxDb();
  });
  afterAll(() => influx.close());

  it('InfluxDB names itself in GET /health: Flux', async () => {
    expect(await detectQueryApi(influx.url)).toBe('flux');
  });

  it.skipIf(!process.env.VM_URL)('VictoriaMetrics answers a plain OK: the export API', async () => {
    expect(await detectQueryApi(process.env.VM_URL as string)).toBe('victoria-export');
  });

  it('asks once, at the first read, and again only after a failed ask', async () => {
    let healthChecks = 0;
    let up = false;
    // A store that first cannot say what it is (503 and no body is what a proxy in front of it answers), then can.
    const proxy = createServer(async (request, response) => {
      if (request.url === '/health') healthChecks++;
      if (!up) {
        request.socket.destroy();
        return;
      }
      const upstream = await fetch(`${influx.url}${request.url}`, {
        method: request.method ?? 'GET',
        headers: { authorization: request.headers.authorization ?? '', 'content-type': 'application/json' },
        ...(request.method === 'POST' ? { body: await new Response(request as never).text() } : {}),
      });
      response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
      response.end(await upstream.text());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const reader = coldCandleReaderFor({
        url,
        token: influx.token,
        org: 'keel',
        bucket: 'candles',
        queryApi: 'detect',
      });
      const range = { symbol: 'BTC-USDT', timeframe: '1h', fromMs: 0, toMs: 1 };
      await expect(reader.read(range)).rejects.toBeInstanceOf(ColdTierReadError);
      up = true;
      expect(await reader.read(range)).toEqual([]);
      expect(await reader.read(range)).toEqual([]);
      expect(healthChecks).toBe(2);
      expect(influx.queries.at(-1)?.body.type).toBe('flux');
    } finally {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});
