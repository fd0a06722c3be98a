/**
 * Supabase mode: people sign in with Supabase Auth through supabase-js, and the edge accepts its access tokens.
 * supabase-js refreshes and rotates the tokens itself; its session is kept in sessionStorage (this tab, until it
 * closes) rather than its default localStorage. Loaded on demand: self-hosted deployments never download it.
 */
import type { Session, SupabaseClient } from '@supabase/supabase-js';
import { ApiError } from '../api/problem.ts';
import type { AuthProvider, SignedIn } from './provider.ts';

function signedIn(session: Session): SignedIn {
  return {
    accessToken: session.access_token,
    expiresAtMs: (session.expires_at ?? Math.floor(Date.now() / 1000) + session.expires_in) * 1000,
    user: { id: session.user.id, email: session.user.email ?? null },
  };
}

function authError(error: { message: string; status?: number | undefined }): ApiError {
  return new ApiError({ status: error.status ?? 400, title: 'Sign-in failed', detail: error.message });
}

export async function supabaseAuth(url: string, anonKey: string): Promise<AuthProvider> {
  const { createClient } = await import('@supabase/supabase-js');
  const client: SupabaseClient = createClient(url, anonKey, {
    auth: { storage: sessionStorage, persistSession: true, autoRefreshToken: true, detectSessionInUrl: false },
  });
  return {
    kind: 'supabase',
    async signUp(credentials) {
      const { data, error } = await client.auth.signUp(credentials);
      if (error) throw authError(error);
      if (!data.session) {
        throw new ApiError({
          status: 202,
          title: 'Confirm your email',
          detail: 'We sent you an email: follow its link to confirm the address, then sign in.',
        });
      }
      return signedIn(data.session);
    },
    async logIn(credentials) {
      const { data, error } = await client.auth.signInWithPassword(credentials);
      if (error) throw authError(error);
      return signedIn(data.session);
    },
    async refresh() {
      const current = await client.auth.getSession();
      if (!current.data.session) return null;
      const { data, error } = await client.auth.refreshSession();
      return error || !data.session ? null : signedIn(data.session);
    },
    async logOut() {
      await client.auth.signOut();
    },
    async changePassword(_accessToken, currentPassword, newPassword) {
      const { data } = await client.auth.getUser();
      const email = data.user?.email;
      // Supabase does not ask for the current password: check it by signing in with it first.
      if (email) {
        const check = await client.auth.signInWithPassword({ email, password: currentPassword });
        if (check.error) {
          throw new ApiError({
            status: 400,
            title: 'Wrong password',
            fieldErrors: { current_password: 'this is not your current password' },
          });
        }
      }
      const { error } = await client.auth.updateUser({ password: newPassword });
      if (error) throw authError(error);
      const refreshed = await client.auth.getSession();
      return refreshed.data.session ? signedIn(refreshed.data.session) : null;
    },
  };
}
