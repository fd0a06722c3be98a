/**
 * JSON Web Tokens on WebCrypto: HS256 signing (self-hosted access tokens) and verification of HS256, RS256 and
 * ES256 (Supabase's asymmetric signing keys). Only what access tokens need: compact JWS, exp/nbf/aud checks with
 * a small clock leeway, `alg` taken from the key the verifier chose, never trusted from the token alone.
 */
import { fromBase64Url, toBase64Url, utf8 } from './encoding.ts';

export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256';

export interface JwtHeader {
  alg: string;
  kid?: string;
  typ?: string;
}

export type JwtPayload = Record<string, unknown>;

/** Why a token was refused, for the log; the client only hears that it is invalid or expired. */
export class JwtError extends Error {
  readonly expired: boolean;
  constructor(message: string, expired = false) {
    super(message);
    this.name = 'JwtError';
    this.expired = expired;
  }
}

/** A verification key and the one algorithm it may be used with. */
export interface VerificationKey {
  alg: JwtAlgorithm;
  key: CryptoKey;
}

export type KeyResolver = (header: JwtHeader) => Promise<VerificationKey | null>;

const LEEWAY_SECONDS = 30;

const VERIFY_PARAMS: Record<JwtAlgorithm, AlgorithmIdentifier | EcdsaParams> = {
  HS256: { name: 'HMAC' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
  ES256: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
};

export function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', utf8(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

/** Imports a public JWK (RSA or P-256) for verification; null for key types this module does not verify. */
export async function importJwk(jwk: JsonWebKey & { alg?: string }): Promise<VerificationKey | null> {
  if (jwk.kty === 'RSA' && (jwk.alg === undefined || jwk.alg === 'RS256')) {
    const key = await crypto.subtle.importKey('jwk', jwk, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, [
      'verify',
    ]);
    return { alg: 'RS256', key };
  }
  if (jwk.kty === 'EC' && jwk.crv === 'P-256' && (jwk.alg === undefined || jwk.alg === 'ES256')) {
    const key = await crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    return { alg: 'ES256', key };
  }
  return null;
}

export async function signHs256(payload: JwtPayload, key: CryptoKey, kid?: string): Promise<string> {
  const header: JwtHeader = { alg: 'HS256', typ: 'JWT', ...(kid === undefined ? {} : { kid }) };
  const signingInput = `${toBase64Url(utf8(JSON.stringify(header)))}.${toBase64Url(utf8(JSON.stringify(payload)))}`;
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(signingInput)));
  return `${signingInput}.${toBase64Url(signature)}`;
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(new TextDecoder().decode(fromBase64Url(part)));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  } catch {}
  throw new JwtError(`the ${what} is not base64url JSON`);
}

export interface VerifyOptions {
  audience: string;
  nowSeconds: number;
}

export async function verifyJwt(token: string, resolveKey: KeyResolver, options: VerifyOptions): Promise<JwtPayload> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('not a compact JWS (three dot-separated parts)');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart, 'header') as unknown as JwtHeader;
  if (typeof header.alg !== 'string') throw new JwtError('the header has no alg');
  const verification = await resolveKey(header);
  if (verification === null) throw new JwtError(`no key for alg ${header.alg} and kid ${String(header.kid)}`);
  if (verification.alg !== header.alg)
    throw new JwtError(`alg ${header.alg} does not match the key (${verification.alg})`);
  let signature: Uint8Array<ArrayBuffer>;
  try {
    signature = fromBase64Url(signaturePart);
  } catch {
    throw new JwtError('the signature is not base64url');
  }
  const valid = await crypto.subtle.verify(
    VERIFY_PARAMS[verification.alg],
    verification.key,
    signature,
    utf8(`${headerPart}.${payloadPart}`),
  );
  if (!valid) throw new JwtError('bad signature');
  const payload = decodeJson(payloadPart, 'payload');
  const { exp, nbf, aud } = payload;
  if (typeof exp !== 'number') throw new JwtError('no exp claim');
  if (exp + LEEWAY_SECONDS < options.nowSeconds) throw new JwtError('expired', true);
  if (typeof nbf === 'number' && nbf - LEEWAY_SECONDS > options.nowSeconds) throw new JwtError('not valid yet');
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (!audiences.includes(options.audience)) throw new JwtError(`aud is not "${options.audience}"`);
  return payload;
}
