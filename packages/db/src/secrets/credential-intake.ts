/**
 * The server side of "the dashboard encrypts the secret in the browser": unwrap the browser's envelope and seal
 * the keys for storage in the same call, so the plaintext lives only inside this function.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { exchangeSecretInput, type SealedExchangeCredential, sealExchangeSecret } from './exchange-secret.ts';
import type { Keyring } from './keyring.ts';
import { decryptFromBrowser, type TransportEnvelope, type TransportPrivateKey } from './transport.ts';

/** The decrypted credential bundle is not {apiKey, secret, passphrase?}; the message never quotes its content. */
export class ExchangeSecretDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExchangeSecretDecodeError';
  }
}

/** What the dashboard passes as the context of encryptForServer for a new exchange credential. */
export function credentialTransportContext(userId: string): string {
  return `exchange-credential:${userId}`;
}

export async function sealCredentialFromBrowser(options: {
  keyring: Keyring;
  transportKey: TransportPrivateKey;
  userId: string;
  envelope: TransportEnvelope;
  /** Defaults to a new uuid: the row's id, to which the ciphertext is bound. */
  credentialId?: string;
}): Promise<SealedExchangeCredential> {
  const plaintext = await decryptFromBrowser(
    options.transportKey,
    options.envelope,
    credentialTransportContext(options.userId),
  );
  let parsed: unknown;
  try {
    parsed = JSON.parse(plaintext);
  } catch {
    throw new ExchangeSecretDecodeError('the decrypted credential is not JSON {apiKey, secret, passphrase?}');
  }
  const result = exchangeSecretInput.safeParse(parsed);
  if (!result.success) {
    // Field names and rules only: z.prettifyError would quote the offending (secret) values.
    throw new ExchangeSecretDecodeError(
      `the decrypted credential is invalid: ${result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`,
    );
  }
  return sealExchangeSecret(
    options.keyring,
    { credentialId: options.credentialId ?? randomUUID(), userId: z.uuid().parse(options.userId) },
    result.data,
  );
}
