import { describe, expect, it } from 'vitest';
import { openSecret, rewrapSecret, SecretDecryptionError, sealSecret } from './envelope.ts';
import { keyringFromKeys } from './keyring.ts';

const k1 = { id: 'k1', key: Buffer.alloc(32, 7) };
const k2 = { id: 'k2', key: Buffer.alloc(32, 9) };
const plaintext = Buffer.from('{"apiKey":"A","secret":"S"}');

describe('envelope encryption', () => {
  it('round-trips under the active key, with a fresh data key and nonce each time', () => {
    const keyring = keyringFromKeys(k1);
    const first = sealSecret(keyring, plaintext, 'ctx');
    const second = sealSecret(keyring, plaintext, 'ctx');
    expect(first.masterKeyId).toBe('k1');
    expect(first.wrappedDataKey).toHaveLength(60);
    expect(first.ciphertext.equals(second.ciphertext)).toBe(false);
    expect(openSecret(keyring, first, 'ctx').equals(plaintext)).toBe(true);
  });

  it('refuses another context, a flipped bit, and an unknown master key — naming none of the contents', () => {
    const keyring = keyringFromKeys(k1);
    const sealed = sealSecret(keyring, plaintext, 'credential-1');
    expect(() => openSecret(keyring, sealed, 'credential-2')).toThrow(SecretDecryptionError);
    const tampered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext) };
    tampered.ciphertext[20] = (tampered.ciphertext[20] as number) ^ 1;
    expect(() => openSecret(keyring, tampered, 'credential-1')).toThrow(/failed authentication/);
    expect(() => openSecret(keyringFromKeys(k2), sealed, 'credential-1')).toThrow(/master key "k1" is not configured/);
  });

  it('re-wraps the data key under the new master key and leaves the ciphertext alone', () => {
    const sealed = sealSecret(keyringFromKeys(k1), plaintext, 'ctx');
    const rotated = rewrapSecret(keyringFromKeys(k2, [k1]), sealed, 'ctx');
    expect(rotated.masterKeyId).toBe('k2');
    expect(rotated.ciphertext.equals(sealed.ciphertext)).toBe(true);
    expect(rotated.wrappedDataKey.equals(sealed.wrappedDataKey)).toBe(false);
    expect(openSecret(keyringFromKeys(k2), rotated, 'ctx').equals(plaintext)).toBe(true);
  });
});
