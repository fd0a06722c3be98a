/**
 * POST /v1/credentials/{id}/test through the real ccxt client against the loopback Binance simulator: the
 * stored key is opened in memory, the exchange answers; ok, or a classified failure — and never the secret.
 */
import type { Database } from '@keel/db';
import { keyringFromKeys, sealExchangeSecret } from '@keel/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialChecker } from '../../worker/src/exchange/credential-check.ts';
import type { BinanceSimulator } from '../../worker/test/exchange-simulator/binance-simulator.ts';
import { newSimulator, SIMULATOR_API_KEY, SIMULATOR_SECRET } from '../../worker/test/live-fixtures.ts';
import { closeTestDatabase, type Harness, harness, json, signUp, testDatabase } from './harness.ts';

/** The harness's keyring (harness.ts seals keys with it). */
const keyring = keyringFromKeys({ id: 'k1', key: Buffer.alloc(32, 7) });

describe('POST /v1/credentials/{id}/test', () => {
  let simulator: BinanceSimulator;
  let h: Harness;
  let database: Database;

  beforeAll(async () => {
    simulator = newSimulator();
    await simulator.start();
    database = await testDatabase();
    h = await harness({
      database,
      exchangeCheck: credentialChecker(database, {
        keyring,
        timeoutMs: 400,
        retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10, rateLimitWaitMs: 10 },
        env: { KEEL_EXCHANGE_URL_BINANCE: simulator.url },
      }),
    });
  });
  afterAll(async () => {
    await simulator.stop();
    await closeTestDatabase();
  });

  async function storedKey(userId: string, apiKey: string): Promise<string> {
    const credentialId = crypto.randomUUID();
    const sealed = sealExchangeSecret(keyring, { credentialId, userId }, { apiKey, secret: SIMULATOR_SECRET });
    await database.asUser({ sub: userId, role: 'authenticated', aud: 'authenticated' }, (tx) =>
      tx.credentials.add({ exchange: 'binance', label: `sim-${credentialId.slice(0, 6)}`, sealed }),
    );
    return credentialId;
  }

  it('a good key: ok, after a signed balance call reached the exchange', async () => {
    const user = await signUp(h, 'cred-ok');
    const id = await storedKey(user.userId, SIMULATOR_API_KEY);
    const response = await h.request('POST', `/v1/credentials/${id}/test`, { token: user.token });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ ok: true, error: null });
    expect(simulator.calls.some((call) => call.path === '/api/v3/account' && call.params.has('signature'))).toBe(true);
  });

  it('a wrong key: auth, with the exchange message and without the secret', async () => {
    const user = await signUp(h, 'cred-bad');
    const id = await storedKey(user.userId, 'wrong-api-key-0000');
    const response = await h.request('POST', `/v1/credentials/${id}/test`, { token: user.token });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ ok: false, error: { kind: 'auth' } });
    expect(text).toContain('Invalid API-key');
    expect(text).not.toContain(SIMULATOR_SECRET);
    expect(text).not.toContain('wrong-api-key-0000');
  });

  it('an exchange answering 429 then 503: classified, retry later', async () => {
    const user = await signUp(h, 'cred-busy');
    const id = await storedKey(user.userId, SIMULATOR_API_KEY);
    simulator.inject('GET /api/v3/account', { kind: 'server-error' }, { kind: 'server-error' });
    const response = await h.request('POST', `/v1/credentials/${id}/test`, { token: user.token });
    expect(await json(response)).toMatchObject({ ok: false, error: { kind: 'retryable' } });
    simulator.inject(
      'GET /api/v3/account',
      { kind: 'rate-limit', retryAfterSeconds: 0 },
      { kind: 'rate-limit', retryAfterSeconds: 0 },
    );
    const limited = await h.request('POST', `/v1/credentials/${id}/test`, { token: user.token });
    expect(await json(limited)).toMatchObject({ ok: false, error: { kind: 'rate-limited' } });
  });

  it("another user's credential: 404, and no key is opened", async () => {
    const owner = await signUp(h, 'cred-owner');
    const stranger = await signUp(h, 'cred-stranger');
    const id = await storedKey(owner.userId, SIMULATOR_API_KEY);
    const before = simulator.calls.length;
    const response = await h.request('POST', `/v1/credentials/${id}/test`, { token: stranger.token });
    expect(response.status).toBe(404);
    expect(simulator.calls.length).toBe(before);
  });
});
