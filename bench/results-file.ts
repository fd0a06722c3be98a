/**
 * bench/RESULTS.md, written by the benchmarks that prove the whole stack (faults, load): each owns one section,
 * replaced on every run and stamped with its date and the machine it ran on, so results from different days and
 * machines never pass for one run. The other benchmarks print their tables only (`npm run bench -- <name>`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';

export const RESULTS_FILE = resolve(import.meta.dirname, 'RESULTS.md');

const PREAMBLE = `# Keel — results under load and faults

Written by \`npm run bench -- faults\` and \`npm run bench -- load\` (bench/faults.ts, bench/load.ts): each run
replaces its own section below, stamped with its date and machine. The scale-out proof (3 worker processes, one
killed with SIGKILL and restarted) is a test that runs in \`npm test\`: worker/test/scale-out.test.ts. The other
benchmarks (\`npm run bench -- <name>\`: indicators, backtest, features, agents, risk, ppo, db, edge, tiers,
notifications, memory, app) print their tables with baselines measured in the same run; their last numbers are in
README.md's benchmark table.
`;

/**
 * CPU model, cores, memory, kernel, Node and the load average when the run ended (the machine may be shared: a
 * load above the core count means the figures are lower bounds): one line, from lscpu when it exists.
 */
export function machineDescription(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const lscpu = execFileSync('lscpu', { encoding: 'utf8' });
    const name = /^Model name:\s+(.+)$/m.exec(lscpu)?.[1];
    const hypervisor = /^Hypervisor vendor:\s+(.+)$/m.exec(lscpu)?.[1];
    if (name) model = hypervisor ? `${name} (${hypervisor} guest)` : name;
  } catch {
    // No lscpu (not Linux): Node's CPU model is the description.
  }
  const memoryGiB = (totalmem() / 1024 ** 3).toFixed(1);
  const kernel = existsSync('/proc/version') ? readFileSync('/proc/version', 'utf8').split(' ')[2] : process.platform;
  const load = loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
  return `${model}, ${cpus().length} cores, ${memoryGiB} GiB RAM, Linux ${kernel}, Node ${process.version}; load average ${load}`;
}

export function markdownTable(header: string[], rows: string[][]): string {
  const escapePipes = (cell: string) => cell.replaceAll('|', '\\|');
  return [
    `| ${header.map(escapePipes).join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(escapePipes).join(' | ')} |`),
  ].join('\n');
}

/** Replaces (or appends) the section of benchmark `name` with `body`, under a dated heading. */
export function writeResultsSection(name: string, title: string, body: string): void {
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const section = `${begin}\n## ${title}\n\n${new Date().toISOString()} — ${machineDescription()}\n\n${body.trim()}\n${end}`;
  const current = existsSync(RESULTS_FILE) ? readFileSync(RESULTS_FILE, 'utf8') : PREAMBLE;
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  const next =
    start >= 0 && stop > start
      ? `${current.slice(0, start)}${section}${current.slice(stop + end.length)}`
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(RESULTS_FILE, next);
}
