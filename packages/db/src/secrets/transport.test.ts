import { describe, expect, it } from 'vitest';
import {
  decryptFromBrowser,
  encryptForServer,
  generateTransportKeyPair,
  TransportDecryptionError,
  transportPublicKey,
} from './transport.ts';

describe('browser-to-server encryption (ECIES on P-256, WebCrypto)', () => {
  it('round-trips for the same context, to the public key the server hands out', async () => {
    const { privateKey } = await generateTransportKeyPair('kid-1');
    const envelope = await encryptForServer(transportPublicKey(privateKey), 'the secret', 'exchange-credential:u1');
    expect(envelope).toMatchObject({ v: 1, kid: 'kid-1' });
    expect(JSON.stringify(envelope)).not.toContain('the secret');
    expect(await decryptFromBrowser(privateKey, envelope, 'exchange-credential:u1')).toBe('the secret');
  });

  it('refuses another context, another server key and a tampered ciphertext', async () => {
    const { publicKey, privateKey } = await generateTransportKeyPair('kid-1');
    const envelope = await encryptForServer(publicKey, 'the secret', 'exchange-credential:u1');
    await expect(decryptFromBrowser(privateKey, envelope, 'exchange-credential:u2')).rejects.toThrow(
      TransportDecryptionError,
    );
    const other = await generateTransportKeyPair('kid-1');
    await expect(decryptFromBrowser(other.privateKey, envelope, 'exchange-credential:u1')).rejects.toThrow(
      /does not decrypt/,
    );
    const tampered = { ...envelope, ct: `${envelope.ct.slice(0, -2)}AA` };
    await expect(decryptFromBrowser(privateKey, tampered, 'exchange-credential:u1')).rejects.toThrow(
      TransportDecryptionError,
    );
    await expect(
      decryptFromBrowser(privateKey, { ...envelope, kid: 'kid-2' }, 'exchange-credential:u1'),
    ).rejects.toThrow(/kid-2/);
  });
});
