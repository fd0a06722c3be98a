/**
 * Every page request: people without a session go to sign-in before any page renders (self-hosted mode: the
 * httpOnly refresh cookie is the session; Supabase mode keeps its session in the browser, so the page checks), and
 * every response carries the usual hardening headers.
 */

import { redirect } from '@sveltejs/kit';
import type { Handle } from '@sveltejs/kit/hooks';
import { REFRESH_COOKIE } from '#lib/server/refresh-cookie.ts';
import { PUBLIC_SUPABASE_URL } from '$app/env/public';

/** Pages anyone may open; everything else needs a session. */
const PUBLIC_PATHS = ['/login', '/signup', '/session/'];

function isPublic(pathname: string): boolean {
  return PUBLIC_PATHS.some((path) => pathname === path || (path.endsWith('/') && pathname.startsWith(path)));
}

export const handle: Handle = async ({ event, resolve }) => {
  const { pathname, search } = event.url;
  const isPage = !pathname.startsWith('/_app/') && !/\.[a-z0-9]+$/i.test(pathname);
  if (isPage && !PUBLIC_SUPABASE_URL && !isPublic(pathname) && !event.cookies.get(REFRESH_COOKIE)) {
    const next = pathname === '/' ? '' : `?next=${encodeURIComponent(pathname + search)}`;
    redirect(303, `/login${next}`);
  }
  const response = await resolve(event);
  response.headers.set('x-content-type-options', 'nosniff');
  response.headers.set('referrer-policy', 'same-origin');
  response.headers.set('x-frame-options', 'DENY');
  response.headers.set('permissions-policy', 'camera=(), microphone=(), geolocation=()');
  return response;
};
