/**
 * Envelope encryption with AES-256-GCM (node:crypto). Each secret gets its own random data key; the data key is
 * stored wrapped by a master key, named by id. Rotating the master key re-wraps the 60-byte data keys and never
 * touches the ciphertexts. Both layers are bound to a context string (e.g. the credential's id and owner) as
 * additional authenticated data, so a ciphertext or a wrapped key copied to another row does not decrypt.
 *
 * Layout of both blobs: 12-byte nonce ‖ ciphertext ‖ 16-byte tag.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Keyring } from './keyring.ts';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;
const SECRET_AAD = 'keel/secret/v1';
const DATA_KEY_AAD = 'keel/data-key/v1';

export interface SealedSecret {
  ciphertext: Buffer;
  wrappedDataKey: Buffer;
  masterKeyId: string;
}

/** A ciphertext failed authentication, or its master key is unknown. Says which, never what was inside. */
export class SecretDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretDecryptionError';
  }
}

function encrypt(key: Buffer, plaintext: Uint8Array, aad: string): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  return Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function decrypt(key: Buffer, blob: Uint8Array, aad: string, what: string): Buffer {
  if (blob.length < NONCE_BYTES + TAG_BYTES) throw new SecretDecryptionError(`${what} is truncated`);
  const nonce = blob.subarray(0, NONCE_BYTES);
  const tag = blob.subarray(blob.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(blob.subarray(NONCE_BYTES, blob.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new SecretDecryptionError(`${what} failed authentication: wrong key, wrong context or tampered data`);
  }
}

function unwrapDataKey(keyring: Keyring, sealed: SealedSecret, context: string): Buffer {
  const master = keyring.get(sealed.masterKeyId);
  if (!master) {
    throw new SecretDecryptionError(
      `master key "${sealed.masterKeyId}" is not configured: add it to KEEL_MASTER_KEYS (known: ${keyring.ids.join(', ')})`,
    );
  }
  return decrypt(master.key, sealed.wrappedDataKey, `${DATA_KEY_AAD}|${master.id}|${context}`, 'the data key');
}

function wrapDataKey(
  keyring: Keyring,
  dataKey: Buffer,
  context: string,
): Pick<SealedSecret, 'wrappedDataKey' | 'masterKeyId'> {
  const master = keyring.active;
  return {
    wrappedDataKey: encrypt(master.key, dataKey, `${DATA_KEY_AAD}|${master.id}|${context}`),
    masterKeyId: master.id,
  };
}

export function sealSecret(keyring: Keyring, plaintext: Uint8Array, context: string): SealedSecret {
  const dataKey = randomBytes(DATA_KEY_BYTES);
  try {
    return {
      ciphertext: encrypt(dataKey, plaintext, `${SECRET_AAD}|${context}`),
      ...wrapDataKey(keyring, dataKey, context),
    };
  } finally {
    dataKey.fill(0);
  }
}

export function openSecret(keyring: Keyring, sealed: SealedSecret, context: string): Buffer {
  const dataKey = unwrapDataKey(keyring, sealed, context);
  try {
    return decrypt(dataKey, sealed.ciphertext, `${SECRET_AAD}|${context}`, 'the secret');
  } finally {
    dataKey.fill(0);
  }
}

/** The same secret with its data key wrapped by the active master key; the ciphertext is unchanged. */
export function rewrapSecret(keyring: Keyring, sealed: SealedSecret, context: string): SealedSecret {
  const dataKey = unwrapDataKey(keyring, sealed, context);
  try {
    return { ciphertext: sealed.ciphertext, ...wrapDataKey(keyring, dataKey, context) };
  } finally {
    dataKey.fill(0);
  }
}
