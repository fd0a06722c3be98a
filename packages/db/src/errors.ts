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

/**
 * The database could not be reached or dropped the connection (refused, reset, shut down, restarting): nothing about
 * the statement was wrong, and the same work can be tried again once it answers. Whether a transaction that was in
 * flight committed is unknown, so callers retry from state they read back, never by replaying blindly.
 */
export class DatabaseUnreachableError extends Error {
  readonly code: string;

  constructor(message: string, code: string) {
    super(message);
    this.name = 'DatabaseUnreachableError';
    this.code = code;
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

// Socket errors, postgres.js's own connection codes, and the SQLSTATEs of a server going away: class 08
// (connection exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up).
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
]);
const CONNECTION_EXCEPTION_CLASS = /^08/;

/** 55000 is a broad class; with this message it is a database closed to connections (maintenance, failover). */
const NOT_ACCEPTING_CONNECTIONS = /is not currently accepting connections/;

/** Whether the error says the database went away or turned connections away, rather than refused the statement. */
function isUnreachable(code: string, message: string | undefined): boolean {
  if (UNREACHABLE_CODES.has(code) || (code.length === 5 && CONNECTION_EXCEPTION_CLASS.test(code))) return true;
  // 53300 too_many_connections: the server is full for now, as transient as a restart.
  if (code === '53300') return true;
  return code === '55000' && message !== undefined && NOT_ACCEPTING_CONNECTIONS.test(message);
}

/** The driver's error (postgres.js PostgresError or PGlite DatabaseError) as a Keel error, parameters removed. */
export function toDatabaseError(error: unknown): Error {
  if (
    error instanceof DatabaseError ||
    error instanceof DatabaseUnreachableError ||
    error instanceof NotFoundError ||
    error instanceof InvalidInputError
  ) {
    return error;
  }
  const fields = (typeof error === 'object' && error !== null ? error : {}) as DriverErrorFields;
  const code = text(fields.code);
  if (code !== undefined && isUnreachable(code, text(fields.message))) {
    return new DatabaseUnreachableError(`database unreachable: ${text(fields.message) ?? code}`, code);
  }
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
