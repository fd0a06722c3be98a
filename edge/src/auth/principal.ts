/**
 * Who a request acts for, once authenticated: the user (their JWT claims, the only way into the database as them)
 * and what the credential may do. A session (a dashboard sign-in) may do everything its user may; an API token
 * only what its scopes allow.
 */
import type { JwtClaims } from '@keel/db';

export const SCOPES = ['read', 'trade', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  userId: string;
  claims: JwtClaims;
  via: 'session' | 'api-token';
  scopes: ReadonlySet<Scope>;
  /** The API token's id (rate limits are per token), or the session's id when the token carries one. */
  credentialId: string;
}

export const ALL_SCOPES: ReadonlySet<Scope> = new Set(SCOPES);

/** The database calls API-token scopes read, trade and manage; the public API says admin for manage. */
export function scopeFromDatabase(scope: string): Scope | null {
  if (scope === 'manage') return 'admin';
  return scope === 'read' || scope === 'trade' ? scope : null;
}

export function scopeToDatabase(scope: Scope): 'read' | 'trade' | 'manage' {
  return scope === 'admin' ? 'manage' : scope;
}
