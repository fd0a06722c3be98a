/**
 * An exchange API key pair as stored: the whole bundle {apiKey, secret, passphrase} is one sealed secret, bound to
 * its credential row (id and owner). Opening it is for the worker, at order time; the opened value refuses to be
 * printed or serialized, so a stray console.log or JSON response shows "[redacted]", not the key.
 */
import { inspect } from 'node:util';
import { z } from 'zod';
import { openSecret, type SealedSecret, sealSecret } from './envelope.ts';
import type { Keyring } from './keyring.ts';

const REDACTED = '[redacted exchange secret]';

export const exchangeSecretInput = z.strictObject({
  apiKey: z.string().min(8, 'apiKey is too short').max(512),
  secret: z.string().min(8, 'secret is too short').max(2048),
  passphrase: z.string().min(1).max(512).optional(),
});
export type ExchangeSecretInput = z.input<typeof exchangeSecretInput>;

/** The plaintext keys; readable by property, never by printing. */
export class ExchangeSecret {
  readonly apiKey: string;
  readonly secret: string;
  readonly passphrase: string | undefined;

  constructor(input: ExchangeSecretInput) {
    this.apiKey = input.apiKey;
    this.secret = input.secret;
    this.passphrase = input.passphrase;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

export interface SealedExchangeCredential {
  credentialId: string;
  userId: string;
  /** What the user may see of the key: its last 4 characters. */
  apiKeyLast4: string;
  sealed: SealedSecret;
}

export function credentialContext(credentialId: string, userId: string): string {
  return `exchange-credential:${credentialId}:${userId}`;
}

export function sealExchangeSecret(
  keyring: Keyring,
  owner: { credentialId: string; userId: string },
  secret: ExchangeSecretInput,
): SealedExchangeCredential {
  const valid = exchangeSecretInput.parse(secret);
  const plaintext = Buffer.from(JSON.stringify(valid), 'utf8');
  try {
    return {
      ...owner,
      apiKeyLast4: valid.apiKey.slice(-4),
      sealed: sealSecret(keyring, plaintext, credentialContext(owner.credentialId, owner.userId)),
    };
  } finally {
    plaintext.fill(0);
  }
}

export function openExchangeSecret(
  keyring: Keyring,
  stored: { credentialId: string; userId: string; sealed: SealedSecret },
): ExchangeSecret {
  const plaintext = openSecret(keyring, stored.sealed, credentialContext(stored.credentialId, stored.userId));
  try {
    return new ExchangeSecret(exchangeSecretInput.parse(JSON.parse(plaintext.toString('utf8'))));
  } finally {
    plaintext.fill(0);
  }
}
