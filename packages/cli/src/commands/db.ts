/**
 * `keel db migrate|status|seed`: the database's migrations, on PostgreSQL/Supabase (DATABASE_URL) or the embedded
 * PGlite (KEEL_DB_DIR, default data/db). Both run the same files, supabase/migrations/*.sql.
 */
import { resolve } from 'node:path';
import { createDatabase, type Database, databaseOptionsFromEnv } from '@keel/db';
import { type Command, UsageError } from '../command.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..');
export const DEFAULT_DB_DIR = resolve(repoRoot, 'data', 'db');
const ACTIONS = ['migrate', 'status', 'seed'] as const;

/** Opens the configured database: `--db-dir` over KEEL_DB_DIR for the embedded one; DATABASE_URL wins over both. */
export async function openConfiguredDatabase(
  values: Record<string, unknown>,
): Promise<{ db: Database; description: string }> {
  const env = { ...process.env };
  if (typeof values['db-dir'] === 'string') env.KEEL_DB_DIR = values['db-dir'];
  const { options, description } = databaseOptionsFromEnv(env, DEFAULT_DB_DIR);
  return { db: await createDatabase(options), description };
}

export const dbCommand: Command = {
  name: 'db',
  summary: 'apply the database migrations (migrate), list them (status) or load demo data (seed)',
  usage: 'migrate|status|seed [--db-dir DIR]',
  allowPositionals: true,
  options: {
    'db-dir': {
      type: 'string',
      valueName: 'DIR',
      description: 'embedded database folder, when DATABASE_URL is unset (default $KEEL_DB_DIR or data/db)',
    },
  },
  details: `
DATABASE_URL=postgres://… points at PostgreSQL 15+ or Supabase; without it the embedded PGlite database in the
folder is used (created on first use). Migrations are supabase/migrations/*.sql, applied in order, each in its own
transaction, recorded in supabase_migrations.schema_migrations (the Supabase CLI's table); running migrate again
applies only what is new. seed loads supabase/seed.sql (a demo user with a paper bot).`,
  async run(values, positionals) {
    const [action, ...extra] = positionals;
    if (!ACTIONS.includes(action as (typeof ACTIONS)[number]) || extra.length > 0) {
      throw new UsageError(`expected one of ${ACTIONS.join(', ')}, got ${JSON.stringify(positionals.join(' '))}`);
    }
    const { db, description } = await openConfiguredDatabase(values);
    try {
      console.log(`keel db: ${description}`);
      if (action === 'status') {
        for (const migration of await db.migrationStatus()) {
          console.log(`${migration.applied ? 'applied' : 'pending'}  ${migration.version}_${migration.name}`);
        }
        return 0;
      }
      const report = await db.migrate({ log: (line) => console.log(`keel db: ${line}`) });
      console.log(`keel db: ${report.applied.length} migration(s) applied, ${report.alreadyApplied} already applied`);
      if (action === 'seed') {
        await db.seed();
        console.log('keel db: seed.sql loaded');
      }
      return 0;
    } finally {
      await db.close();
    }
  },
};
