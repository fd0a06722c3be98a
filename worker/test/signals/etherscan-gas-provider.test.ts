/**
 * Etherscan's gas oracle against a loopback API replaying a recorded answer (fixtures/etherscan-gasoracle.json, in
 * the documented shape): Ethereum block fullness as the mean gas used ratio, the API's own error answers masked,
 * and the key never in a reason or a log line.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, silentLogger } from '../../src/logger.ts';
import { etherscanGasProvider, parseGasOracle } from '../../src/signals/etherscan-gas-provider.ts';
import { capturedLines, fixture, type LoopbackJsonApi, startLoopbackJsonApi } from './loopback-json-api.ts';

const API_KEY = 'ES-K3Y-NEVER-LOGGED';
const NOW_MS = Date.UTC(2025, 10, 20, 1, 0, 0);
const recorded = fixture('etherscan-gasoracle.json');

let api: LoopbackJsonApi;
beforeAll(async () => {
  api = await startLoopbackJsonApi();
});
afterAll(() => api.close());
beforeEach(() => {
  api.requests.length = 0;
  api.answer('/v2/api', { status: 200, body: recorded });
});

function provider(options: { refreshMs?: number } = {}, logger = silentLogger) {
  return etherscanGasProvider({
    baseUrl: api.url,
    apiKey: API_KEY,
    logger,
    refreshMs: options.refreshMs ?? 0,
    retryAfterFailureMs: 0,
    timeoutMs: 2_000,
  });
}

describe('Etherscan gas oracle provider', () => {
  it('reads block fullness as the mean gas used ratio of the listed blocks, observed at the request', async () => {
    const reading = await provider().read(NOW_MS);
    expect(reading).toMatchObject({ available: true, observedAtMs: NOW_MS, maskedBecause: null });
    expect(reading.value).toBeCloseTo(0.56, 9);
    expect(Object.fromEntries(api.requests[0]?.query ?? [])).toEqual({
      chainid: '1',
      module: 'gastracker',
      action: 'gasoracle',
      apikey: API_KEY,
    });
  });

  it('masks its reading once it is older than 10 minutes and the API stopped answering', async () => {
    const gas = provider({ refreshMs: 60_000 });
    expect((await gas.read(NOW_MS)).available).toBe(true);
    api.answer('/v2/api', { status: 502, body: '<html>Bad Gateway</html>' });
    expect(await gas.read(NOW_MS + 5 * 60_000)).toMatchObject({ available: true, observedAtMs: NOW_MS });
    const stale = await gas.read(NOW_MS + 11 * 60_000);
    expect(stale.available).toBe(false);
    expect(stale.maskedBecause).toBe('stale: observed 11 min ago (provider failing: HTTP 502)');
  });

  it("masks Etherscan's own error answer, logged once and without the key", async () => {
    const { lines, destination } = capturedLines();
    const gas = provider({}, createLogger({ name: 'test', destination }));
    api.answer('/v2/api', {
      status: 200,
      body: { status: '0', message: 'NOTOK', result: `Invalid API Key (#${API_KEY})` },
    });
    const first = await gas.read(NOW_MS);
    const second = await gas.read(NOW_MS + 60_000);
    expect(first.maskedBecause).toBe(
      'provider failing: Etherscan gas oracle answer not understood: status "0": Invalid API Key (#[redacted])',
    );
    expect(second.maskedBecause).toBe(first.maskedBecause);
    expect(lines).toHaveLength(1);
    expect(lines.join('\n')).not.toContain(API_KEY);
  });

  it('refuses ratios outside 0…1 or a missing list', () => {
    expect(() => parseGasOracle({ status: '1', result: { gasUsedRatio: '0.5,1.7' } }, NOW_MS)).toThrow(
      /"0.5,1.7" is not a list of ratios/,
    );
    expect(() => parseGasOracle({ status: '1', result: {} }, NOW_MS)).toThrow(/no gasUsedRatio/);
  });
});
