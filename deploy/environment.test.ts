/**
 * Keeps the configuration documentation honest: every environment variable the code reads is in .env.example,
 * every variable there is explained in README.md, .env.example holds no secret, deploy/.env.example covers exactly
 * what deploy/compose.yaml asks for, and the monitoring rules and dashboard only use metrics the worker defines.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = resolve(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

/** Where the running product's code lives (tests and their helpers read test-only variables, not listed). */
const SOURCE_ROOTS = ['edge/src', 'worker/src', 'packages', 'app/src', 'supabase/functions'];
const SOURCE_FILE = /\.(ts|js|svelte)$/;
const TEST_FILE = /\.test\.ts$|\/test\//;

const ENV_READS = [
  /\benv\.([A-Z][A-Z0-9_]*)\b/g, // process.env.NAME, and env.NAME on a record passed around
  /\benv\[['"]([A-Z][A-Z0-9_]*)['"]\]/g,
  /Deno\.env\.get\(['"]([A-Z][A-Z0-9_]*)['"]\)/g,
  /\(env, ['"]([A-Z][A-Z0-9_]*)['"]/g, // edge/src/config.ts: integer(env, 'NAME', …), origin(env, 'NAME')
];
/** The dashboard declares its variables as the keys of defineEnvVars({ NAME: {…} }) in app/src/env.ts. */
const SVELTEKIT_ENV_VAR = /^ {2}([A-Z][A-Z0-9_]*): \{/gm;

function sourceFiles(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && SOURCE_FILE.test(entry.name))
    .map((entry) => relative(repoRoot, join(entry.parentPath, entry.name)))
    .filter((path) => !path.includes('node_modules') && !TEST_FILE.test(path));
}

function matches(text: string, pattern: RegExp): string[] {
  return [...text.matchAll(pattern)].map((match) => match[1] as string);
}

/** Variable name → the files that read it. */
function variablesReadByCode(): Map<string, string[]> {
  const readers = new Map<string, string[]>();
  for (const file of SOURCE_ROOTS.flatMap(sourceFiles)) {
    const text = read(file);
    const names = ENV_READS.flatMap((pattern) => matches(text, pattern));
    if (file === 'app/src/env.ts') names.push(...matches(text, SVELTEKIT_ENV_VAR));
    for (const name of new Set(names)) readers.set(name, [...(readers.get(name) ?? []), file]);
  }
  return readers;
}

interface ExampleEntry {
  name: string;
  value: string;
  line: number;
}

/** `NAME=value` lines of an env file, commented out (`# NAME=value`: optional, the default shown) or not. */
function exampleEntries(path: string): ExampleEntry[] {
  return read(path)
    .split('\n')
    .flatMap((text, index) => {
      const match = /^(?:# ?)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(text);
      return match ? [{ name: match[1] as string, value: match[2] as string, line: index + 1 }] : [];
    });
}

const SECRET_NAME = /(SECRET|PASSWORD|PASS|BOT_TOKEN|PRIVATE_KEY|MASTER_KEYS?|ANON_KEY)$/;
/** An example value that is clearly no real secret: empty, or a placeholder such as <…> or one with an ellipsis. */
const PLACEHOLDER = /^$|<[^>]*>|…/;

describe('.env.example and README', () => {
  const documented = new Set(exampleEntries('.env.example').map((entry) => entry.name));

  it('lists every variable the code reads', () => {
    const missing = [...variablesReadByCode()]
      .filter(([name]) => !documented.has(name))
      .map(([name, files]) => `${name} (read in ${files.join(', ')})`);
    expect(missing).toEqual([]);
  });

  it('lists each variable once', () => {
    const names = exampleEntries('.env.example').map((entry) => entry.name);
    expect(names.filter((name, index) => names.indexOf(name) !== index)).toEqual([]);
  });

  it('has every variable explained in README.md', () => {
    const readme = read('README.md');
    expect([...documented].filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });

  it('holds no secret, only empty values and placeholders', () => {
    const leaks = [...exampleEntries('.env.example'), ...exampleEntries('deploy/.env.example')]
      .filter((entry) => SECRET_NAME.test(entry.name) && !PLACEHOLDER.test(entry.value))
      .map((entry) => `${entry.name} (line ${entry.line})`);
    expect(leaks).toEqual([]);
  });

  it('catches a variable read but not listed (the scan itself works)', () => {
    const readers = variablesReadByCode();
    for (const known of ['DATABASE_URL', 'RATE_LIMIT_WINDOW_MS', 'PUBLIC_API_URL', 'SUPABASE_DB_URL'])
      expect(readers.has(known), known).toBe(true);
    expect(documented.has('NOT_A_KEEL_VARIABLE')).toBe(false);
  });
});

describe('deploy/compose.yaml and deploy/.env.example', () => {
  const composeVariables = new Set(matches(read('deploy/compose.yaml'), /\$\{([A-Z][A-Z0-9_]*)(?:[:?-][^}]*)?\}/g));
  const exampleVariables = new Set(exampleEntries('deploy/.env.example').map((entry) => entry.name));

  it('documents every variable compose substitutes, and no other', () => {
    expect([...composeVariables].filter((name) => !exampleVariables.has(name))).toEqual([]);
    expect([...exampleVariables].filter((name) => !composeVariables.has(name))).toEqual([]);
  });
});

describe('monitoring', () => {
  const METRIC = /\bkeel_[a-z_]+\b/g;
  /** Histograms are defined once and read through their _bucket, _sum and _count series. */
  const baseName = (metric: string) => metric.replace(/_(bucket|sum|count)$/, '');
  const used = new Set(
    ['deploy/monitoring/alerts.yml', 'deploy/monitoring/grafana/keel.json']
      .flatMap((path) => matches(read(path), new RegExp(`(${METRIC.source})`, 'g')))
      .map(baseName),
  );
  const workerSource = sourceFiles('worker/src')
    .map((file) => read(file))
    .join('\n');
  const defined = new Set(matches(workerSource, /['"`](keel_[a-z_]+)['"`]/g));
  const unwritten = defined.size === 0 ? 'the worker defines no keel_* metric yet' : null;

  it.skipIf(unwritten !== null)('alerts and dashboard use only metrics the worker defines', () => {
    expect([...used].filter((metric) => !defined.has(metric))).toEqual([]);
  });

  it('the Grafana dashboard is valid JSON whose panels all query the provisioned Prometheus', () => {
    const dashboard = JSON.parse(read('deploy/monitoring/grafana/keel.json')) as {
      uid: string;
      panels: { title: string; datasource: { uid: string }; targets: { expr: string }[] }[];
    };
    const provisioning = read('deploy/monitoring/grafana/provisioning/datasources/prometheus.yml');
    const datasourceUid = /uid: (\S+)/.exec(provisioning)?.[1];
    expect(dashboard.uid).toBe('keel-overview');
    expect(dashboard.panels.length).toBeGreaterThan(0);
    for (const panel of dashboard.panels) {
      expect(panel.datasource.uid, panel.title).toBe(datasourceUid);
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets) expect(target.expr, panel.title).toMatch(/\S/);
    }
  });
});
