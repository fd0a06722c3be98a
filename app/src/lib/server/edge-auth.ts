/**
 * The dashboard server's side of sign-in: it calls the edge's /v1/auth routes for the browser, keeps the refresh
 * token in the httpOnly cookie and hands the page only the access token. It never logs a token or a password.
 */
import { createHash } from 'node:crypto';

/** What the page receives after signing in or refreshing: everything of the edge's answer but the refresh token. */
export interface PageSession {
  access_token: string;
  expires_in: number;
  user: { id: string; email: string | null };
}

export interface EdgeAnswer {
  status: number;
  body: unknown;
  /** The refresh token the edge issued, when it issued one. */
  refreshToken: string | null;
  session: PageSession | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sessionOf(body: unknown): { session: PageSession; refreshToken: string } | null {
  if (!isRecord(body) || typeof body.access_token !== 'string' || typeof body.refresh_token !== 'string') return null;
  const user = isRecord(body.user) ? body.user : {};
  return {
    refreshToken: body.refresh_token,
    session: {
      access_token: body.access_token,
      expires_in: typeof body.expires_in === 'number' ? body.expires_in : 900,
      user: { id: String(user.id ?? ''), email: typeof user.email === 'string' ? user.email : null },
    },
  };
}

export interface EdgeCall {
  apiUrl: string;
  path: string;
  body: unknown;
  /** The browser's address, for the edge's per-IP sign-in limits (used when the edge trusts this proxy). */
  clientAddress?: string | undefined;
  authorization?: string | null;
  fetch?: typeof fetch;
}

/** POSTs to the edge and splits its answer into what the page may see and the refresh token for the cookie. */
export async function callEdge(call: EdgeCall): Promise<EdgeAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (call.clientAddress) headers['x-forwarded-for'] = call.clientAddress;
  if (call.authorization) headers.authorization = call.authorization;
  const response = await (call.fetch ?? fetch)(new URL(call.path, call.apiUrl), {
    method: 'POST',
    headers,
    body: JSON.stringify(call.body),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = { title: response.statusText || 'The API answered something unexpected', status: response.status };
  }
  const signedIn = response.ok ? sessionOf(body) : null;
  return {
    status: response.status,
    body: signedIn ? signedIn.session : body,
    refreshToken: signedIn?.refreshToken ?? null,
    session: signedIn?.session ?? null,
  };
}

/** How long the answer to a refresh is also given to requests still carrying the old token (tabs loading together). */
const ROTATED_TOKEN_REUSE_MS = 10_000;
/** A remembered access token is handed out until this long before it expires; then the next load rotates. */
const ACCESS_TOKEN_MARGIN_MS = 120_000;
/** Sessions remembered at most (the oldest are forgotten first): bounds the server's memory. */
const MAX_REMEMBERED_SESSIONS = 50_000;

interface Remembered {
  answer: Promise<EdgeAnswer>;
  reusableUntil: number;
}

/**
 * The dashboard server's memory of the sessions it refreshed. Every full page load needs an access token, and the
 * page keeps it in memory only, so without this each reload would rotate the refresh token at the edge: one auth
 * request per page view (the edge rate-limits those per IP), and two tabs loading at once would both spend the
 * same refresh token, which the edge treats as theft and answers by revoking the whole login. So:
 *
 * - the cookie's current refresh token maps to the access token issued with it, handed out again until shortly
 *   before it expires (the holder of the cookie could get a fresh one anyway);
 * - the token just rotated away maps, for a few seconds, to the answer that replaced it (concurrent loads).
 *
 * Tokens are only kept as SHA-256 hashes. One process's memory: several dashboard servers each keep their own.
 */
export function sessionCache(now: () => number = Date.now) {
  const entries = new Map<string, Remembered>();
  const keyOf = (token: string) => createHash('sha256').update(token).digest('base64url');

  function sweep(time: number): void {
    for (const [key, entry] of entries) if (entry.reusableUntil <= time) entries.delete(key);
    while (entries.size > MAX_REMEMBERED_SESSIONS) {
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
    }
  }

  /** After sign-in or a refresh: the page may get `session` again for `refreshToken` until near its expiry. */
  function remember(refreshToken: string, session: PageSession): void {
    const issuedAt = now();
    const expiresAt = issuedAt + session.expires_in * 1000;
    const reusableUntil = expiresAt - ACCESS_TOKEN_MARGIN_MS;
    if (reusableUntil <= issuedAt) return;
    // Handed out later, the token has less time left: the page must know when it really expires.
    const current = (): PageSession => ({
      ...session,
      expires_in: Math.max(0, Math.floor((expiresAt - now()) / 1000)),
    });
    const answer: EdgeAnswer = {
      status: 200,
      refreshToken: null,
      get session() {
        return current();
      },
      get body() {
        return current();
      },
    };
    entries.set(keyOf(refreshToken), { answer: Promise.resolve(answer), reusableUntil });
  }

  /** The session for `refreshToken`: remembered, or from `refreshAtEdge` (one call for concurrent requests). */
  function refresh(refreshToken: string, refreshAtEdge: () => Promise<EdgeAnswer>): Promise<EdgeAnswer> {
    const time = now();
    sweep(time);
    const key = keyOf(refreshToken);
    const known = entries.get(key);
    if (known) return known.answer;
    const answer = refreshAtEdge();
    entries.set(key, { answer, reusableUntil: time + ROTATED_TOKEN_REUSE_MS });
    answer.then(
      (result) => {
        if (result.refreshToken && result.session) remember(result.refreshToken, result.session);
        else entries.delete(key);
      },
      () => entries.delete(key),
    );
    return answer;
  }

  function forget(refreshToken: string): void {
    entries.delete(keyOf(refreshToken));
  }

  return { remember, refresh, forget };
}
