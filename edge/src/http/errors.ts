/**
 * Every error becomes problem+json. Known families map to their status: ProblemError as thrown; Hono's
 * HTTPException (malformed JSON seen by a validator) as its status; the database's families by name (the app
 * imports no runtime code from @keel/db): not found or hidden by RLS → 404, refused by RLS or privileges → 403,
 * refused input → 400, a violated constraint → 409 (unique) or 422. Anything else is a 500 that says nothing but
 * the request id; the log line has the error.
 */
import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv } from './context.ts';
import { ProblemError, problemResponse } from './problem.ts';

const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

interface NamedError {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  constraint?: unknown;
}

/** The database's errors say which rule or field; they never carry parameters or row contents (see @keel/db). */
function fromDatabase(error: NamedError): ProblemError | null {
  const message = typeof error.message === 'string' ? error.message : '';
  switch (error.name) {
    case 'NotFoundError':
      return new ProblemError(404, 'Not found', { detail: message });
    case 'PermissionDeniedError':
      return new ProblemError(403, 'Forbidden', { detail: 'this is not yours to change' });
    case 'InvalidInputError':
    case 'ExchangeSecretDecodeError':
    case 'TransportDecryptionError':
      return new ProblemError(400, 'The request is invalid', { type: 'urn:keel:problem:validation', detail: message });
    case 'ConstraintViolationError': {
      const constraint = typeof error.constraint === 'string' ? error.constraint : undefined;
      if (error.code === UNIQUE_VIOLATION) {
        return new ProblemError(409, 'Conflict', { detail: `that already exists (${constraint ?? 'unique'})` });
      }
      if (error.code === FOREIGN_KEY_VIOLATION) {
        // A reference to a row that does not exist, or is another user's: the same answer for both.
        return new ProblemError(422, 'Unprocessable content', {
          detail: `a referenced item does not exist or is not yours (${constraint ?? 'reference'})`,
        });
      }
      return new ProblemError(422, 'Unprocessable content', { detail: message });
    }
    default:
      return null;
  }
}

export function toProblem(error: unknown): ProblemError | null {
  if (error instanceof ProblemError) return error;
  if (error instanceof HTTPException) {
    const detail = error.status === 400 ? 'the body is not valid JSON' : error.message;
    return new ProblemError(error.status, error.status === 400 ? 'The request body is malformed' : 'Request refused', {
      detail,
    });
  }
  if (typeof error === 'object' && error !== null) return fromDatabase(error as NamedError);
  return null;
}

export const onError: ErrorHandler<AppEnv> = (error, c) => {
  const requestId = c.get('requestId');
  const problem = toProblem(error);
  if (problem !== null) {
    if (problem.status >= 500) c.get('logger')?.error({ err: error }, 'request failed');
    return problemResponse(problem, requestId, c.req.path);
  }
  c.get('logger')?.error({ err: error }, 'unexpected error');
  return problemResponse(
    new ProblemError(500, 'Internal server error', {
      detail: `something went wrong on our side; quote request id ${requestId} when reporting it`,
    }),
    requestId,
    c.req.path,
  );
};

export const onNotFound: NotFoundHandler<AppEnv> = (c) =>
  problemResponse(
    new ProblemError(404, 'Not found', { detail: `no route ${c.req.method} ${c.req.path}` }),
    c.get('requestId'),
    c.req.path,
  );
