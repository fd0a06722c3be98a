/**
 * The headers every answer carries — request id, security headers, rate-limit state — gathered in a plain object
 * while the request runs and put on the response once, as it is built.
 *
 * Why not `c.header()` or Hono's secureHeaders middleware: each of those is a `Headers.set`, which validates and
 * re-sorts on every call, and @hono/node-server then copies the Headers back out into Node's. With the ten headers
 * of a typical answer that was most of the cost of a cached GET /v1/portfolio (measured with autocannon on a
 * one-route app: 24 µs of CPU a request through `c.header()` + `c.json()` against 15 µs with the same headers as a
 * plain object). A Response built with a plain header object is written by @hono/node-server in one `writeHead`.
 *
 * The rule: middleware adds answer headers with `planHeader()`, handlers answer JSON with `jsonAnswer()`, and the
 * first middleware calls `startHeaderPlan()` before and `finishHeaderPlan()` after the rest. An answer built any
 * other way (errors, HTML, 204s) gets the planned headers put on it afterwards, where a header it already carries
 * wins. A middleware must not call `c.header()` before the handler runs: Hono drops those values from a Response
 * the handler builds itself, as jsonAnswer() does. Setting `c.res.headers` is fine (Hono's CORS middleware does):
 * Hono copies those onto the handler's Response.
 */
import type { TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { JSONParsed } from 'hono/utils/types';
import type { AppContext } from './context.ts';

/**
 * A JSON API's security headers; the document-only ones (COOP, Origin-Agent-Cluster, CSP, legacy X-* switches)
 * are left out — the API reference page sets its own Content-Security-Policy.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'cross-origin-resource-policy': 'same-site',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=15552000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
});

const JSON_CONTENT_TYPE = 'application/json';

/** Answers whose headers were all set as they were built: finishHeaderPlan leaves them alone. */
const planned = new WeakSet<Response>();

export function startHeaderPlan(c: AppContext, requestId: string): void {
  c.set('responseHeaders', { ...SECURITY_HEADERS, 'x-request-id': requestId });
}

/** Sets a header (lower-case name) of the answer to come. */
export function planHeader(c: AppContext, name: string, value: string): void {
  c.get('responseHeaders')[name] = value;
}

/** `c.json()`, with the planned headers set on the Response as it is made. */
export function jsonAnswer<T, U extends ContentfulStatusCode>(
  c: AppContext,
  body: T,
  status: U,
): Response & TypedResponse<JSONParsed<T>, U, 'json'> {
  const response = new Response(JSON.stringify(body), {
    status,
    headers: { ...c.get('responseHeaders'), 'content-type': JSON_CONTENT_TYPE },
  });
  planned.add(response);
  return response as Response & TypedResponse<JSONParsed<T>, U, 'json'>;
}

/** Puts the planned headers on an answer that was not built by jsonAnswer(); its own headers win. */
export function finishHeaderPlan(c: AppContext): void {
  const response = c.res;
  if (planned.has(response)) return;
  const headers = response.headers;
  for (const [name, value] of Object.entries(c.get('responseHeaders'))) {
    if (!headers.has(name)) headers.set(name, value);
  }
}
