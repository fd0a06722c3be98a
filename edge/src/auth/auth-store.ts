/**
 * Self-hosted auth's own storage: password hashes and refresh tokens. Two implementations: the database's
 * (database-auth-store.ts, auth.keel_password_credentials and auth.keel_refresh_tokens), which startEdge uses, and
 * an in-process one (memory-auth-store.ts) for unit tests, which forgets everything on restart. Accounts themselves
 * (auth.users rows, and with them profiles) are always made in the database.
 */

export interface PasswordCredential {
  userId: string;
  /** Lower-cased, trimmed. */
  email: string;
  passwordHash: string;
}

/** A refresh token as stored: its SHA-256 only, never the token. */
export interface RefreshTokenRecord {
  tokenHash: string;
  userId: string;
  email: string;
  /** Every token rotated from one sign-in shares the family; reuse of a rotated token revokes the whole family. */
  familyId: string;
  expiresAtMs: number;
  /** Set when rotated: a second use is a stolen token being replayed. */
  usedAtMs: number | null;
  revokedAtMs: number | null;
}

export class EmailTakenError extends Error {
  constructor() {
    super('an account with this email exists');
    this.name = 'EmailTakenError';
  }
}

export interface AuthStore {
  /** EmailTakenError when the email has a credential already. */
  addCredential(credential: PasswordCredential): Promise<void>;
  credentialByEmail(email: string): Promise<PasswordCredential | null>;
  credentialByUserId(userId: string): Promise<PasswordCredential | null>;
  /** Replaces the password hash; false when the account has no credential. */
  savePassword(userId: string, passwordHash: string): Promise<boolean>;
  saveRefreshToken(record: RefreshTokenRecord): Promise<void>;
  /** Marks the token used and returns it as it was before, atomically (two concurrent uses: one sees usedAtMs). */
  useRefreshToken(tokenHash: string, nowMs: number): Promise<RefreshTokenRecord | null>;
  /** Revokes the family of a token, without using it (logout). Returns whether the token was known. */
  revokeFamilyOf(tokenHash: string, nowMs: number): Promise<boolean>;
  revokeFamily(familyId: string, nowMs: number): Promise<void>;
  /** Revokes every refresh token of the account (a password change). */
  revokeUserTokens(userId: string, nowMs: number): Promise<void>;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
