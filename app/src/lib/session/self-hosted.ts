/** Self-hosted sign-in: the dashboard server's /session routes (see routes/session/[action]/+server.ts). */
import { ApiError, networkError, problemToError } from '../api/problem.ts';
import type { AuthProvider, SignedIn } from './provider.ts';

interface PageSession {
  access_token: string;
  expires_in: number;
  user: { id: string; email: string | null };
}

function signedIn(session: PageSession, now: number): SignedIn {
  return { accessToken: session.access_token, expiresAtMs: now + session.expires_in * 1000, user: session.user };
}

/**
 * Always JSON, even without a body: a cross-site page cannot send a JSON POST without a CORS preflight, which the
 * dashboard's server never grants, so these routes need no CSRF token (and SvelteKit's form-CSRF check, which a
 * body-less POST would trip behind some proxies, does not apply).
 */
async function post(action: string, body: unknown = {}, accessToken?: string): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json' };
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  try {
    return await fetch(`/session/${action}`, {
      method: 'POST',
      headers,
      credentials: 'same-origin',
      body: JSON.stringify(body),
    });
  } catch (error) {
    throw networkError(error);
  }
}

async function sessionFrom(response: Response): Promise<SignedIn> {
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw problemToError(response.status, response.statusText, body);
  return signedIn(body as PageSession, Date.now());
}

export function selfHostedAuth(): AuthProvider {
  return {
    kind: 'self-hosted',
    signUp: async (credentials) => sessionFrom(await post('signup', credentials)),
    logIn: async (credentials) => sessionFrom(await post('login', credentials)),
    async refresh() {
      const response = await post('refresh');
      if (response.status === 401 || response.status === 400) return null;
      return sessionFrom(response);
    },
    async logOut() {
      await post('logout').catch(() => undefined);
    },
    async changePassword(accessToken, currentPassword, newPassword) {
      const response = await post(
        'password',
        { current_password: currentPassword, new_password: newPassword },
        accessToken,
      );
      if (response.status === 204) return null;
      const body: unknown = await response.json().catch(() => undefined);
      if (!response.ok) throw problemToError(response.status, response.statusText, body);
      const session = body as Partial<PageSession> | undefined;
      return session?.access_token ? signedIn(session as PageSession, Date.now()) : null;
    },
  };
}

export { ApiError };
