/**
 * `npm test`: every suite of the project, one after another, then one summary line `N passed, N failed`
 * summed over all of them (CI reads that line). Suites: lint and format (Biome), strict type-check of every
 * workspace, the database (migrations with `keel db migrate`, then the pgTAP suites with pg_prove), and the
 * unit/property/integration tests (Vitest). What the suites need from the machine is installed first
 * (scripts/prerequisites.ts); the throwaway services the database and integration suites need (PostgreSQL 15 +
 * pgTAP, Redis, VictoriaMetrics) are installed and started by scripts/services.sh, and stopped at the end whatever
 * happened — unless DATABASE_URL is already set, in which case that database is used and nothing is started.
 *
 * Deployment suites check deploy/ with the tools that read it in production (scripts/check-deploy.ts: promtool,
 * amtool, nginx -t, docker compose when installed).
 *
 * Usage: npm test [-- --only lint|types|deploy|db|unit]
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEPLOY_CHECKS, SKIPPED } from './check-deploy.ts';
import { ensurePrerequisites } from './prerequisites.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const MIN_NODE_MAJOR = 24;

interface SuiteResult {
  suite: string;
  passed: number;
  failed: number;
  skipped: number;
  seconds: number;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit', env });
  if (result.error) {
    console.error(`could not run ${command}: ${result.error.message}`);
    return 1;
  }
  // Ctrl-C reaches the suite first; end the run here (the exit handler stops the services).
  if (result.signal === 'SIGINT' || result.signal === 'SIGTERM') process.exit(130);
  return result.status ?? 1;
}

function timed(suite: string, body: () => Omit<SuiteResult, 'suite' | 'seconds'>): SuiteResult {
  console.log(`\n━━ ${suite} ━━`);
  const started = performance.now();
  const outcome = body();
  return { suite, ...outcome, seconds: (performance.now() - started) / 1000 };
}

/** One check that passes or fails as a whole, counted as one test. */
function checkSuite(suite: string, command: string, args: string[]): SuiteResult {
  return timed(suite, () => {
    const ok = run(command, args) === 0;
    return { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 };
  });
}

function workspaces(): string[] {
  const packageJson = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { workspaces: string[] };
  const found: string[] = [];
  for (const pattern of packageJson.workspaces) {
    if (pattern.endsWith('/*')) {
      const parent = pattern.slice(0, -2);
      for (const name of readdirSync(join(repoRoot, parent))) found.push(`${parent}/${name}`);
    } else found.push(pattern);
  }
  return found.filter((dir) => existsSync(join(repoRoot, dir, 'tsconfig.json')));
}

/** Whether a workspace declares its own type-check (a "typecheck" script: svelte-check for the dashboard). */
function hasOwnTypecheck(dir: string): boolean {
  const manifest = join(repoRoot, dir, 'package.json');
  if (!existsSync(manifest)) return false;
  const { scripts } = JSON.parse(readFileSync(manifest, 'utf8')) as { scripts?: Record<string, string> };
  return typeof scripts?.typecheck === 'string';
}

function typecheckSuites(): SuiteResult[] {
  const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
  return ['.', ...workspaces()].map((dir) =>
    dir !== '.' && hasOwnTypecheck(dir)
      ? checkSuite(`types ${dir}`, 'npm', ['run', '--silent', 'typecheck', '--workspace', dir])
      : checkSuite(`types ${dir}`, tsc, ['-p', join(dir, 'tsconfig.json')]),
  );
}

/** Each check of deploy/ (scripts/check-deploy.ts) in its own process; a tool missing here is a skip. */
function deploySuites(): SuiteResult[] {
  const script = join(repoRoot, 'scripts', 'check-deploy.ts');
  return Object.keys(DEPLOY_CHECKS).map((check) =>
    timed(`deploy: ${check}`, () => {
      const status = run(process.execPath, [script, check]);
      if (status === SKIPPED) return { passed: 0, failed: 0, skipped: 1 };
      return { passed: status === 0 ? 1 : 0, failed: status === 0 ? 0 : 1, skipped: 0 };
    }),
  );
}

interface VitestReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
}

