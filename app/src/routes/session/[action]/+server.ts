/**
 * POST /session/{signup,login,refresh,logout,password}: sign-in for the page, through the dashboard's own server,
 * so the refresh token goes into an httpOnly cookie and the page only ever holds the short-lived access token
 * (see #lib/server/refresh-cookie.ts). Errors from the edge pass through unchanged (problem+json).
 */

import { json, type RequestHandler } from '@sveltejs/kit';
import { callEdge, type EdgeAnswer, sessionCache } from '#lib/server/edge-auth.ts';
import { clearRefreshCookie, REFRESH_COOKIE, setRefreshCookie } from '#lib/server/refresh-cookie.ts';
import { KEEL_API_URL } from '$app/env/private';
import { PUBLIC_API_URL } from '$app/env/public';

const sessions = sessionCache();
const PROBLEM_TYPE = 'application/problem+json';

function problem(status: number, title: string, detail: string): Response {
  return json({ type: 'about:blank', title, status, detail }, { status, headers: { 'content-type': PROBLEM_TYPE } });
}

function answer(result: EdgeAnswer): Response {
  if (result.status === 204 || result.body === undefined) return new Response(null, { status: result.status });
  const headers = result.status >= 400 ? { 'content-type': PROBLEM_TYPE } : undefined;
  return json(result.body, { status: result.status, ...(headers ? { headers } : {}) });
}

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch {
    return undefined;
  }
}

export const POST: RequestHandler = async ({ params, request, cookies, url, getClientAddress, fetch }) => {
  // JSON only: a cross-site page cannot send it without a CORS preflight, which this server never grants.
  if (!request.headers.get('content-type')?.startsWith('application/json')) {
    return problem(415, 'Unsupported media type', 'send application/json');
  }
  const apiUrl = KEEL_API_URL ?? PUBLIC_API_URL ?? 'http://localhost:8787';
  const secure = url.protocol === 'https:';
  const base = { apiUrl, clientAddress: getClientAddress(), fetch };
  try {
    switch (params.action) {
      case 'signup':
      case 'login': {
        const body = await readJson(request);
        const result = await callEdge({ ...base, path: `/v1/auth/${params.action}`, body });
        if (result.refreshToken && result.session) {
          setRefreshCookie(cookies, result.refreshToken, secure);
          sessions.remember(result.refreshToken, result.session);
        }
        return answer(result);
      }
      case 'refresh': {
        const refreshToken = cookies.get(REFRESH_COOKIE);
        if (!refreshToken) return problem(401, 'Not signed in', 'there is no session to refresh: sign in');
        const result = await sessions.refresh(refreshToken, () =>
          callEdge({ ...base, path: '/v1/auth/refresh', body: { refresh_token: refreshToken } }),
        );
        if (result.refreshToken) setRefreshCookie(cookies, result.refreshToken, secure);
        else if (result.status === 401 || result.status === 400) clearRefreshCookie(cookies, secure);
        return answer(result);
      }
      case 'logout': {
        const refreshToken = cookies.get(REFRESH_COOKIE);
        clearRefreshCookie(cookies, secure);
        if (refreshToken) sessions.forget(refreshToken);
        if (refreshToken) await callEdge({ ...base, path: '/v1/auth/logout', body: { refresh_token: refreshToken } });
        return new Response(null, { status: 204 });
      }
      case 'password': {
        const body = await readJson(request);
        const authorization = request.headers.get('authorization');
        const result = await callEdge({ ...base, path: '/v1/auth/password', body, authorization });
        // Changing the password may end the other sessions and issue this one new tokens.
        const previous = cookies.get(REFRESH_COOKIE);
        if (previous) sessions.forget(previous);
        if (result.refreshToken && result.session) {
          setRefreshCookie(cookies, result.refreshToken, secure);
          sessions.remember(result.refreshToken, result.session);
        }
        return answer(result);
      }
      default:
        return problem(404, 'Not found', `there is no /session/${params.action}`);
    }
  } catch {
    return problem(502, 'Cannot reach the Keel API', 'the sign-in service did not answer: try again in a moment');
  }
};
