/**
 * The Fear & Greed provider against a loopback server answering in alternative.me's shape (the response below is
 * the API's documented answer, timestamps moved): available when fresh; masked — NaN, available false, a reason —
 * when the server fails, answers nonsense, keeps serving an old value, or the provider is not configured.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { fearGreedProvider, parseFearGreed } from '../../src/signals/fear-greed-provider.ts';
import { absentSignal, signalFeatureColumns } from '../../src/signals/signal-provider.ts';

const HOUR_MS = 3_600_000;
const PUBLISHED_MS = Date.UTC(2025, 10, 20);

function recordedAnswer(value: string, publishedMs: number) {
  return {
    name: 'Fear and Greed Index',
    data: [
      {
        value,
        value_classification: 'Extreme Fear',
        timestamp: String(publishedMs / 1000),
        time_until_update: '52245',
      },
    ],
    metadata: { error: null },
  };
}

/** What the loopback API answers next: a status and a body. */
let answer: { status: number; body: unknown } = { status: 200, body: recordedAnswer('11', PUBLISHED_MS) };
let requests = 0;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    requests++;
    if (!request.url?.startsWith('/fng/')) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' });
    response.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const provider = () =>
  fearGreedProvider({ baseUrl, logger: silentLogger, refreshMs: 0, retryAfterFailureMs: 0, timeoutMs: 2_000 });

describe('Fear & Greed provider', () => {
  it('reads a fresh value as available, with its own observation time', async () => {
    answer = { status: 200, body: recordedAnswer('11', PUBLISHED_MS) };
    expect(await provider().read(PUBLISHED_MS + 5 * HOUR_MS)).toEqual({
      value: 11,
      available: true,
      observedAtMs: PUBLISHED_MS,
      maskedBecause: null,
    });
  });

  it('is masked when the server fails and there is no value yet', async () => {
    answer = { status: 503, body: '<html>503</html>' };
    const reading = await provider().read(PUBLISHED_MS);
    expect(reading.value).toBeNaN();
    expect(reading.available).toBe(false);
    expect(reading.maskedBecause).toMatch(/provider failing: HTTP 503/);
  });

  it('is masked as stale when the server keeps serving a value older than 36 h', async () => {
    answer = { status: 200, body: recordedAnswer('64', PUBLISHED_MS) };
    const reading = await provider().read(PUBLISHED_MS + 37 * HOUR_MS);
    expect(reading).toMatchObject({ available: false, observedAtMs: PUBLISHED_MS });
    expect(reading.value).toBeNaN();
    expect(reading.maskedBecause).toMatch(/^stale: observed 37 h ago/);
  });

  it('keeps a fresh value through a failure, and masks it once it is older than 36 h', async () => {
    const fearGreed = provider();
    answer = { status: 200, body: recordedAnswer('40', PUBLISHED_MS) };
    expect((await fearGreed.read(PUBLISHED_MS + HOUR_MS)).value).toBe(40);
    answer = { status: 500, body: '{}' };
    expect(await fearGreed.read(PUBLISHED_MS + 20 * HOUR_MS)).toMatchObject({ value: 40, available: true });
    const later = await fearGreed.read(PUBLISHED_MS + 40 * HOUR_MS);
    expect(later.available).toBe(false);
    expect(later.value).toBeNaN();
    expect(later.maskedBecause).toMatch(/stale: observed 40 h ago \(provider failing: HTTP 500\)/);
  });

  it('asks the API at most once per refresh interval', async () => {
    answer = { status: 200, body: recordedAnswer('40', PUBLISHED_MS) };
    const fearGreed = fearGreedProvider({ baseUrl, logger: silentLogger, refreshMs: 15 * 60_000 });
    const before = requests;
    await fearGreed.read(PUBLISHED_MS);
    await fearGreed.read(PUBLISHED_MS + 60_000);
    expect(requests - before).toBe(1);
    await fearGreed.read(PUBLISHED_MS + 16 * 60_000);
    expect(requests - before).toBe(2);
  });

  it('masks an answer it does not understand, with the reason', async () => {
    answer = { status: 200, body: { data: [{ value: 'greedy', timestamp: '1' }] } };
    expect((await provider().read(PUBLISHED_MS)).maskedBecause).toMatch(/value "greedy" is not an index/);
    answer = { status: 200, body: 'not json' };
    expect((await provider().read(PUBLISHED_MS)).available).toBe(false);
    expect(() => parseFearGreed({ data: [] })).toThrow(/no data entries/);
  });

  it('an absent provider is masked and says how to enable it; feature columns are 0 when masked', async () => {
    const reading = await absentSignal('fear_greed', 'set FEAR_GREED_URL').read(PUBLISHED_MS);
    expect(reading.maskedBecause).toBe('not configured (set FEAR_GREED_URL)');
    const scale = (index: number) => (index - 50) / 50;
    expect(signalFeatureColumns('fear_greed', reading, scale)).toEqual({ fear_greed: 0, fear_greed_available: 0 });
    const fresh = { value: 75, available: true, observedAtMs: PUBLISHED_MS, maskedBecause: null };
    expect(signalFeatureColumns('fear_greed', fresh, scale)).toEqual({ fear_greed: 0.5, fear_greed_available: 1 });
  });
});
