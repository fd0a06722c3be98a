/**
 * "Test connection" for a stored exchange key (the dashboard's button, POST /v1/credentials/{id}/test): the key is
 * decrypted in memory, the exchange asked for the account's balance through the same ccxt path as orders (limiter,
 * retries, URL override), and the answer is ok or the classified failure. The key never leaves this function.
 */
import type { Database } from '@keel/db';
import { openVenueForCredential, type VenueSettings } from './bot-venue.ts';
import { classifyExchangeError, type ExchangeFailureKind } from './exchange-errors.ts';

export type CredentialCheckResult = { ok: true } | { ok: false; kind: ExchangeFailureKind; message: string };

export async function checkCredential(
  database: Database,
  settings: VenueSettings,
  credentialId: string,
): Promise<CredentialCheckResult> {
  try {
    const venue = await openVenueForCredential(database, settings, credentialId);
    await venue.balances();
    return { ok: true };
  } catch (error) {
    const failure = classifyExchangeError(error);
    return { ok: false, kind: failure.kind, message: failure.message };
  }
}

/** The edge's ExchangeCheck port over this worker code (wired by the Node runtime, which has the keyring). */
export function credentialChecker(database: Database, settings: VenueSettings) {
  return { test: (credentialId: string) => checkCredential(database, settings, credentialId) };
}
