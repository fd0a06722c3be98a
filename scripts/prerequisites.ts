/**
 * What the test suites need from the machine beyond npm packages, and how it gets there: on Debian as root the
 * runner installs it with apt; otherwise it says exactly what to install: a C compiler, to build the TA-Lib oracle
 * the indicator tests compare against (TA-Lib's own C sources, from the npm package `talib`), and Debian's
 * Chromium, which playwright-core drives in the dashboard's end-to-end suite, and the tools the deployment checks
 * run (promtool, amtool, nginx: scripts/check-deploy.ts).
 */
import { spawnSync } from 'node:child_process';

interface Prerequisite {
  /** What it is for, in the message. */
  purpose: string;
  /** Succeeds when it is present. */
  probe: [command: string, ...args: string[]];
  debianPackages: string[];
}

export const PREREQUISITES: Prerequisite[] = [
  {
    purpose: 'a C compiler (builds the TA-Lib test oracle)',
    probe: ['cc', '--version'],
    debianPackages: ['gcc', 'libc6-dev'],
  },
  {
    purpose: "Chromium (the dashboard's end-to-end tests drive it through playwright-core)",
    probe: ['chromium', '--version'],
    debianPackages: ['chromium'],
  },
  {
    purpose: "promtool (checks deploy/monitoring's Prometheus config and alert rules)",
    probe: ['promtool', '--version'],
    debianPackages: ['prometheus'],
  },
  {
    purpose: "amtool (checks deploy/monitoring's Alertmanager config)",
    probe: ['amtool', '--version'],
    debianPackages: ['prometheus-alertmanager'],
  },
  {
    purpose: 'nginx (checks deploy/nginx with nginx -t)',
    probe: ['nginx', '-v'],
    debianPackages: ['nginx-light'],
  },
];

function present(prerequisite: Prerequisite): boolean {
  const [command, ...args] = prerequisite.probe;
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function hasApt(): boolean {
  return spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Installs what is missing when it can; returns the problems it could not fix, as sentences. */
export function ensurePrerequisites(): string[] {
  const missing = PREREQUISITES.filter((p) => !present(p));
  if (missing.length === 0) return [];
  const packages = missing.flatMap((p) => p.debianPackages);
  if (isRoot() && hasApt()) {
    console.log(`installing ${packages.join(', ')} with apt-get`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
  }
  return missing
    .filter((p) => !present(p))
    .map((p) => `missing ${p.purpose}: install it, e.g. \`sudo apt-get install ${p.debianPackages.join(' ')}\``);
}
