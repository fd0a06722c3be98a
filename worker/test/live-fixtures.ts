/**
 * The live path's test world: a loopback Binance simulator (the real ccxt client talks to it through
 * KEEL_EXCHANGE_URL_BINANCE), a test master keyring, and live bots whose exchange credential holds the
 * simulator's key pair, sealed as the dashboard would store it.
 */
import { randomUUID } from 'node:crypto';
import {
  createDatabase,
  type Database,
  generateMasterKey,
  type Keyring,
  keyringFromKeys,
  sealExchangeSecret,
  type UserScope,
} from '@keel/db';
import { suiteDatabaseUrl } from '../../packages/db/test/test-database.ts';
import type { VenueSettings } from '../src/exchange/bot-venue.ts';
import { BinanceSimulator } from './exchange-simulator/binance-simulator.ts';
import { claimsFor, databaseRequired } from './harness.ts';

export const SIMULATOR_API_KEY = 'sim-api-key-0123456789';
export const SIMULATOR_SECRET = 'sim-secret-NEVER-IN-LOGS-9f8e7d6c5b4a';

export function newSimulator(balances: Record<string, string> = { USDT: '10000', BTC: '0' }): BinanceSimulator {
  return new BinanceSimulator({
    apiKey: SIMULATOR_API_KEY,
    secret: SIMULATOR_SECRET,
    markets: [{ symbol: 'BTCUSDT', baseAsset: 'BTC', quoteAsset: 'USDT', priceQuote: '50000', stepSize: '0.00001' }],
    balances,
  });
}

export const TEST_MASTER_KEY = generateMasterKey();

export function testKeyring(masterKeyBase64 = TEST_MASTER_KEY): Keyring {
  return keyringFromKeys({ id: 'k1', key: Buffer.from(masterKeyBase64, 'base64') });
}

/** Venue settings for tests: short timeouts and retries without real waiting beyond a few ms. */
export function testVenueSettings(simulatorUrl: string, keyring = testKeyring()): VenueSettings {
  return {
    keyring,
    timeoutMs: 400,
    recvWindowMs: 1_000,
    retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20, rateLimitWaitMs: 20 },
    env: { KEEL_EXCHANGE_URL_BINANCE: simulatorUrl },
  };
}

export interface LiveBotFixture {
  botId: string;
  credentialId: string;
}

/** A live BTC-USDT 1h bot of `userId` on a stored credential with the simulator's keys (or `apiKey` instead). */
export async function newLiveBot(
  db: Database,
  userId: string,
  options: {
    keyring?: Keyring;
    apiKey?: string;
    desiredState?: 'running' | 'stopped';
    fast?: number;
    slow?: number;
  } = {},
): Promise<LiveBotFixture> {
  const keyring = options.keyring ?? testKeyring();
  const credentialId = randomUUID();
  const sealed = sealExchangeSecret(
    keyring,
    { credentialId, userId },
    { apiKey: options.apiKey ?? SIMULATOR_API_KEY, secret: SIMULATOR_SECRET },
  );
  return db.asUser(claimsFor(userId), async (tx: UserScope) => {
    await tx.credentials.add({ exchange: 'binance', label: `sim-${credentialId.slice(0, 8)}`, sealed });
    const bot = await tx.bots.create({
      name: `live-${randomUUID().slice(0, 8)}`,
      exchange: 'binance',
      exchangeCredentialId: credentialId,
      mode: 'live',
      symbols: ['BTC-USDT'],
      timeframe: '1h',
      agents: [{ name: 'trend-follower', fast: options.fast ?? 5, slow: options.slow ?? 20 }],
      paperStartingCashQuote: '10000',
    });
    if (options.desiredState === 'running') await tx.bots.setDesiredState(bot.id, 'running');
    return { botId: bot.id, credentialId };
  });
}

/**
 * A database of this file's own (`<name>_<suffix>`), every bot in it stopped: a worker claims every runnable bot
 * of its database, so a suite that runs one must not share it with suites whose bots it would take over.
 */
export async function openExclusiveDatabase(suffix: string): Promise<{ database: Database; url: string } | null> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    if (databaseRequired) throw new Error('DATABASE_URL is not set: npm test starts PostgreSQL (scripts/services.sh)');
    return null;
  }
  const url = await suiteDatabaseUrl(serverUrl, suffix);
  const database = await createDatabase({ url, maxConnections: 5 });
  await database.migrate();
  await database.asService((tx) => tx.query(`update public.bots set desired_state = 'stopped'`));
  return { database, url };
}
