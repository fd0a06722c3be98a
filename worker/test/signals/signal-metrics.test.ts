/**
 * The signal providers' metrics, read from the worker's prom-client registry: keel_signal_polls_total counts each
 * refresh of a provider's API by outcome (ok, or what failed: status, rate limit, timeout, no answer, an answer not
 * understood), and keel_signal_age_seconds says how old each signal's newest value is — still growing while its
 * provider fails. The providers run against loopback APIs replaying recorded answers (fixtures/).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { createWorkerMetrics, type WorkerMetrics } from '../../src/observability/metrics.ts';
import { coinGeckoGlobalProviders } from '../../src/signals/coingecko-global-provider.ts';
import { etherscanGasProvider } from '../../src/signals/etherscan-gas-provider.ts';
import type { SignalProvider } from '../../src/signals/signal-provider.ts';
import { signalsFromEnv } from '../../src/signals/signals-from-env.ts';
import { fixture, type LoopbackJsonApi, startLoopbackJsonApi } from './loopback-json-api.ts';

const API_KEY = 'etherscan-k3y-never-in-a-metric';
const recordedGlobal = fixture('coingecko-global.json') as { data: { updated_at: number } };
const UPDATED_MS = recordedGlobal.data.updated_at * 1000;
const MINUTE_MS = 60_000;

let api: LoopbackJsonApi;
beforeAll(async () => {
  api = await startLoopbackJsonApi();
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests.length = 0;
  api.answer('/api/v3/global', { status: 200, body: recordedGlobal });
  api.answer('/v2/api', { status: 200, body: fixture('etherscan-gasoracle.json') });
});

/** CoinGecko's two signals, refreshed on every read (no wait after a failure), reporting to `metrics`. */
function coinGecko(metrics: WorkerMetrics, baseUrl = api.url, timeoutMs = 2_000) {
  const [marketCap, dominance] = coinGeckoGlobalProviders({
    baseUrl,
    logger: silentLogger,
    metrics,
    refreshMs: 0,
    retryAfterFailureMs: 0,
    timeoutMs,
  }) as [SignalProvider, SignalProvider];
  return { marketCap, dominance };
}

async function polls(metrics: WorkerMetrics): Promise<Record<string, number>> {
  const counted: Record<string, number> = {};
  for (const { labels, value } of (await metrics.signalPolls.get()).values) {
    counted[`${labels.provider} ${labels.outcome}`] = value;
  }
  return counted;
}

/** The ages scraped, with the wall-clock window the scrape happened in. */
async function ages(metrics: WorkerMetrics) {
  const scrapedAfterMs = Date.now();
  const gauge = await metrics.registry.getSingleMetric('keel_signal_age_seconds')?.get();
  const scrapedBeforeMs = Date.now();
  const seconds: Record<string, number> = {};
  for (const { labels, value } of gauge?.values ?? []) seconds[String(labels.signal)] = value;
  return { seconds, scrapedAfterMs, scrapedBeforeMs };
}

function expectAge(scraped: Awaited<ReturnType<typeof ages>>, signal: string, observedAtMs: number): void {
  const age = scraped.seconds[signal];
  expect(age).toBeGreaterThanOrEqual((scraped.scrapedAfterMs - observedAtMs) / 1000);
  expect(age).toBeLessThanOrEqual((scraped.scrapedBeforeMs - observedAtMs) / 1000);
}

/** A port nothing listens on: taken from the system, then let go. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

describe('signal provider metrics', () => {
  it('counts a good poll once per request and gives each signal the age of its source time', async () => {
    const metrics = createWorkerMetrics();
    const { marketCap, dominance } = coinGecko(metrics);
    await Promise.all([marketCap.read(UPDATED_MS + MINUTE_MS), dominance.read(UPDATED_MS + MINUTE_MS)]);
    expect(api.requests).toHaveLength(1);
    expect(await polls(metrics)).toEqual({ 'coingecko ok': 1 });
    const scraped = await ages(metrics);
    expect(Object.keys(scraped.seconds).sort()).toEqual(['btc_dominance', 'market_cap_change_24h']);
    expectAge(scraped, 'market_cap_change_24h', UPDATED_MS);
    expectAge(scraped, 'btc_dominance', UPDATED_MS);
  });

  it('counts failing polls by what failed, and keeps the age of the last good value growing', async () => {
    const metrics = createWorkerMetrics();
    const { dominance } = coinGecko(metrics);
    await dominance.read(UPDATED_MS);
    const failures: Parameters<LoopbackJsonApi['answer']>[1][] = [
      { status: 500, body: 'upstream down' },
      { status: 429, body: {}, headers: { 'retry-after': '0' } },
      { status: 200, body: 'not json {' },
      { status: 200, body: { data: { updated_at: 'yesterday' } } },
    ];
    for (const answer of failures) {
      api.answer('/api/v3/global', answer);
      await dominance.read(UPDATED_MS);
    }
    expect(api.requests).toHaveLength(1 + failures.length);
    expect(await polls(metrics)).toEqual({
      'coingecko ok': 1,
      'coingecko http-error': 1,
      'coingecko rate-limited': 1,
      'coingecko bad-answer': 2,
    });
    expectAge(await ages(metrics), 'btc_dominance', UPDATED_MS);
  });

  it('counts a hung API as a timeout and a closed port as unreachable, with no age for a signal never read', async () => {
    const metrics = createWorkerMetrics();
    api.answer('/api/v3/global', { status: 200, body: '', hang: true });
    await coinGecko(metrics, api.url, 100).marketCap.read(UPDATED_MS);
    await coinGecko(metrics, await closedPortUrl()).marketCap.read(UPDATED_MS);
    expect(await polls(metrics)).toEqual({ 'coingecko timeout': 1, 'coingecko unreachable': 1 });
    expect((await ages(metrics)).seconds).toEqual({});
  });

  it('labels by provider and signal name only: a key in the URL never reaches the metrics', async () => {
    const metrics = createWorkerMetrics();
    const provider = etherscanGasProvider({ baseUrl: api.url, apiKey: API_KEY, logger: silentLogger, metrics });
    const startedMs = Date.now();
    expect((await provider.read(startedMs)).available).toBe(true);
    api.answer('/v2/api', { status: 403, body: `forbidden for ${API_KEY}` });
    await etherscanGasProvider({ baseUrl: api.url, apiKey: API_KEY, logger: silentLogger, metrics }).read(startedMs);
    expect(await polls(metrics)).toEqual({ 'etherscan ok': 1, 'etherscan http-error': 1 });
    // Etherscan gives no time of its own: the value is as old as the request.
    expectAge(await ages(metrics), 'eth_block_fullness', startedMs);
    expect(await metrics.registry.metrics()).not.toContain(API_KEY);
  });

  it("reaches the providers the environment enables (the worker's wiring)", async () => {
    const metrics = createWorkerMetrics();
    const providers = signalsFromEnv({ COINGECKO_URL: `${api.url}/` }, silentLogger, metrics);
    await Promise.all(providers.map((provider) => provider.read(UPDATED_MS + MINUTE_MS)));
    expect(await polls(metrics)).toEqual({ 'coingecko ok': 1 });
    expect(Object.keys((await ages(metrics)).seconds).sort()).toEqual(['btc_dominance', 'market_cap_change_24h']);
  });
});
