/**
 * Encryption in the browser, to the server's public key, before an exchange secret leaves the user's machine
 * (WebCrypto only: this file imports nothing from Node, so the dashboard bundles it as is).
 *
 * ECIES on P-256: the browser makes an ephemeral ECDH key pair, derives a shared secret with the server's public
 * key, stretches it with HKDF-SHA-256 into an AES-256-GCM key and encrypts. The context (e.g.
 * "exchange-credential:<user id>") is the additional authenticated data, so an envelope captured for one purpose
 * or user is refused for another. The server unwraps it with decryptFromBrowser and seals it for storage at once
 * (see credential-intake.ts).
 */

const CURVE = 'P-256';

/** An elliptic-curve JSON Web Key (P-256): x, y public; d private. Typed here so no DOM library is needed. */
export interface EcJwk {
  kty?: string;
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  [member: string]: unknown;
}

type WebCryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const HKDF_INFO = 'keel/transport/v1';
const NONCE_BYTES = 12;

export interface TransportPublicKey {
  /** Which server key pair this is; the envelope names it, so the server can keep an old pair during a change. */
  kid: string;
  jwk: EcJwk;
}

export interface TransportPrivateKey {
  kid: string;
  jwk: EcJwk;
}

export interface TransportEnvelope {
  v: 1;
  kid: string;
  /** The browser's ephemeral public key, raw uncompressed point, base64url. */
  epk: string;
  iv: string;
  ct: string;
}

export class TransportDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportDecryptionError';
  }
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

async function aesKey(
  privateKey: WebCryptoKey,
  publicKey: WebCryptoKey,
  usage: 'encrypt' | 'decrypt',
): Promise<WebCryptoKey> {
  const shared = await crypto.subtle.deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256);
  const hkdfKey = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: new TextEncoder().encode(HKDF_INFO) },
    hkdfKey,
    { name: 'AES-GCM', length: 256 },
    false,
    [usage],
  );
}

/** The server's key pair (embedded mode makes one and keeps it; otherwise it comes from the environment). */
export async function generateTransportKeyPair(
  kid: string,
): Promise<{ publicKey: TransportPublicKey; privateKey: TransportPrivateKey }> {
  const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: CURVE }, true, ['deriveBits']);
  const privateJwk = (await crypto.subtle.exportKey('jwk', pair.privateKey)) as EcJwk;
  const publicJwk = (await crypto.subtle.exportKey('jwk', pair.publicKey)) as EcJwk;
  return { publicKey: { kid, jwk: publicJwk }, privateKey: { kid, jwk: privateJwk } };
}

/** The public half of a private key, for the API to hand to the dashboard. */
export function transportPublicKey(privateKey: TransportPrivateKey): TransportPublicKey {
  const { kty, crv, x, y } = privateKey.jwk;
  return { kid: privateKey.kid, jwk: { kty, crv, x, y } };
}

/** In the browser: encrypt `plaintext` so that only the server holding the private key can read it. */
export async function encryptForServer(
  serverKey: TransportPublicKey,
  plaintext: string,
  context: string,
): Promise<TransportEnvelope> {
  const server = await crypto.subtle.importKey('jwk', serverKey.jwk, { name: 'ECDH', namedCurve: CURVE }, false, []);
  const ephemeral = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: CURVE }, true, ['deriveBits']);
  const key = await aesKey(ephemeral.privateKey, server, 'encrypt');
  const iv = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(context) },
    key,
    new TextEncoder().encode(plaintext),
  );
  const epk = new Uint8Array(await crypto.subtle.exportKey('raw', ephemeral.publicKey));
  return { v: 1, kid: serverKey.kid, epk: toBase64Url(epk), iv: toBase64Url(iv), ct: toBase64Url(new Uint8Array(ct)) };
}

/** On the server: the plaintext of an envelope made by encryptForServer for the same context. */
export async function decryptFromBrowser(
  serverKey: TransportPrivateKey,
  envelope: TransportEnvelope,
  context: string,
): Promise<string> {
  if (envelope.v !== 1) throw new TransportDecryptionError(`unknown envelope version ${String(envelope.v)}`);
  if (envelope.kid !== serverKey.kid) {
    throw new TransportDecryptionError(
      `envelope is for server key "${envelope.kid}", this server has "${serverKey.kid}"`,
    );
  }
  try {
    const own = await crypto.subtle.importKey('jwk', serverKey.jwk, { name: 'ECDH', namedCurve: CURVE }, false, [
      'deriveBits',
    ]);
    const ephemeral = await crypto.subtle.importKey(
      'raw',
      fromBase64Url(envelope.epk),
      { name: 'ECDH', namedCurve: CURVE },
      false,
      [],
    );
    const key = await aesKey(own, ephemeral, 'decrypt');
    const plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64Url(envelope.iv), additionalData: new TextEncoder().encode(context) },
      key,
      fromBase64Url(envelope.ct),
    );
    return new TextDecoder().decode(plaintext);
  } catch {
    throw new TransportDecryptionError('the envelope does not decrypt: wrong server key, wrong context or tampered');
  }
}
