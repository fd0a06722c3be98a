import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticMarket } from '../../core/src/market/synthetic.ts';
import { dataFile, hasSharedData } from '../../core/test/shared-data.ts';

const main = resolve(import.meta.dirname, '..', 'src', 'main.ts');
const tmp = mkdtempSync(join(tmpdir(), 'keel-cli-'));

function keel(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [main, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 28,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function writeCsv(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

const COMMANDS = ['start', 'demo', 'backtest', 'indicators', 'lookahead', 'recursive', 'db', 'keys'];

describe('keel', () => {
  it('lists its commands, and every command answers --help', () => {
    const overview = keel(['--help']);
    expect(overview.code).toBe(0);
    for (const command of COMMANDS) {
      expect(overview.stdout).toContain(command);
      const help = keel([command, '--help']);
      expect(help.code, command).toBe(0);
      expect(help.stdout).toContain(`Usage: keel ${command}`);
      expect(help.stdout).toContain('--help');
    }
  });

  it('refuses unknown commands and options with exit code 2', () => {
    expect(keel(['fly']).code).toBe(2);
    const result = keel(['backtest', '--csv', 'x.csv', '--fsat', '3']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--fsat'");
    expect(keel(['backtest', '--csv', 'x.csv', '--fee', 'abc']).stderr).toContain('--fee must be a number');
  });

  it('names the file and line of a bad CSV, in one line, without a stack trace', () => {
    const bad = writeCsv(
      'BAD-USDT_1h.csv',
      'timestamp,open,high,low,close,volume\n0,1,2,0.5,1.5,1\n3600000,1,0.5,0.4,1,1\n',
    );
    const result = keel(['backtest', '--csv', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${bad}:3: high 0.5 is below max(open, close) 1`);
    expect(result.stderr).not.toContain('    at ');
  });

  it.skipIf(!hasSharedData())('prints backtest JSON in the documented shape, and an HTML report', () => {
    const report = join(tmp, 'report.html');
    const result = keel([
      'backtest',
      '--csv',
      dataFile('ETH-USDT_1h.csv'),
      '--strategy',
      'sma-cross',
      '--fast',
      '10',
      '--slow',
      '30',
      '--fee',
      '0.001',
      '--json',
      '--report',
      report,
    ]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as {
      trades: Record<string, unknown>[];
      metrics: Record<string, unknown>;
      equity: [number, number][];
      riskEvents: unknown[];
    };
    expect(Object.keys(json.trades[0] ?? {})).toEqual(
      expect.arrayContaining(['symbol', 'entryTime', 'entryPrice', 'exitTime', 'exitPrice', 'qty', 'fees', 'pnl']),
    );
    for (const key of [
      'totalReturn',
      'cagr',
      'sharpe',
      'sortino',
      'maxDrawdown',
      'calmar',
      'winRate',
      'profitFactor',
      'exposure',
      'var95',
    ]) {
      expect(json.metrics).toHaveProperty(key);
    }
    expect(json.equity.length).toBe(70006);
    expect(json.riskEvents).toEqual([]);
    expect(json.equity[0]).toEqual([Date.UTC(2018, 0, 1), 10_000]);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<div id="equity"');
    expect(html).toContain('LightweightCharts');
  });

  it('runs the risk manager with --risk default and lists its events in the JSON', () => {
    const market = syntheticMarket({ candles: 3_000, seed: 11, symbol: 'SYN-USDT' });
    const rows = Array.from({ length: market.length }, (_, i) =>
      [market.time[i], market.open[i], market.high[i], market.low[i], market.close[i], market.volume[i]].join(','),
    );
    const csv = writeCsv('SYN-USDT_1h.csv', `timestamp,open,high,low,close,volume\n${rows.join('\n')}\n`);
    const json = keel(['backtest', '--csv', csv, '--fast', '5', '--slow', '20', '--risk', 'default', '--json']);
    expect(json.code).toBe(0);
    const { riskEvents } = JSON.parse(json.stdout) as { riskEvents: Record<string, unknown>[] };
    expect(riskEvents.length).toBeGreaterThan(0);
    for (const event of riskEvents) {
      expect(Object.keys(event)).toEqual(expect.arrayContaining(['time', 'type', 'from', 'to', 'reason']));
    }
    const resize = riskEvents.find((e) => e.type === 'resize');
    expect(resize?.reason).toContain('position-cap: SYN-USDT would be');
    expect(riskEvents.some((e) => e.type === 'stop-loss' || e.type === 'take-profit')).toBe(true);
    const table = keel(['backtest', '--csv', csv, '--fast', '5', '--slow', '20', '--risk', 'default']);
    expect(table.stdout).toMatch(/^risk events: .*resize \d+/m);
    const none = keel(['backtest', '--csv', csv, '--fast', '5', '--slow', '20', '--json']);
    expect((JSON.parse(none.stdout) as { riskEvents: unknown[] }).riskEvents).toEqual([]);
    const bad = keel(['backtest', '--csv', csv, '--risk', 'yolo']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown --risk "yolo"; choose one of none, default');
  });

  it.skipIf(!hasSharedData())('writes the indicator JSON with null during warm-up', () => {
    const out = join(tmp, 'indicators.json');
    const result = keel(['indicators', '--csv', dataFile('BTC-USDT_1m.csv'), '--out', out]);
    expect(result.code).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8')) as {
      rows: number;
      indicators: Record<string, (number | null)[]>;
    };
    expect(json.rows).toBe(41760);
    expect(Object.keys(json.indicators)).toHaveLength(19);
    expect(json.indicators.SMA_20?.slice(0, 20).filter((v) => v === null)).toHaveLength(19);
    expect(json.indicators.MACD_12_26_9?.findIndex((v) => v !== null)).toBe(33);
    expect(json.indicators.RSI_14?.every((v, i) => i < 14 || (v !== null && v >= 0 && v <= 100))).toBe(true);
  });

  it.skipIf(!hasSharedData())('runs both bias checks on real data and finds no bias in sma-cross', () => {
    const csv = dataFile('SOL-USDT_1h.csv');
    const lookahead = keel(['lookahead', '--csv', csv, '--strategy', 'sma-cross', '--cuts', '5']);
    expect(lookahead.code).toBe(0);
    expect(lookahead.stdout).toContain('no look-ahead bias');
    const recursive = keel(['recursive', '--csv', csv]);
    expect(recursive.code).toBe(0);
    expect(recursive.stdout).toContain('RSI_14');
    expect(recursive.stdout).not.toContain('DIFFERS');
  });

  it('starts on the synthetic market, saying so, when there is no data folder', () => {
    const result = keel(['demo'], { KEEL_DATA_DIR: join(tmp, 'no-such-dir') });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('SYNTHETIC market');
    const reportPath = /report written to (.+)$/m.exec(result.stdout)?.[1] as string;
    expect(existsSync(reportPath)).toBe(true);
  });
});
