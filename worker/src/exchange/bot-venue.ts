/**
 * The exchange account of a live bot: its exchange_credentials row's envelope, opened with the master keyring at
 * the moment of use (the plaintext lives in the returned client only), behind the exchange's shared limiter.
 */
import {
  type Bot,
  type Database,
  type ExchangeSecret,
  type Keyring,
  NotFoundError,
  openExchangeSecret,
} from '@keel/db';
import { openExchangeClient } from './exchange-client.ts';
import { ExchangeFailure } from './exchange-errors.ts';
import { sharedLimiterFor } from './request-limiter.ts';
import type { RetryOptions } from './retry.ts';
import { Venue } from './venue.ts';

export interface VenueSettings {
  keyring: Keyring;
  /** Per request; default ccxt's 10 s. */
  timeoutMs?: number;
  /** Binance's recvWindow; default 5 s (exchange-client.ts). */
  recvWindowMs?: number;
  retry?: RetryOptions;
  /** Where KEEL_EXCHANGE_URL_<EXCHANGE> is read; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export class MissingCredentialError extends Error {
  constructor(botId: string) {
    super(`live bot ${botId} has no exchange credential`);
    this.name = 'MissingCredentialError';
  }
}

export class CredentialExchangeMismatchError extends Error {
  constructor(credentialExchange: string, botExchange: string) {
    super(`the bot trades on ${botExchange} but its exchange key is for ${credentialExchange}`);
    this.name = 'CredentialExchangeMismatchError';
  }
}

/**
 * The credential's keys, decrypted now (the caller keeps them in memory only, in the client it makes): its exchange
 * and secret. `expectedExchange`: the bot's exchange, which the key must be for.
 */
export async function openCredentialSecret(
  database: Database,
  keyring: Keyring,
  credentialId: string,
  expectedExchange?: string,
): Promise<{ exchange: string; secret: ExchangeSecret }> {
  const sealed = await database
    .asService((tx) => tx.credentials.takeSealed(credentialId))
    .catch((error: unknown) => {
      // A revoked or deleted key is the owner's to fix, like a key the exchange refuses.
      if (error instanceof NotFoundError) {
        throw new ExchangeFailure('auth', 'MissingCredential', 'the exchange key was revoked or deleted');
      }
      throw error;
    });
  if (expectedExchange !== undefined && sealed.exchange !== expectedExchange) {
    throw new CredentialExchangeMismatchError(sealed.exchange, expectedExchange);
  }
  const secret = openExchangeSecret(keyring, {
    credentialId: sealed.id,
    userId: sealed.userId,
    sealed: { ciphertext: sealed.ciphertext, wrappedDataKey: sealed.wrappedDataKey, masterKeyId: sealed.masterKeyId },
  });
  return { exchange: sealed.exchange, secret };
}

/** `expectedExchange`: the bot's exchange, which the key must be for. */
export async function openVenueForCredential(
  database: Database,
  settings: VenueSettings,
  credentialId: string,
  expectedExchange?: string,
): Promise<Venue> {
  const { exchange, secret } = await openCredentialSecret(database, settings.keyring, credentialId, expectedExchange);
  const client = await openExchangeClient({
    exchangeId: exchange,
    secret,
    ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }),
    ...(settings.recvWindowMs === undefined ? {} : { recvWindowMs: settings.recvWindowMs }),
    ...(settings.env === undefined ? {} : { env: settings.env }),
  });
  return new Venue({
    client,
    limiter: sharedLimiterFor(exchange),
    ...(settings.retry === undefined ? {} : { retry: settings.retry }),
  });
}

export function openVenueForBot(database: Database, settings: VenueSettings, bot: Bot): Promise<Venue> {
  if (bot.exchangeCredentialId === null) return Promise.reject(new MissingCredentialError(bot.id));
  return openVenueForCredential(database, settings, bot.exchangeCredentialId, bot.exchange);
}
