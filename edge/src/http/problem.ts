/**
 * RFC 9457 problem details: every error the API answers is `application/problem+json` with a title, the status,
 * the request id and — for bad input — which field was wrong and why. Never a stack trace, never a secret: the
 * detail is written for the client, and unexpected errors say only that something went wrong (the log has more).
 */
import type { Problem } from '@keel/contract';
import type { ZodError } from 'zod';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface FieldError {
  path: string;
  message: string;
}

/** An error the client can act on: what went wrong (title), the specifics (detail) and the fields (errors). */
export class ProblemError extends Error {
  readonly status: number;
  readonly title: string;
  readonly type: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    title: string,
    options: { detail?: string; type?: string; errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(options.detail ?? title);
    this.name = 'ProblemError';
    this.status = status;
    this.title = title;
    this.type = options.type ?? 'about:blank';
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

/** Field errors from zod, paths in dotted form ("risk.maxPositionFraction", "symbols.0"); "" is the whole body. */
export function fieldErrors(error: ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.'),
    message: issue.message,
  }));
}

export function validationProblem(errors: FieldError[], where = 'request'): ProblemError {
  return new ProblemError(400, 'The request is invalid', {
    type: 'urn:keel:problem:validation',
    detail: `${errors.length} ${errors.length === 1 ? 'field is' : 'fields are'} invalid in the ${where}`,
    errors,
  });
}

export function problemBody(problem: ProblemError, requestId: string | undefined, instance: string): Problem {
  return {
    type: problem.type,
    title: problem.title,
    status: problem.status,
    ...(problem.message !== problem.title ? { detail: problem.message } : {}),
    instance,
    ...(requestId === undefined ? {} : { requestId }),
    ...(problem.errors === undefined ? {} : { errors: problem.errors }),
  };
}

export function problemResponse(problem: ProblemError, requestId: string | undefined, instance: string): Response {
  const headers = new Headers(problem.headers);
  headers.set('content-type', PROBLEM_CONTENT_TYPE);
  if (requestId !== undefined) headers.set('x-request-id', requestId);
  return new Response(JSON.stringify(problemBody(problem, requestId, instance)), { status: problem.status, headers });
}

export const notFound = (what: string) =>
  new ProblemError(404, 'Not found', { detail: `${what} does not exist or is not yours` });
export const unauthorized = (detail: string) =>
  new ProblemError(401, 'Not signed in', {
    detail,
    type: 'urn:keel:problem:unauthorized',
    headers: { 'www-authenticate': 'Bearer realm="keel"' },
  });
export const forbidden = (detail: string) => new ProblemError(403, 'Forbidden', { detail });
export const conflict = (detail: string) => new ProblemError(409, 'Conflict', { detail });
