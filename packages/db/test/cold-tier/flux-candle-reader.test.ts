/**
 * The Flux reader through the real @influxdata/influxdb-client against a loopback stand-in InfluxDB 2.x
 * (loopback-influxdb.ts): the reader contract; the request as InfluxDB receives it (org, token, the Flux text with
 * its range, filter and escaped values); the store's refusals as clear errors without the token; and the same
 * reader under Deno, where the client must be its fetch build.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ColdTierReadError } from '../../src/cold-tier/cold-candle-reader.ts';
import { candleFluxQuery, fluxCandleReader } from '../../src/cold-tier/flux-candle-reader.ts';
import { coldCandleReaderContract } from './cold-candle-reader.contract.ts';
import { fluxStringAfter } from './flux-literal.ts';
import { type LoopbackInfluxDb, startLoopbackInfluxDb } from './loopback-influxdb.ts';
import { hasSharedData, realHours } from './real-candles.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..');
const denoBin = join(repoRoot, 'node_modules', '.bin', 'deno');
const HOUR_MS = 3_600_000;

let influx: LoopbackInfluxDb;
beforeAll(async () => {
  influx = await startLoopbackInfluxDb();
});
afterAll(() => influx.close());

const readerOn = (store: LoopbackInfluxDb, token = store.token) =>
  fluxCandleReader({ url: store.url, token, org: 'keel org', bucket: 'candles' });

describe.skipIf(!hasSharedData())('Flux reader', () => {
  coldCandleReaderContract('InfluxDB v2 query API (loopback stand-in)', async () => ({
    reader: readerOn(influx),
    async store(symbol, timeframe, candles) {
      influx.store(symbol, timeframe, candles);
    },
  }));

  it('sends InfluxDB the pivoted Flux query for the range, with the org and the token', async () => {
    const [candle] = realHours(1);
    influx.store('BTC-USDT', '1h', [candle as never]);
    const fromMs = Date.UTC(2018, 0, 1);
    const toMs = fromMs + 5 * HOUR_MS;
    influx.queries.length = 0;
    expect(await readerOn(influx).read({ symbol: 'BTC-USDT', timeframe: '1h', fromMs, toMs })).toEqual([candle]);
    const [sent] = influx.queries;
    expect(sent?.org).toBe('keel org');
    expect(sent?.authorization).toBe(`Token ${influx.token}`);
    expect(sent?.body.type).toBe('flux');
    expect(sent?.body.dialect?.annotations).toEqual(['datatype', 'group', 'default']);
    const query = sent?.body.query as string;
    expect(query).toMatch(/^from\(bucket: "candles"\)/);
    // Flux's stop is exclusive: one millisecond past the last open time asked for.
    expect(query).toContain(
      'range(start: time(v: "2018-01-01T00:00:00.000Z"), stop: time(v: "2018-01-01T05:00:00.001Z"))',
    );
    expect(query).toContain('r._measurement == "candles" and r.symbol == "BTC-USDT" and r.timeframe == "1h"');
    expect(query).toContain('pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")');
    expect(query).toContain('keep(columns: ["_time", "open", "high", "low", "close", "volume"])');
  });
});

describe('Flux query escaping', () => {
  it('puts any symbol, bucket and timeframe into the query as exactly that string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string(), fc.string(), (symbol, bucket, timeframe) => {
        const query = candleFluxQuery(bucket, { symbol, timeframe, fromMs: 0, toMs: HOUR_MS }).toString();
        expect(fluxStringAfter(query, 'r.symbol == ')).toBe(symbol);
        expect(fluxStringAfter(query, 'r.timeframe == ')).toBe(timeframe);
        expect(fluxStringAfter(query, 'from(bucket: ')).toBe(bucket);
      }),
    );
  });

  it('escapes a symbol that tries to close the string and add a clause', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the Flux interpolation a symbol tries to smuggle in
    const symbol = 'BTC-USDT" or r.symbol != "${token}\\';
    const query = candleFluxQuery('candles', { symbol, timeframe: '1h', fromMs: 0, toMs: 1 }).toString();
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the same, escaped
    expect(query).toContain('r.symbol == "BTC-USDT\\" or r.symbol != \\"\\${token}\\\\" and r.timeframe == "1h"');
  });
});

describe('Flux reader, store refusing or away', () => {
  const range = { symbol: 'BTC-USDT', timeframe: '1h', fromMs: 0, toMs: HOUR_MS };

  it.each([
    [401, 'answered 401 Unauthorized: unauthorized access'],
    [500, 'answered 500 Internal Server Error: internal error'],
  ])('%i: a ColdTierReadError naming the store, without the token', async (status, says) => {
    influx.failWith(status);
    try {
      const failure = await readerOn(influx)
        .read(range)
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(ColdTierReadError);
      const message = (failure as Error).message;
      expect(message).toContain(`cold tier (InfluxDB at ${influx.url}) ${says}`);
      expect(message).not.toContain(influx.token);
    } finally {
      influx.failWith(null);
    }
  });

  it('a wrong token is refused with 401 and the token is not in the error', async () => {
    const failure = await readerOn(influx, 'a-wrong-token')
      .read(range)
      .catch((error: unknown) => error);
    expect((failure as Error).message).toBe(
      `cold tier (InfluxDB at ${influx.url}) answered 401 Unauthorized: unauthorized access`,
    );
  });

  it('unreachable: a ColdTierReadError naming the store', async () => {
    const reader = fluxCandleReader({ url: 'http://127.0.0.1:9', token: 't0ken', org: 'keel', bucket: 'candles' });
    const failure = await reader.read(range).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ColdTierReadError);
    expect((failure as Error).message).toMatch(/^cold tier \(InfluxDB at http:\/\/127\.0\.0\.1:9\) unreachable: /);
    expect((failure as Error).message).not.toContain('t0ken');
  });
});

/** `deno eval` from the repository root (its node_modules, as edge/src/deno.ts runs); asynchronous, so the stand-in in this process answers. */
function runDeno(script: string): Promise<{ stdout: string; stderr: string; status: number | null }> {
  const child = spawn(denoBin, ['eval', '--ext=ts', script], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, DENO_NO_UPDATE_CHECK: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((done) => child.on('close', (status) => done({ stdout, stderr, status })));
}

describe.skipIf(!existsSync(denoBin) || !hasSharedData())('Flux reader under Deno', () => {
  it('reads through the client’s fetch build (no node:http), as the edge on Deno does', async () => {
    const candles = realHours(3);
    influx.store('ETH-USDT', '1h', candles);
    const script = `
      import { fluxCandleReader } from './packages/db/src/cold-tier/flux-candle-reader.ts';
      const reader = fluxCandleReader(${JSON.stringify({ url: influx.url, token: influx.token, org: 'keel', bucket: 'candles' })});
      const candles = await reader.read(${JSON.stringify({ symbol: 'ETH-USDT', timeframe: '1h', fromMs: candles[0]?.time, toMs: candles[2]?.time })});
      console.log(JSON.stringify({ client: import.meta.resolve('@influxdata/influxdb-client'), candles }));`;
    const { stdout, stderr, status } = await runDeno(script);
    expect(status, stderr).toBe(0);
    const answer = JSON.parse(stdout.trim().split('\n').at(-1) as string);
    expect(answer.client).toMatch(/dist\/index\.browser\.mjs$/);
    expect(answer.candles).toEqual(candles);
  });
});
