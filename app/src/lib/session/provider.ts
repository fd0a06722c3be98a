/**
 * Who signs people in. Self-hosted Keel signs in through the dashboard's own server (which keeps the refresh
 * token in an httpOnly cookie); a Supabase deployment signs in with supabase-js. The session talks to either
 * through this interface, and nothing else in the app knows which one it is.
 */

export interface Credentials {
  email: string;
  password: string;
}

/** A signed-in session as the page holds it: the access token (memory only) and who it belongs to. */
export interface SignedIn {
  accessToken: string;
  /** When the access token expires, in ms since the epoch. */
  expiresAtMs: number;
  user: { id: string; email: string | null };
}

export interface AuthProvider {
  readonly kind: 'self-hosted' | 'supabase';
  signUp(credentials: Credentials): Promise<SignedIn>;
  logIn(credentials: Credentials): Promise<SignedIn>;
  /** A new access token for the session the browser holds, or null when there is none (or it was revoked). */
  refresh(): Promise<SignedIn | null>;
  logOut(): Promise<void>;
  /** Changes the password; may hand back a new session (the old refresh tokens are revoked). */
  changePassword(accessToken: string, currentPassword: string, newPassword: string): Promise<SignedIn | null>;
}
