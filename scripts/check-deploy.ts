/**
 * `node scripts/check-deploy.ts <check>`: one check of the deployment files under deploy/, made by the tool that
 * reads them in production. `npm test` runs each as a suite (scripts/test.ts); the tools come from Debian
 * (scripts/prerequisites.ts: prometheus for promtool, prometheus-alertmanager for amtool, nginx-light).
 * Exit status: 0 passed, 1 failed, 77 skipped (the tool does not exist on this machine, e.g. Docker Compose).
 *
 *   prometheus    promtool check config (the scrape config and, through it, the alert rules)
 *   alert-tests   promtool test rules: the alert rules' unit tests (deploy/monitoring/alerts.test.yml)
 *   alertmanager  the Telegram template rendered with dummy credentials, then amtool check-config
 *   nginx         nginx -t on a throwaway nginx.conf that includes deploy/nginx with loopback upstreams
 *   compose       docker compose config, when Docker Compose is installed
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const repoRoot = resolve(import.meta.dirname, '..');
const deployDir = join(repoRoot, 'deploy');
const monitoringDir = join(deployDir, 'monitoring');
const nginxDir = join(deployDir, 'nginx');

export const PASSED = 0;
export const FAILED = 1;
/** Automake's "skipped" status, which test runners know. */
export const SKIPPED = 77;

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit', env });
  if (result.error) {
    console.error(`could not run ${command}: ${result.error.message}`);
    return FAILED;
  }
  return result.status === 0 ? PASSED : FAILED;
}

/** Runs `body` with a fresh temporary folder, removed afterwards whatever happens. */
function inTempDir(body: (dir: string) => number): number {
  const dir = mkdtempSync(join(tmpdir(), 'keel-deploy-check-'));
  try {
    return body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkAlertmanager(): number {
  return inTempDir((dir) => {
    const tokenFile = join(dir, 'telegram_bot_token');
    writeFileSync(tokenFile, '123456789:check-only-not-a-real-token\n');
    const rendered = join(dir, 'alertmanager.yml');
    const env = { ...process.env, TELEGRAM_BOT_TOKEN_FILE: tokenFile, ALERT_TELEGRAM_CHAT_ID: '-1001234567890' };
    const renderStatus = run(
      'sh',
      [join(monitoringDir, 'render-config.sh'), join(monitoringDir, 'alertmanager.yml'), rendered],
      env,
    );
    if (renderStatus !== PASSED) return FAILED;
    return run('amtool', ['check-config', rendered]);
  });
}

/**
 * deploy/nginx/upstreams.conf names compose's hosts (edge, app), which do not resolve here and which nginx -t
 * resolves: the check swaps them for loopback addresses and keeps everything else as written.
 */
function checkNginx(): number {
  return inTempDir((dir) => {
    const upstreams = readFileSync(join(nginxDir, 'upstreams.conf'), 'utf8').replace(
      /server [a-z][a-z0-9-]*:(\d+)/g,
      'server 127.0.0.1:$1',
    );
    writeFileSync(join(dir, 'upstreams.conf'), upstreams);
    writeFileSync(
      join(dir, 'nginx.conf'),
      [
        `pid ${join(dir, 'nginx.pid')};`,
        `error_log ${join(dir, 'error.log')};`,
        'events {}',
        'http {',
        `  include ${join(dir, 'upstreams.conf')};`,
        `  include ${join(nginxDir, 'keel.conf')};`,
        '}',
        '',
      ].join('\n'),
    );
    return run('nginx', ['-t', '-q', '-p', dir, '-c', join(dir, 'nginx.conf')]);
  });
}

/** compose.yaml refuses to start without its secrets set: check it with stand-in values. */
const COMPOSE_STAND_INS = {
  POSTGRES_PASSWORD: 'check',
  JWT_SECRET: 'check-only-0123456789abcdef0123456789',
  KEEL_MASTER_KEY: 'check',
  KEEL_TRANSPORT_PRIVATE_KEY: 'check',
  ALERT_TELEGRAM_CHAT_ID: '-1001234567890',
};

function checkCompose(): number {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status !== 0) {
    console.log('skipped: Docker Compose is not installed here (`docker compose version` fails)');
    return SKIPPED;
  }
  return run('docker', ['compose', '-f', join(deployDir, 'compose.yaml'), 'config', '--quiet'], {
    ...process.env,
    ...COMPOSE_STAND_INS,
  });
}

export const DEPLOY_CHECKS: Record<string, () => number> = {
  prometheus: () => run('promtool', ['check', 'config', join(monitoringDir, 'prometheus.yml')]),
  'alert-tests': () => run('promtool', ['test', 'rules', join(monitoringDir, 'alerts.test.yml')]),
  alertmanager: checkAlertmanager,
  nginx: checkNginx,
  compose: checkCompose,
};

if (import.meta.main) {
  const name = process.argv[2] ?? '';
  const check = DEPLOY_CHECKS[name];
  if (check === undefined) {
    console.error(`usage: node scripts/check-deploy.ts ${Object.keys(DEPLOY_CHECKS).join('|')}`);
    process.exitCode = FAILED;
  } else process.exitCode = check();
}
