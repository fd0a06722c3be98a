/**
 * Request bodies: at most config.bodyLimitBytes (413), JSON only (415), strictly parsed (400, see strict-json.ts).
 * The checked text stays in Hono's body cache, so the route's zod validator reads the very same text.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { EdgeConfig } from '../config.ts';
import type { AppEnv } from './context.ts';
import { ProblemError } from './problem.ts';
import { parseStrictJson } from './strict-json.ts';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBody(request: Request): boolean {
  const length = request.headers.get('content-length');
  if (length !== null) return length !== '0';
  return request.headers.has('transfer-encoding') || request.body !== null;
}

export function bodyLimitMiddleware(config: EdgeConfig): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize: config.bodyLimitBytes,
    onError: () => {
      throw new ProblemError(413, 'The request body is too large', {
        detail: `bodies are limited to ${config.bodyLimitBytes} bytes`,
      });
    },
  });
  // GET and HEAD carry no body (@hono/node-server gives them none); asking for one would build the full WHATWG
  // Request of every read, which @hono/node-server otherwise never makes.
  return (c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limit(c, next));
}

export function strictJsonMiddleware(config: EdgeConfig): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!METHODS_WITH_BODY.has(c.req.method) || !hasBody(c.req.raw)) return next();
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!JSON_MEDIA_TYPE.test(mediaType)) {
      throw new ProblemError(415, 'Unsupported media type', {
        detail: `send the body as application/json${mediaType === '' ? '' : `, not ${mediaType.slice(0, 80)}`}`,
      });
    }
    const text = await c.req.text();
    if (text.trim() === '') return next();
    const parsed = parseStrictJson(text, config.maxJsonDepth);
    if (!parsed.ok) {
      throw new ProblemError(400, 'The request body is malformed', {
        type: 'urn:keel:problem:malformed-body',
        detail: parsed.problem,
        errors: [{ path: '', message: parsed.problem }],
      });
    }
    return next();
  };
}
