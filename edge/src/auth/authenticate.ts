/**
 * Who is calling. `Authorization: Bearer <token>` (or `?access_token=` on the WebSocket, which browsers cannot
 * give headers) is either an API token (`keel_…`: looked up by its hash, must be live, its owner's IP allowlist must
 * admit the client) or an access token (a JWT, verified as its mode says). Both end as a Principal whose claims
 * are the user's: every database call after this runs as that user, under row-level security.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../http/context.ts';
import { forbidden, unauthorized } from '../http/problem.ts';
import type { EdgeDeps } from '../ports.ts';
import { enforceRateLimit } from '../rate-limit/middleware.ts';
import type { AccessTokens } from './access-tokens.ts';
import { JwtError } from './jwt.ts';
import { ALL_SCOPES, type Principal, type Scope, scopeFromDatabase } from './principal.ts';

export const API_TOKEN_PREFIX = 'keel_';
const MAX_TOKEN_LENGTH = 4096;
const UNKNOWN_ADDRESS = '::';
const BEARER = /^Bearer\s+(\S+)\s*$/i;

function bearerToken(request: Request, allowQueryToken: boolean): string | null {
  const header = request.headers.get('authorization');
  if (header !== null) {
    const match = BEARER.exec(header);
    if (!match) throw unauthorized('the Authorization header must be "Bearer <token>"');
    return match[1] as string;
  }
  if (allowQueryToken) return new URL(request.url).searchParams.get('access_token');
  return null;
}

async function apiTokenPrincipal(deps: EdgeDeps, token: string, ip: string | undefined, requestId: string) {
  const found = await deps.database.asService(
    async (tx) => {
      const apiToken = await tx.apiTokens.authenticate(token);
      if (apiToken === null) return null;
      // No client address (an unusual runtime): checked as the unspecified address "::", which only an empty
      // list or a catch-all network admits.
      const permitted = await tx.ipAllowlist.permits(apiToken.userId, ip ?? UNKNOWN_ADDRESS);
      return { apiToken, permitted };
    },
    { requestId, ...(ip === undefined ? {} : { ip }) },
  );
  if (found === null) throw unauthorized('the API token is unknown, revoked or expired');
  if (!found.permitted)
    throw forbidden(`API tokens of this account may not be used from ${ip ?? 'an unknown address'}`);
  const scopes = new Set(found.apiToken.scopes.map(scopeFromDatabase).filter((s): s is Scope => s !== null));
  const principal: Principal = {
    userId: found.apiToken.userId,
    claims: {
      sub: found.apiToken.userId,
      role: 'authenticated',
      aud: deps.config.jwtAudience,
      token_id: found.apiToken.id,
    },
    via: 'api-token',
    scopes,
    credentialId: found.apiToken.id,
  };
  return principal;
}

async function sessionPrincipal(tokens: AccessTokens, token: string): Promise<Principal> {
  try {
    const claims = await tokens.verify(token);
    const sessionId = typeof claims.session_id === 'string' ? claims.session_id : claims.sub;
    return { userId: claims.sub, claims, via: 'session', scopes: ALL_SCOPES, credentialId: sessionId };
  } catch (error) {
    if (error instanceof JwtError) {
      throw unauthorized(error.expired ? 'the access token has expired: refresh it' : 'the access token is invalid');
    }
    throw error;
  }
}

/** A signed-in user's sessions share one per-user rate limit. */
function sessionRateLimitKey(userId: string): string {
  return `user:${userId}`;
}

/**
 * The per-user rate-limit key of a request carrying a session token this edge has verified before (no I/O, no
 * verification: anything else is null and goes through authenticate()). For ipRateLimit's knownPrincipalKey.
 */
export function knownSessionRateLimitKey(tokens: AccessTokens): (c: Context<AppEnv>) => string | null {
  return (c) => {
    const token = BEARER.exec(c.req.header('authorization') ?? '')?.[1];
    if (token === undefined || token.startsWith(API_TOKEN_PREFIX)) return null;
    const claims = tokens.known(token);
    return claims === null ? null : sessionRateLimitKey(claims.sub);
  };
}

export function authenticate(
  deps: EdgeDeps,
  tokens: AccessTokens,
  options: { allowQueryToken?: boolean } = {},
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.raw, options.allowQueryToken ?? false);
    if (token === null || token === '')
      throw unauthorized('send an access token or API token as "Authorization: Bearer <token>"');
    if (token.length > MAX_TOKEN_LENGTH) throw unauthorized('the token is too long to be one of ours');
    const principal = token.startsWith(API_TOKEN_PREFIX)
      ? await apiTokenPrincipal(deps, token, c.get('clientIp'), c.get('requestId'))
      : await sessionPrincipal(tokens, token);
    c.set('principal', principal);
    const key =
      principal.via === 'api-token' ? `token:${principal.credentialId}` : sessionRateLimitKey(principal.userId);
    // Already counted with the per-IP hit when the token was known before this request (ipRateLimit).
    if (c.get('rateLimitedKey') !== key) {
      await enforceRateLimit(
        deps,
        c,
        key,
        deps.config.rateLimits.perPrincipal,
        principal.via === 'api-token' ? 'API token' : 'per-user',
      );
    }
    await next();
  };
}

/** API tokens need the scope; sessions have them all. Checked before validation: no schema hints to the unentitled. */
export function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get('principal').scopes.has(scope)) {
      throw forbidden(`this API token lacks the "${scope}" scope`);
    }
    await next();
  };
}
