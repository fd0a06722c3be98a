/**
 * What the database refused, as one error family per cause. Driver errors are rebuilt from their SQLSTATE,
 * message, constraint and key detail only: the statement's parameters and "Failing row contains …" details are
 * dropped, so a ciphertext or a token never reaches a log line or an API response through an error.
 */

/** Anything the database refused that fits no narrower family; `code` is the SQLSTATE. */
export class DatabaseError extends Error {
  readonly code: string;
  readonly constraint: string | undefined;
  readonly table: string | undefined;

  constructor(message: string, fields: { code: string; constraint?: string | undefined; table?: string | undefined }) {
    super(message);
    this.name = 'DatabaseError';
    this.code = fields.code;
    this.constraint = fields.constraint;
    this.table = fields.table;
  }
}

/** Bad data: a check, unique, foreign-key or not-null constraint, a bad enum value or a malformed number. */
export class ConstraintViolationError extends DatabaseError {
  constructor(message: string, fields: { code: string; constraint?: string | undefined; table?: string | undefined }) {
    super(message, fields);
    this.name = 'ConstraintViolationError';
  }
}

/** Row-level security or a missing privilege stopped the statement: the rows are not the caller's to touch. */
export class PermissionDeniedError extends DatabaseError {
  constructor(message: string, fields: { code: string; constraint?: string | undefined; table?: string | undefined }) {
    super(message, fields);
    this.name = 'PermissionDeniedError';
  }
}

/** A row the caller asked for by id does not exist, or row-level security hides it (indistinguishable on purpose). */
export class NotFoundError extends Error {
  readonly entity: string;
  readonly key: string;

  constructor(entity: string, key: string) {
    super(`${entity} ${key} not found (or not yours)`);
    this.name = 'NotFoundError';
    this.entity = entity;
    this.key = key;
  }
}

/** Input refused before it reached the database (zod), naming the field. */
export class InvalidInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidInputError';
  }
}

// SQLSTATE classes: 23 integrity constraint violation; 22 data exception (bad enum text, numeric overflow,
// string too long); 42501 insufficient privilege (also raised for row-level security violations).
const CONSTRAINT_CODES = /^(23|22)/;
const PERMISSION_CODE = '42501';

interface DriverErrorFields {
  code?: unknown;
  message?: unknown;
  detail?: unknown;
  hint?: unknown;
  constraint?: unknown;
  constraint_name?: unknown;
  table?: unknown;
  table_name?: unknown;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The driver's error (postgres.js PostgresError or PGlite DatabaseError) as a Keel error, parameters removed. */
export function toDatabaseError(error: unknown): Error {
  if (error instanceof DatabaseError || error instanceof NotFoundError || error instanceof InvalidInputError) {
    return error;
  }
  const fields = (typeof error === 'object' && error !== null ? error : {}) as DriverErrorFields;
  const code = text(fields.code);
  if (code === undefined || !/^[0-9A-Z]{5}$/.test(code))
    return error instanceof Error ? error : new Error(String(error));
  const constraint = text(fields.constraint) ?? text(fields.constraint_name);
  const table = text(fields.table) ?? text(fields.table_name);
  // Key details ("Key (client_order_id)=(k-1) already exists.") help fix the input; row dumps would leak secrets.
  const detail = text(fields.detail);
  const keyDetail = detail?.startsWith('Key (') ? detail : undefined;
  const hint = text(fields.hint);
  const message = [text(fields.message) ?? 'database error', keyDetail, hint].filter(Boolean).join(' — ');
  const withTable = table && !message.includes(`"${table}"`) ? `${table}: ${message}` : message;
  if (code === PERMISSION_CODE) return new PermissionDeniedError(withTable, { code, constraint, table });
  if (CONSTRAINT_CODES.test(code)) return new ConstraintViolationError(withTable, { code, constraint, table });
  return new DatabaseError(withTable, { code, constraint, table });
}
