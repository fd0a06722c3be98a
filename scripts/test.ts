/**
 * `npm test`: every suite of the project, one after another, then one summary line `N passed, N failed`
 * summed over all of them (CI reads that line). Suites: lint and format (Biome), strict type-check of every
 * workspace, and the unit/property/integration tests (Vitest). What the suites need from the machine is
 * installed first (scripts/prerequisites.ts).
 *
 * Usage: npm test [-- --only lint|types|unit]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
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

function typecheckSuites(): SuiteResult[] {
  const tsc = join(repoRoot, 'node_modules', '.bin', 'tsc');
  return ['.', ...workspaces()].map((dir) => checkSuite(`types ${dir}`, tsc, ['-p', join(dir, 'tsconfig.json')]));
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
    const status = run(vitest, ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`]);
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
  if (wanted('unit')) results.push(unitSuite());
  printSummary(results);
  const passed = results.reduce((sum, r) => sum + r.passed, 0);
  const failed = results.reduce((sum, r) => sum + r.failed, 0);
  const skipped = results.reduce((sum, r) => sum + r.skipped, 0);
  console.log(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  return failed > 0 || passed === 0 ? 1 : 0;
}

process.exitCode = main();
