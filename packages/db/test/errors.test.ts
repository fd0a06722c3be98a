import { describe, expect, it } from 'vitest';
import {
  ConstraintViolationError,
  DatabaseError,
  DatabaseUnreachableError,
  PermissionDeniedError,
  toDatabaseError,
} from '../src/errors.ts';

function driverError(code: string, message = 'boom', extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

describe('toDatabaseError', () => {
  it.each([
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'],
    ['ECONNRESET', 'read ECONNRESET'],
    ['CONNECTION_CLOSED', 'write CONNECTION_CLOSED 127.0.0.1:5432'],
    ['CONNECT_TIMEOUT', 'write CONNECT_TIMEOUT 127.0.0.1:5432'],
    ['57P01', 'terminating connection due to administrator command'],
    ['57P03', 'the database system is starting up'],
    ['08006', 'connection failure'],
    ['53300', 'sorry, too many clients already'],
    ['55000', 'database "keel" is not currently accepting connections'],
  ])('calls %s a database that went away', (code, message) => {
    const error = toDatabaseError(driverError(code, message));
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    expect((error as DatabaseUnreachableError).code).toBe(code);
    expect(error.message).toContain(message);
  });

  it('keeps refusals of the statement in their own families', () => {
    expect(toDatabaseError(driverError('23505', 'duplicate key'))).toBeInstanceOf(ConstraintViolationError);
    expect(toDatabaseError(driverError('42501', 'permission denied'))).toBeInstanceOf(PermissionDeniedError);
    expect(toDatabaseError(driverError('55000', 'sequence "s" is not yet defined'))).not.toBeInstanceOf(
      DatabaseUnreachableError,
    );
    const other = toDatabaseError(driverError('42P01', 'relation "nope" does not exist'));
    expect(other).toBeInstanceOf(DatabaseError);
    expect(other).not.toBeInstanceOf(DatabaseUnreachableError);
  });

  it('passes an error without a code through unchanged', () => {
    const plain = new Error('not a driver error');
    expect(toDatabaseError(plain)).toBe(plain);
  });

  it('drops row details that could carry secrets', () => {
    const error = toDatabaseError(
      driverError('23502', 'null value in column "x"', { detail: 'Failing row contains (secret-ciphertext)' }),
    );
    expect(error.message).not.toContain('secret-ciphertext');
  });
});
