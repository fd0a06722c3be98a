/**
 * A PostgreSQL backend that dies mid-transaction (a server restart, a failover, an idle-session kill) must cost the
 * caller one rejected transaction, never the process: the worker holds unflushed state in memory. postgres.js 3.4.9
 * crashes here (porsager/postgres#1208); patches/postgres+3.4.9.patch, applied on install, makes it reject instead.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { databaseRequired, HOW_TO_GET_POSTGRES } from './test-database.ts';

const url = process.env.DATABASE_URL;
const fixture = fileURLToPath(new URL('./fixtures/backend-dies-mid-transaction.ts', import.meta.url));

describe.skipIf(!url && !databaseRequired)('a backend terminated mid-transaction', () => {
  it('rejects the transaction and leaves the process alive and able to query', () => {
    if (!url) throw new Error(`DATABASE_URL is not set: ${HOW_TO_GET_POSTGRES}`);
    const child = spawnSync(process.execPath, [fixture], {
      env: { ...process.env, DATABASE_URL: url },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).not.toContain('TypeError');
    expect(child.status).toBe(0);
    const report = JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}');
    expect(report.outcome).toMatch(/^rejected: .*(closed|terminat)/i);
    // A dropped connection is told apart from a refused statement: the worker retries the one, not the other.
    expect(report).toMatchObject({ kind: 'DatabaseUnreachableError', alive: true, queryAfterwards: 1 });
  });
});
