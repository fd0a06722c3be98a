/**
 * The KeyTransport port over @keel/db's secrets: the server's transport key (the dashboard encrypts exchange keys
 * to its public half) and the master keyring that seals them for storage. Used by the runtime entry points only;
 * the app sees the port.
 */
import { type Keyring, sealCredentialFromBrowser, type TransportPrivateKey, transportPublicKey } from '@keel/db';
import type { KeyTransport } from './ports.ts';

export function keyTransportFrom(keyring: Keyring, transportKey: TransportPrivateKey): KeyTransport {
  return {
    publicKey: transportPublicKey(transportKey),
    seal: (userId, envelope) => sealCredentialFromBrowser({ keyring, transportKey, userId, envelope }),
  };
}
