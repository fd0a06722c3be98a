/**
 * The few moves every repository makes: validate input with zod (failing with the field's name), run a statement,
 * validate each row. JSON travels as text (`$n::text::jsonb`): the two drivers encode a string parameter for a
 * jsonb slot differently, but a text slot the same way.
 */
import type { z } from 'zod';
import type { Executor } from '../drivers/driver.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';

export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown, what: string): z.output<Schema> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.path.join('.');
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    });
    throw new InvalidInputError(`${what}: ${problems.join('; ')}`);
  }
  return result.data;
}

export async function selectRows<Schema extends z.ZodType>(
  executor: Executor,
  schema: Schema,
  text: string,
  params: readonly unknown[] = [],
): Promise<z.output<Schema>[]> {
  const rows = await executor.query(text, params);
  return rows.map((row) => schema.parse(row));
}

export async function selectOne<Schema extends z.ZodType>(
  executor: Executor,
  schema: Schema,
  text: string,
  params: readonly unknown[],
  notFound: { entity: string; key: string },
): Promise<z.output<Schema>> {
  const [row] = await executor.query(text, params);
  if (row === undefined) throw new NotFoundError(notFound.entity, notFound.key);
  return schema.parse(row);
}

export async function selectMaybe<Schema extends z.ZodType>(
  executor: Executor,
  schema: Schema,
  text: string,
  params: readonly unknown[],
): Promise<z.output<Schema> | null> {
  const [row] = await executor.query(text, params);
  return row === undefined ? null : schema.parse(row);
}

/** Runs a statement that must touch exactly the row named; NotFoundError when RLS hides it or it is gone. */
export async function changeOne(
  executor: Executor,
  text: string,
  params: readonly unknown[],
  notFound: { entity: string; key: string },
): Promise<void> {
  const rows = await executor.query(text, params);
  if (rows.length === 0) throw new NotFoundError(notFound.entity, notFound.key);
}

export function json(value: unknown): string {
  return JSON.stringify(value);
}

/** A page size: default and ceiling, so no list call can fetch a table. */
export function limitOf(limit: number | undefined, fallback = 100, ceiling = 1000): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1) throw new InvalidInputError(`limit must be a positive whole number`);
  return Math.min(limit, ceiling);
}

/**
 * `where a = $1 and b < $2 …` for the filters that are set (a `?` in each condition stands for its parameter).
 * Conditions are left out rather than written as `$n is null or …`, which a prepared statement's generic plan
 * cannot serve from an index.
 */
export function whereSet(filters: [condition: string, value: unknown][]): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const conditions: string[] = [];
  for (const [condition, value] of filters) {
    if (value === undefined || value === null) continue;
    params.push(value);
    conditions.push(condition.replace('?', `$${params.length}`));
  }
  return { where: conditions.length === 0 ? '' : `where ${conditions.join(' and ')}`, params };
}
