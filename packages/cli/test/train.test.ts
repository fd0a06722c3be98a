/**
 * `keel train` and `keel backtest --strategy ppo` end to end, on short slices of real candles (written to a
 * temporary directory, never into the repository): train, promote, refuse to promote an equal model, backtest
 * on candles the model never saw, and refuse corrupt or mismatched models with one clear line.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../core/test/shared-data.ts';

const main = resolve(import.meta.dirname, '..', 'src', 'main.ts');
const tmp = mkdtempSync(join(tmpdir(), 'keel-train-'));
/** One rollout: the fewest steps training takes. */
const STEPS = '2048';

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

function versions(models: string): string[] {
  return readdirSync(models).filter((entry) => entry !== 'CURRENT');
}

describe.skipIf(!hasSharedData())('keel train and keel backtest --strategy ppo', () => {
  let btc: string;
  let eth: string;
  let models: string;
  let firstRun: ReturnType<typeof keel>;
  beforeAll(() => {
    btc = csvSlice('BTC-USDT_1h.csv', 50_000, 1500);
    eth = csvSlice('ETH-USDT_1h.csv', 60_000, 1500);
    models = join(tmp, 'models');
    firstRun = keel(['train', '--csv', btc, '--out', models, '--steps', STEPS, '--seed', '7']);
  });

  it('answers --help and is listed', () => {
    const help = keel(['train', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: keel train --csv FILE');
    expect(keel(['--help']).stdout).toContain('train');
  });

  it('trains, reports progress on stderr and a summary on stdout, and promotes the first model', () => {
    expect(firstRun.stderr).toContain('tfjs backend: ');
    expect(firstRun.stderr).toContain('100% 2,048/2,048');
    expect(firstRun.code).toBe(0);
    expect(firstRun.stdout).toMatch(/PPO trained on BTC-USDT \(seed 7, backend \w+\)/);
    expect(firstRun.stdout).toMatch(/steps\s+2,048 in [\d.]+ s \([\d,]+ steps\/s\)/);
    expect(firstRun.stdout).toMatch(/validation\s+return\s+-?[\d.]+%\s+Sharpe\s+-?[\d.]+/);
    expect(firstRun.stdout).toContain('promoted: no incumbent: first model');
    const [version] = versions(models);
    expect(readFileSync(join(models, 'CURRENT'), 'utf8').trim()).toBe(version);
    expect(readdirSync(join(models, version as string)).sort()).toEqual(['manifest.json', 'model.json', 'weights.bin']);
    const manifest = JSON.parse(readFileSync(join(models, version as string, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ seed: 7, format: 'keel-ppo', training: { steps: 2048 } });
    expect(manifest.validationWindows[0]).toMatchObject({ symbol: 'BTC-USDT', candles: 300 });
  });

  it('does not promote a retrained model that only equals the incumbent (same seed, same model)', () => {
    const again = keel(['train', '--csv', btc, '--out', models, '--steps', STEPS, '--seed', '7']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/incumbent \(validation\)/);
    expect(again.stdout).toMatch(/not promoted: validation Sharpe (-?[\d.]+) does not beat the incumbent's \1 by 0.1/);
    const current = readFileSync(join(models, 'CURRENT'), 'utf8').trim();
    expect(versions(models)).toHaveLength(2);
    expect(current).toBe(versions(models).sort()[0]);
  });

  it('backtests the promoted model on candles it never saw (another market)', () => {
    const result = keel(['backtest', '--csv', eth, '--strategy', 'ppo', '--model', models, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { metrics: { candles: number } };
    expect(json.metrics.candles).toBe(1500);
    const table = keel(['backtest', '--csv', eth, '--strategy', 'ppo', '--model', models]);
    expect(table.stdout).toMatch(/^ppo on ETH-USDT/);
  });

  it('refuses a corrupt model and one made for another feature set, in one line, without a stack trace', () => {
    const good = join(models, readFileSync(join(models, 'CURRENT'), 'utf8').trim());
    const truncated = join(tmp, 'truncated');
    cpSync(good, truncated, { recursive: true });
    writeFileSync(join(truncated, 'weights.bin'), readFileSync(join(good, 'weights.bin')).subarray(0, 100));
    const corrupt = keel(['backtest', '--csv', eth, '--strategy', 'ppo', '--model', truncated]);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toBe(
      `keel backtest: ${truncated}: weights.bin has 100 bytes; model.json describes 23824 (truncated or from another model)\n`,
    );

    const foreign = join(tmp, 'foreign');
    cpSync(good, foreign, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(good, 'manifest.json'), 'utf8'));
    manifest.features = manifest.features.filter((name: string) => name !== 'obv_slope');
    writeFileSync(join(foreign, 'manifest.json'), JSON.stringify(manifest));
    const mismatched = keel(['backtest', '--csv', eth, '--strategy', 'ppo', '--model', foreign]);
    expect(mismatched.code).toBe(1);
    expect(mismatched.stderr).toMatch(
      /^keel backtest: .*foreign: the model was made for another feature set \(21 features/,
    );
    expect(mismatched.stderr).not.toContain('    at ');

    const refusedIncumbent = keel(['train', '--csv', btc, '--out', join(tmp, 'other'), '--incumbent', truncated]);
    expect(refusedIncumbent.code).toBe(1);
    expect(refusedIncumbent.stderr).toContain('weights.bin has 100 bytes');
    expect(keel(['backtest', '--csv', eth, '--strategy', 'ppo']).stderr).toContain(
      '--strategy ppo needs --model DIR (a trained PPO model)',
    );
  });
});
