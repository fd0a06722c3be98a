/**
 * The API's errors as the dashboard sees them. The edge answers every error as RFC 9457 problem+json with, for bad
 * input, `errors[]` naming each wrong field by its dotted path ("risk.maxPositionFraction", "symbols.0"); forms
 * show those messages next to their fields. Parsed by hand rather than with the contract's zod schema, so the
 * first page loads without zod.
 */

export interface FieldErrors {
  /** Dotted path of the field ("" for the whole form) → what is wrong with it. */
  [path: string]: string;
}

/** A request that failed: the API said no (status ≥ 400), or it could not be reached (status 0). */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | null;
  readonly fieldErrors: FieldErrors;
  readonly requestId: string | null;

  constructor(options: {
    status: number;
    title: string;
    detail?: string | null;
    fieldErrors?: FieldErrors;
    requestId?: string | null;
  }) {
    super(options.detail ?? options.title);
    this.name = 'ApiError';
    this.status = options.status;
    this.title = options.title;
    this.detail = options.detail ?? null;
    this.fieldErrors = options.fieldErrors ?? {};
    this.requestId = options.requestId ?? null;
  }

  /** One sentence for a banner: the detail when there is one, else the title. */
  get summary(): string {
    return this.detail ?? this.title;
  }
}

const NETWORK_TITLE = 'Cannot reach the Keel API';

export function networkError(cause: unknown): ApiError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ApiError({
    status: 0,
    title: NETWORK_TITLE,
    detail: `${NETWORK_TITLE} (${reason}). Check your connection and try again.`,
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Field errors from a problem's `errors[]`; the first message for a path wins, like a form shows one per field. */
export function fieldErrorsOf(errors: unknown): FieldErrors {
  const fields: FieldErrors = {};
  if (!Array.isArray(errors)) return fields;
  for (const entry of errors) {
    if (!isRecord(entry) || typeof entry.message !== 'string') continue;
    const path = typeof entry.path === 'string' ? entry.path : '';
    fields[path] ??= entry.message;
  }
  return fields;
}

/** An ApiError from a failed response's body (problem+json, other JSON, or nothing useful). */
export function problemToError(status: number, statusText: string, body: unknown): ApiError {
  if (!isRecord(body)) return new ApiError({ status, title: statusText || `HTTP ${status}` });
  const title = typeof body.title === 'string' ? body.title : statusText || `HTTP ${status}`;
  const detail = typeof body.detail === 'string' ? body.detail : typeof body.message === 'string' ? body.message : null;
  return new ApiError({
    status,
    title,
    detail,
    fieldErrors: fieldErrorsOf(body.errors),
    requestId: typeof body.requestId === 'string' ? body.requestId : null,
  });
}
