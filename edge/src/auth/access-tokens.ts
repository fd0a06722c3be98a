/**
 * Access tokens: Keel signs its own in self-hosted mode (HS256 with the project's JWT secret, Supabase's claims:
 * sub, role "authenticated", aud, exp, plus email and session_id), and verifies Supabase's in Supabase mode (JWKS,
 * or SUPABASE_JWT_SECRET for HS256 projects). After verification both modes are one code path: claims.
 */
import type { JwtClaims } from '@keel/db';
import type { AuthConfig } from '../config.ts';
import type { Clock } from '../ports.ts';
import { jwksCache } from './jwks.ts';
import { hmacKey, JwtError, type JwtHeader, type KeyResolver, signHs256, verifyJwt } from './jwt.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/**
 * Verified tokens are remembered (until their exp, at most this many, oldest forgotten first): a client sends
 * the same token for its 15-minute life, and WebCrypto's verify is an asynchronous round trip through a worker
 * thread on Node. The key is the whole token, so only the exact bytes once verified are ever accepted from here.
 */
const VERIFIED_CACHE_SIZE = 10_000;
const LEEWAY_MS = 30_000;

export interface AccessTokens {
  /** Verified claims of a user's access token; JwtError when it is not one. */
  verify(token: string): Promise<JwtClaims>;
  /** The claims of a token verify() accepted before and that has not expired since; null otherwise (no checking). */
  known(token: string): JwtClaims | null;
  /** Self-hosted mode only: a signed access token for the user. */
  issue(user: { userId: string; email: string; sessionId: string }): Promise<{ token: string; expiresIn: number }>;
}

export function accessTokens(
  auth: AuthConfig,
  options: { audience: string; ttlSeconds: number; clock: Clock; fetch?: typeof fetch },
): AccessTokens {
  const secret = auth.mode === 'self-hosted' ? auth.jwtSecret : auth.jwtSecret;
  const hmac = secret === null ? null : hmacKey(secret);
  const jwks =
    auth.mode === 'supabase'
      ? jwksCache(`${auth.supabaseUrl}/auth/v1/.well-known/jwks.json`, () => options.clock.now(), options.fetch)
      : null;
  const resolveKey: KeyResolver = async (header: JwtHeader) => {
    if (header.alg === 'HS256') return hmac === null ? null : { alg: 'HS256', key: await hmac };
    return jwks === null ? null : jwks.key(header.kid);
  };
  const nowSeconds = () => Math.floor(options.clock.now() / 1000);
  const verified = new Map<string, JwtClaims>();

  function known(token: string): JwtClaims | null {
    const claims = verified.get(token);
    if (claims === undefined) return null;
    if ((claims.exp as number) * 1000 + LEEWAY_MS >= options.clock.now()) return claims;
    verified.delete(token);
    return null;
  }

  return {
    known,
    async verify(token) {
      const remembered = known(token);
      if (remembered !== null) return remembered;
      const payload = await verifyJwt(token, resolveKey, { audience: options.audience, nowSeconds: nowSeconds() });
      if (payload.role !== 'authenticated') throw new JwtError(`role is ${String(payload.role)}, not authenticated`);
      if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) throw new JwtError('sub is not a user id');
      const claims = Object.freeze(payload) as JwtClaims;
      if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value as string);
      verified.set(token, claims);
      return claims;
    },
    async issue({ userId, email, sessionId }) {
      if (auth.mode !== 'self-hosted' || hmac === null) throw new Error('access tokens are issued by Supabase Auth');
      const issuedAt = nowSeconds();
      const token = await signHs256(
        {
          sub: userId,
          role: 'authenticated',
          aud: options.audience,
          iat: issuedAt,
          exp: issuedAt + options.ttlSeconds,
          email,
          session_id: sessionId,
          iss: 'keel',
        },
        await hmac,
      );
      return { token, expiresIn: options.ttlSeconds };
    },
  };
}
