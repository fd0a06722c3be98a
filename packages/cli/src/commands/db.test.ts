import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDatabase, DataDirLockedError } from '@keel/db';
import { afterAll, describe, expect, it } from 'vitest';

const main = resolve(import.meta.dirname, '..', 'main.ts');
const dbDir = mkdtempSync(join(tmpdir(), 'keel-db-cli-'));

/** The CLI on the embedded database: DATABASE_URL and key variables removed so the folder is what counts. */
function keel(args: string[]) {
  const env = { ...process.env };
  for (const name of ['DATABASE_URL', 'KEEL_MASTER_KEY', 'KEEL_MASTER_KEY_ID', 'KEEL_MASTER_KEYS']) delete env[name];
  const result = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

afterAll(() => rmSync(dbDir, { recursive: true, force: true }));

describe('keel db and keel keys on the embedded database', () => {
  it('migrates a new folder, then finds everything applied', () => {
    const first = keel(['db', 'migrate', '--db-dir', dbDir]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/embedded PGlite/);
    expect(first.stdout).toMatch(/applied 20261126000001_supabase_compat/);
    const status = keel(['db', 'status', '--db-dir', dbDir]);
    expect(status.code).toBe(0);
    expect(status.stdout).not.toMatch(/pending/);
    expect(status.stdout).toMatch(/applied {2}20261126000004_audit_trail/);
    const again = keel(['db', 'migrate', '--db-dir', dbDir]);
    expect(again.stdout).toMatch(/0 migration\(s\) applied, \d+ already applied/);
  });

  it('refuses a second opener of the same folder (PGlite does not lock it; the driver does)', async () => {
    const dataDir = join(dbDir, 'pgdata');
    const db = await createDatabase({ pglite: { dataDir } });
    try {
      await expect(createDatabase({ pglite: { dataDir } })).rejects.toThrow(DataDirLockedError);
    } finally {
      await db.close();
    }
  });

  it('generates keys and rotates with the embedded keyring', () => {
    const generated = keel(['keys', 'generate']);
    expect(generated.code).toBe(0);
    expect(generated.stdout).toMatch(/^KEEL_MASTER_KEY=[A-Za-z0-9+/]{43}=$/m);
    expect(generated.stdout).toMatch(/^KEEL_TRANSPORT_PRIVATE_KEY='\{.*"crv":"P-256".*\}'$/m);
    const rotated = keel(['keys', 'rotate', '--db-dir', dbDir]);
    expect(rotated.stderr).toBe('');
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/re-wrapped 0, changed meanwhile 0, failed 0/);
  });

  it('says what is wrong in one line', () => {
    const unknown = keel(['db', 'drop']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/expected one of migrate, status, seed/);
  });
});
