/**
 * Where the refresh token lives: an httpOnly cookie of the dashboard's own origin, set by its server. Script in
 * the page can never read it, so an XSS bug cannot carry off a long-lived session; the short-lived access token
 * stays in the page's memory only. SameSite=Lax keeps the cookie off cross-site POSTs (the session routes only
 * answer POST); Secure whenever the dashboard is served over HTTPS.
 */
import type { Cookies } from '@sveltejs/kit';

export const REFRESH_COOKIE = 'keel_refresh';
/** Matches the edge's default refresh-token lifetime; the edge refuses an expired token whatever the cookie says. */
const REFRESH_COOKIE_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

export function setRefreshCookie(cookies: Cookies, refreshToken: string, secure: boolean): void {
  cookies.set(REFRESH_COOKIE, refreshToken, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: REFRESH_COOKIE_MAX_AGE_SECONDS,
  });
}

export function clearRefreshCookie(cookies: Cookies, secure: boolean): void {
  cookies.delete(REFRESH_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}
