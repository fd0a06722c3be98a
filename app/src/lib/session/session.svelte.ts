/**
 * The signed-in session of this tab. The access token lives in this module's memory only (never in storage, never
 * in a log); it is renewed a minute before it expires, and on any 401, once for all concurrent callers. Reloading
 * the page restores the session from the provider (the httpOnly cookie, or supabase-js's sessionStorage).
 */
import { PUBLIC_API_URL, PUBLIC_SUPABASE_ANON_KEY, PUBLIC_SUPABASE_URL } from '$app/env/public';
import { type ApiClient, createApiClient } from '../api/client.ts';
import type { AuthProvider, Credentials, SignedIn } from './provider.ts';
import { selfHostedAuth } from './self-hosted.ts';

export type SessionStatus = 'unknown' | 'signed-in' | 'signed-out';

/** Renew this long before the access token expires, so no request goes out with a token about to lapse. */
const RENEW_BEFORE_EXPIRY_MS = 60_000;

export const API_URL = PUBLIC_API_URL ?? 'http://localhost:8787';

export const session = $state<{
  status: SessionStatus;
  user: SignedIn['user'] | null;
  /** Why the session could not be checked (the server did not answer), or null. */
  problem: string | null;
}>({ status: 'unknown', user: null, problem: null });

let accessToken: string | null = null;
let expiresAtMs = 0;
let renewTimer: ReturnType<typeof setTimeout> | null = null;
let renewing: Promise<string | null> | null = null;
let restoring: Promise<void> | null = null;
let providerPromise: Promise<AuthProvider> | null = null;
const signOutListeners = new Set<() => void>();

function provider(): Promise<AuthProvider> {
  providerPromise ??= PUBLIC_SUPABASE_URL
    ? import('./supabase.ts').then(({ supabaseAuth }) => supabaseAuth(PUBLIC_SUPABASE_URL, PUBLIC_SUPABASE_ANON_KEY))
    : Promise.resolve(selfHostedAuth());
  return providerPromise;
}

function adopt(signedIn: SignedIn | null): string | null {
  if (renewTimer !== null) clearTimeout(renewTimer);
  renewTimer = null;
  if (signedIn === null) {
    const wasSignedIn = session.status === 'signed-in';
    accessToken = null;
    expiresAtMs = 0;
    session.user = null;
    session.status = 'signed-out';
    if (wasSignedIn) for (const listener of signOutListeners) listener();
    return null;
  }
  accessToken = signedIn.accessToken;
  expiresAtMs = signedIn.expiresAtMs;
  session.user = signedIn.user;
  session.status = 'signed-in';
  const renewInMs = Math.max(5_000, expiresAtMs - Date.now() - RENEW_BEFORE_EXPIRY_MS);
  renewTimer = setTimeout(() => void renew(), renewInMs);
  return accessToken;
}

/** One renewal at a time: concurrent 401s and the timer all wait for the same refresh. */
export function renew(): Promise<string | null> {
  renewing ??= provider()
    .then((auth) => auth.refresh())
    .then(
      (signedIn) => {
        session.problem = null;
        return adopt(signedIn);
      },
      (error: unknown) => {
        // The server did not answer: keep the session (the next request tries again); this token is unusable.
        session.problem = error instanceof Error ? error.message : 'The sign-in service did not answer.';
        return null;
      },
    )
    .finally(() => {
      renewing = null;
    });
  return renewing;
}

/** Restores the session this tab had before a reload; once per page load. */
export function restore(): Promise<void> {
  restoring ??= renew().then(() => {
    if (session.status === 'unknown' && session.problem === null) session.status = 'signed-out';
  });
  return restoring;
}

/** Tries again to restore a session that could not be checked. */
export function retryRestore(): Promise<void> {
  restoring = null;
  session.problem = null;
  return restore();
}

/** Resolves once it is known whether someone is signed in. */
export async function ready(): Promise<boolean> {
  if (session.status === 'unknown') await restore();
  return session.status === 'signed-in';
}

/** A token good for at least a minute more (for the WebSocket, which cannot renew mid-connection). */
export async function freshAccessToken(): Promise<string | null> {
  if (!(await ready())) return null;
  if (accessToken !== null && expiresAtMs - Date.now() > RENEW_BEFORE_EXPIRY_MS) return accessToken;
  return renew();
}

export async function logIn(credentials: Credentials): Promise<void> {
  adopt(await (await provider()).logIn(credentials));
}

export async function signUp(credentials: Credentials): Promise<void> {
  adopt(await (await provider()).signUp(credentials));
}

export async function logOut(): Promise<void> {
  await (await provider()).logOut();
  adopt(null);
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  const token = await freshAccessToken();
  if (token === null) throw new Error('Sign in again to change your password.');
  const renewed = await (await provider()).changePassword(token, currentPassword, newPassword);
  if (renewed !== null) adopt(renewed);
}

/** Called when the session ends (sign-out, or a refresh the server refused). */
export function onSignOut(listener: () => void): () => void {
  signOutListeners.add(listener);
  return () => signOutListeners.delete(listener);
}

/** The API client every page uses: the session's bearer token, renewed on 401. */
export const api: ApiClient = createApiClient({
  baseUrl: API_URL,
  tokens: {
    accessToken: () => accessToken,
    renew: async () => {
      const token = await renew();
      if (token === null && session.status === 'signed-in') adopt(null);
      return token;
    },
  },
});
