/** `keel backtest` and `keel lookahead` with the rule agents and the ensemble (they run the feature engine). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticMarket } from '../../core/src/market/synthetic.ts';

const main = resolve(import.meta.dirname, '..', 'src', 'main.ts');
const tmp = mkdtempSync(join(tmpdir(), 'keel-cli-agents-'));

function keel(args: string[]) {
  const result = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A synthetic hourly market long enough for the feature warm-up (649 candles) and then some trading. */
function syntheticCsv(symbol: string, seed: number): string {
  const market = syntheticMarket({ candles: 2_500, seed, symbol });
  const rows = Array.from(
    { length: market.length },
    (_, i) =>
      `${market.time[i]},${market.open[i]},${market.high[i]},${market.low[i]},${market.close[i]},${market.volume[i]}`,
  );
  const path = join(tmp, `${symbol}_1h.csv`);
  writeFileSync(path, `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
  return path;
}

const first = syntheticCsv('SYNA-USDT', 21);
const second = syntheticCsv('SYNB-USDT', 22);

describe('keel with the agents', () => {
  it.each(['conservative', 'aggressive', 'balanced', 'contrarian'])('backtests --strategy %s on features', (name) => {
    const result = keel(['backtest', '--csv', first, '--csv', second, '--strategy', name, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as { metrics: { candles: number; trades: number } };
    expect(json.metrics.candles).toBe(2_500);
  });

  it('backtests the ensemble with a risk tolerance and the risk manager, naming both in the table', () => {
    const result = keel([
      'backtest',
      '--csv',
      first,
      '--strategy',
      'ensemble',
      '--risk-tolerance',
      'low',
      '--risk',
      'default',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('ensemble(4 rule agents, low risk tolerance) on SYNA-USDT');
    expect(result.stdout).toContain('risk events:');
  });

  it('gives different results for different risk tolerances', () => {
    const run = (level: string) =>
      JSON.parse(
        keel(['backtest', '--csv', first, '--strategy', 'ensemble', '--risk-tolerance', level, '--json']).stdout,
      ).trades as unknown[];
    expect(JSON.stringify(run('low'))).not.toBe(JSON.stringify(run('high')));
  });

  it('checks the ensemble for look-ahead bias, features included', () => {
    const result = keel(['lookahead', '--csv', first, '--csv', second, '--strategy', 'ensemble', '--cuts', '4']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no look-ahead bias');
  });

  it('refuses a bad risk tolerance, and ppo without --model DIR, with exit code 2', () => {
    const tolerance = keel(['backtest', '--csv', first, '--strategy', 'ensemble', '--risk-tolerance', 'yolo']);
    expect(tolerance.code).toBe(2);
    expect(tolerance.stderr).toContain('--risk-tolerance must be one of low, medium, high');
    const ppo = keel(['backtest', '--csv', first, '--strategy', 'ppo']);
    expect(ppo.code).toBe(2);
    expect(ppo.stderr).toContain('--model DIR');
  });
});