function unitSuite(): SuiteResult {
  return timed('unit, property and integration tests (vitest)', () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'keel-vitest-'));
    const reportFile = join(reportDir, 'report.json');
    const vitest = join(repoRoot, 'node_modules', '.bin', 'vitest');
    // KEEL_REQUIRE_DATABASE: under npm test, a database test without DATABASE_URL fails instead of skipping.
    const status = run(vitest, ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`], {
      ...process.env,
      KEEL_REQUIRE_DATABASE: '1',
    });
    try {
      if (!existsSync(reportFile)) return { passed: 0, failed: 1, skipped: 0 };
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as VitestReport;
      // A file that fails to load has no failed test, only a failed suite: count it, or a broken import would pass.
      const failed =
        status !== 0 && report.numFailedTests === 0 ? Math.max(1, report.numFailedTestSuites) : report.numFailedTests;
      return { passed: report.numPassedTests, failed, skipped: report.numPendingTests + report.numTodoTests };
    } finally {
      rmSync(reportDir, { recursive: true, force: true });
    }
  });
}

const SERVICES_SCRIPT = join(repoRoot, 'scripts', 'services.sh');
const SERVICES_HELP =
  'the database suites need PostgreSQL 15 with pgTAP: as root, `npm test` installs and starts it; otherwise run ' +
  '`sudo apt-get install -y postgresql postgresql-15-pgtap redis-server victoria-metrics`, then ' +
  '`bash scripts/services.sh start && eval "$(bash scripts/services.sh env)"` (or set DATABASE_URL to a ' +
  'PostgreSQL 15 database with pgTAP)';

interface Services {
  /** One line saying why there is no database, or null when DATABASE_URL is usable. */
  problem: string | null;
  result: SuiteResult | null;
}

/**
 * Uses DATABASE_URL when it is set; otherwise installs what is missing and starts fresh services with
 * scripts/services.sh, exports their URLs into this process's environment (the suites inherit it), and arranges
 * for them to stop when this process exits, however it exits.
 */
// Prints free loopback ports (the kernel picks them; they are released at once for the services to take).
const FREE_PORTS = `const net = require('node:net');
Promise.all([0, 1, 2].map(() => new Promise((ok) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => {
  const { port } = s.address(); s.close(() => ok(port)); }); }))).then((ports) => console.log(JSON.stringify(ports)));`;

/**
 * Where this run's services live: a private state folder and free ports (unless PG_PORT, REDIS_PORT or VM_PORT are
 * set), so two test runs on one machine never stop or reuse each other's services.
 */
function serviceSettings(): NodeJS.ProcessEnv {
  const ports = JSON.parse(spawnSync(process.execPath, ['-e', FREE_PORTS], { encoding: 'utf8' }).stdout) as number[];
  const stateDir = mkdtempSync(join(tmpdir(), 'keel-services-'));
  // initdb runs as the postgres user, which must be able to traverse the folder.
  chmodSync(stateDir, 0o755);
  return {
    ...process.env,
    SVC_DIR: stateDir,
    PG_PORT: process.env.PG_PORT ?? String(ports[0]),
    REDIS_PORT: process.env.REDIS_PORT ?? String(ports[1]),
    VM_PORT: process.env.VM_PORT ?? String(ports[2]),
  };
}

function startServices(): Services {
  if (process.env.DATABASE_URL) {
    console.log(`\nusing the database in DATABASE_URL; starting no services`);
    return { problem: null, result: null };
  }
  const settings = serviceSettings();
  let started = false;
  const result = timed('test services (PostgreSQL 15 + pgTAP, Redis, VictoriaMetrics)', () => {
    const ok =
      run('bash', [SERVICES_SCRIPT, 'install'], settings) === 0 &&
      run('bash', [SERVICES_SCRIPT, 'start'], settings) === 0;
    started = true;
    return { passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 };
  });
  if (started) {
    process.on('exit', () => {
      spawnSync('bash', [SERVICES_SCRIPT, 'stop'], { cwd: repoRoot, stdio: 'inherit', env: settings });
      rmSync(settings.SVC_DIR as string, { recursive: true, force: true });
    });
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
  if (result.failed > 0) return { problem: SERVICES_HELP, result };
  const exported = spawnSync('bash', [SERVICES_SCRIPT, 'env'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: settings,
  }).stdout;
  for (const line of exported.split('\n')) {
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) process.env[match[1] as string] = match[2] as string;
  }
  return { problem: process.env.DATABASE_URL ? null : SERVICES_HELP, result };
}

/** libpq's variables for DATABASE_URL, so psql and pg_prove reach the same database. */
function libpqEnv(databaseUrl: string): NodeJS.ProcessEnv {
  const url = new URL(databaseUrl);
  return {
    ...process.env,
    PGHOST: url.hostname,
    PGPORT: url.port || '5432',
    PGUSER: decodeURIComponent(url.username) || 'postgres',
    PGPASSWORD: decodeURIComponent(url.password),
    PGDATABASE: url.pathname.slice(1) || 'postgres',
  };
}

function failedSuite(suite: string, problem: string): SuiteResult {
  return timed(suite, () => {
    console.error(problem);
    return { passed: 0, failed: 1, skipped: 0 };
  });
}

/** `keel db migrate` against DATABASE_URL: the CLI, the runner and the migrations at once. */
function migrateSuite(services: Services): SuiteResult {
  const suite = 'database migrations (keel db migrate)';
  if (services.problem) return failedSuite(suite, services.problem);
  return checkSuite(suite, process.execPath, [join(repoRoot, 'packages', 'cli', 'src', 'main.ts'), 'db', 'migrate']);
}

/**
 * The pgTAP suites in supabase/tests through pg_prove, each test counted: `ok N` passes, `not ok N` fails (TODO
 * tests are skipped). A file that dies before its plan completes fails the suite even with no `not ok` line.
 */
function pgTapSuite(services: Services): SuiteResult {
  const suite = 'database policies and constraints (pgTAP)';
  if (services.problem || !process.env.DATABASE_URL) return failedSuite(suite, services.problem ?? SERVICES_HELP);
  return timed(suite, () => {
    const env = libpqEnv(process.env.DATABASE_URL as string);
    if (
      run(
        'psql',
        [
          '-X',
          '-q',
          '-v',
          'ON_ERROR_STOP=1',
          '-c',
          'set client_min_messages = warning; create extension if not exists pgtap',
        ],
        env,
      ) !== 0
    ) {
      console.error(SERVICES_HELP);
      return { passed: 0, failed: 1, skipped: 0 };
    }
    const result = spawnSync('pg_prove', ['--verbose', '--ext', '.sql', '-r', join('supabase', 'tests')], {
      cwd: repoRoot,
      env,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (result.error) {
      console.error(`could not run pg_prove: ${result.error.message}; ${SERVICES_HELP}`);
      return { passed: 0, failed: 1, skipped: 0 };
    }
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const line of result.stdout.split('\n')) {
      if (/^ok \d+/.test(line)) passed++;
      else if (/^not ok \d+.*# TODO/.test(line)) skipped++;
      else if (/^not ok \d+/.test(line)) failed++;
      // Passing test lines are counted, not printed: the summary below says how many.
      if (!/^ok \d+/.test(line) && line !== '') console.log(line);
    }
    if (result.stderr) process.stderr.write(result.stderr);
    // A file that died midway ran fewer tests than it planned: the missing ones failed.
    for (const badPlan of result.stdout.matchAll(/You planned (\d+) tests? but ran (\d+)/g)) {
      failed += Math.max(0, Number(badPlan[1]) - Number(badPlan[2]));
    }
    if (result.status !== 0 && failed === 0) failed = 1;
    return { passed, failed, skipped };
  });
}

function printSummary(results: SuiteResult[]): void {
  console.log('\n━━ summary ━━');
  const rows = results.map((r) => [
    r.suite,
    String(r.passed),
    String(r.failed),
    String(r.skipped),
    r.seconds.toFixed(1),
  ]);
  const header = ['suite', 'passed', 'failed', 'skipped', 'seconds'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, i) => cell.padEnd(widths[i] as number)).join('  '));
}

function main(): number {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < MIN_NODE_MAJOR) {
    console.error(
      `Node ${process.versions.node} is too old: run through npm (npm test), which uses the pinned Node 24.`,
    );
    return 1;
  }
  const problems = ensurePrerequisites();
  if (problems.length > 0) {
    for (const problem of problems) console.error(problem);
    console.log('0 passed, 1 failed');
    return 1;
  }
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  const wanted = (name: string) => values.only === undefined || values.only === name;
  const results: SuiteResult[] = [];
  if (wanted('lint'))
    results.push(checkSuite('lint and format (biome)', join(repoRoot, 'node_modules', '.bin', 'biome'), ['ci', '.']));
  if (wanted('types')) results.push(...typecheckSuites());
  if (wanted('deploy')) results.push(...deploySuites());
  if (wanted('db') || wanted('unit')) {
    const services = startServices();
    if (services.result) results.push(services.result);
    if (wanted('db')) results.push(migrateSuite(services), pgTapSuite(services));
  }
  if (wanted('unit')) results.push(unitSuite());
  printSummary(results);
  const passed = results.reduce((sum, r) => sum + r.passed, 0);
  const failed = results.reduce((sum, r) => sum + r.failed, 0);
  const skipped = results.reduce((sum, r) => sum + r.skipped, 0);
  console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

process.exitCode = main();
