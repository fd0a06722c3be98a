/**
 * `keel evaluate` end to end on two short slices of real hourly candles (written to a temporary directory, never
 * into the repository), with a tiny PPO so it runs in seconds: the JSON shape of the issue, the HTML report, and
 * plain refusals of bad input.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../core/test/shared-data.ts';

const main = resolve(import.meta.dirname, '..', 'src', 'main.ts');
const tmp = mkdtempSync(join(tmpdir(), 'keel-evaluate-'));
const STRATEGIES = ['conservative', 'aggressive', 'balanced', 'contrarian', 'ppo', 'ensemble', 'buy-and-hold'];

function keel(args: string[]) {
  const result = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `count` candles of a shared CSV from row `from`, as a CSV in the temporary directory. */
function csvSlice(name: string, from: number, count: number): string {
  const lines = readFileSync(dataFile(name), 'utf8').split('\n');
  const path = join(tmp, name);
  writeFileSync(path, [lines[0], ...lines.slice(1 + from, 1 + from + count)].join('\n'));
  return path;
}

describe.skipIf(!hasSharedData())('keel evaluate', () => {
  let btc: string;
  let eth: string;
  let run: ReturnType<typeof keel>;
  const report = join(tmp, 'evaluation.html');
  beforeAll(() => {
    btc = csvSlice('BTC-USDT_1h.csv', 26_000, 3000);
    eth = csvSlice('ETH-USDT_1h.csv', 26_000, 3000);
    const window = ['--train', '2000', '--test', '500', '--ppo-steps', '64'];
    run = keel(['evaluate', '--csv', btc, '--csv', eth, ...window, '--json', '--report', report]);
  }, 120_000);

  it('prints {"rows": [...]} with one row per strategy per coin and overall, in exactly the issue’s shape', () => {
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as { rows: Array<Record<string, unknown>> };
    expect(Object.keys(json)).toEqual(['rows']);
    const names = ['BTC-USDT', 'ETH-USDT', 'overall'].flatMap((coin) => STRATEGIES.map((s) => `${coin}/${s}`));
    expect(json.rows.map((row) => row.name)).toEqual(names);
    for (const row of json.rows) {
      expect(Object.keys(row)).toEqual([
        'name',
        'totalReturn',
        'sharpe',
        'sortino',
        'maxDrawdown',
        'winRate',
        'trades',
      ]);
      expect(typeof row.totalReturn).toBe('number');
      expect(row.maxDrawdown as number).toBeGreaterThanOrEqual(0);
      expect(Number.isInteger(row.trades)).toBe(true);
    }
    // Buy-and-hold enters once per test window (two windows of 500 in 3000 − 2000 candles) on each coin.
    expect(json.rows.find((row) => row.name === 'overall/buy-and-hold')?.trades).toBe(4);
  });

  it('writes an HTML report with every strategy’s curve, per coin and overall, and the regime timeline', () => {
    expect(existsSync(report)).toBe(true);
    const html = readFileSync(report, 'utf8');
    for (const name of [...STRATEGIES, 'BTC-USDT', 'ETH-USDT', 'overall', 'regime-1', 'regime-2']) {
      expect(html).toContain(name);
    }
    expect(html).toMatch(/"regimes":\[\[\d+,"#[0-9a-f]{6}"\]/);
    expect(html).toContain('LightweightCharts');
  });

  it('prints the table and the aim verdict per coin and overall without --json; --ppo-steps 0 leaves PPO out', () => {
    const table = keel(['evaluate', '--csv', btc, '--train', '2000', '--test', '500', '--ppo-steps', '0']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/BTC-USDT\s+ensemble\s+-?[\d.]+%/);
    expect(table.stdout).not.toMatch(/\sppo\s/);
    expect(table.stdout).toMatch(/overall\s+(met|not met)/);
  });

  it('refuses windows longer than the data, and an unknown risk tolerance, with one line', () => {
    const tooShort = keel(['evaluate', '--csv', btc, '--train', '5000', '--test', '500']);
    expect(tooShort.code).toBe(2);
    expect(tooShort.stderr).toContain('BTC-USDT has 3000 candles');
    const tolerance = keel(['evaluate', '--csv', btc, '--risk-tolerance', 'reckless']);
    expect(tolerance.code).toBe(2);
    expect(tolerance.stderr).toContain('--risk-tolerance must be one of low, medium, high');
  });
});
