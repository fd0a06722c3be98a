/**
 * First middleware of every request: a request id (the client's X-Request-Id when it is a sane token, otherwise a
 * new uuid) on the response and on every log line, the client's address, the answer's planned headers
 * (response-headers.ts: request id, security headers, rate-limit state), and one access-log line per request
 * (successful reads at debug level).
 */
import type { MiddlewareHandler } from 'hono';
import type { EdgeDeps, Logger } from '../ports.ts';
import { clientAddress } from './client-address.ts';
import type { AppEnv } from './context.ts';
import { finishHeaderPlan, startHeaderPlan } from './response-headers.ts';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A successful read is logged at debug level: dashboards poll, and the line costs more than the read itself
 * (measured: ~20 µs of the ~95 µs of CPU a cached GET /v1/portfolio takes, even with the batched writes of node.ts
 * edgeLogger). Writes, failures and refusals stay at info; LOG_LEVEL=debug shows every request.
 */
function isQuietRead(method: string, status: number): boolean {
  return (method === 'GET' || method === 'HEAD') && status < 400;
}

/**
 * The request's logger, made only when a handler logs something: a pino child costs more to make than most
 * requests spend logging (none, besides the access line, which names the request id itself).
 */
function lazyChildLogger(parent: Logger, bindings: object): Logger {
  let child: Logger | null = null;
  const made = () => {
    child ??= parent.child(bindings);
    return child;
  };
  return {
    debug: (fields, message) => made().debug(fields, message),
    info: (fields, message) => made().info(fields, message),
    warn: (fields, message) => made().warn(fields, message),
    error: (fields, message) => made().error(fields, message),
    child: (more) => made().child(more),
  };
}

export function requestContextMiddleware(deps: EdgeDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    const offered = c.req.header('x-request-id');
    const requestId = offered !== undefined && REQUEST_ID.test(offered) ? offered : crypto.randomUUID();
    const clientIp = clientAddress(c.req.raw, deps.remoteAddress?.(c.req.raw, c.env), deps.config.trustProxy);
    c.set('requestId', requestId);
    c.set('clientIp', clientIp);
    c.set('logger', lazyChildLogger(deps.logger, { requestId }));
    startHeaderPlan(c, requestId);
    await next();
    finishHeaderPlan(c);
    const principal = c.get('principal') as AppEnv['Variables']['principal'] | undefined;
    const log = isQuietRead(c.req.method, c.res.status) ? deps.logger.debug : deps.logger.info;
    log.call(
      deps.logger,
      {
        requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        ip: clientIp,
        userId: principal?.userId,
        via: principal?.via,
      },
      'request',
    );
  };
}
