import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dataFile, hasSharedData } from '../../test/shared-data.ts';
import { CsvError, loadCandlesCsv, parseCandlesCsv, parseDecimal, symbolFromFileName } from './csv.ts';

const HEADER = 'timestamp,open,high,low,close,volume';

function errorOf(text: string): string {
  try {
    parseCandlesCsv(text, 'bad.csv');
  } catch (error) {
    expect(error).toBeInstanceOf(CsvError);
    return (error as Error).message;
  }
  throw new Error('expected a CsvError');
}

describe('parseCandlesCsv', () => {
  it('reads valid rows into columns', () => {
    const series = parseCandlesCsv(`${HEADER}\n1000,1,2,0.5,1.5,10\n2000,1.5,1.6,1.4,1.45,0\n`, 'X-USDT_1m.csv');
    expect(series.symbol).toBe('X-USDT');
    expect(series.length).toBe(2);
    expect([...series.time]).toEqual([1000, 2000]);
    expect([...series.close]).toEqual([1.5, 1.45]);
    expect([...series.volume]).toEqual([10, 0]);
  });

  it('accepts CRLF line ends and columns in another order', () => {
    const series = parseCandlesCsv('volume,close,low,high,open,timestamp\r\n3,2,1,2,1.5,60000\r\n', 'y.csv');
    expect(series.open[0]).toBe(1.5);
    expect(series.volume[0]).toBe(3);
  });

  it.each([
    ['timestamp,open,high,low,close\n1,1,1,1,1\n', 'bad.csv:1: header is missing column volume'],
    [`${HEADER}\n1000,1,2,0.5,1.5,10\n1000,1,2,0.5,1.5,10\n`, 'bad.csv:3: duplicate timestamp 1000'],
    [`${HEADER}\n2000,1,2,0.5,1.5,10\n1000,1,2,0.5,1.5,10\n`, 'bad.csv:3: timestamp 1000 is before'],
    [`${HEADER}\n1000,1,1.2,0.5,1.5,10\n`, 'bad.csv:2: high 1.2 is below max(open, close) 1.5'],
    [`${HEADER}\n1000,1,2,1.2,1.5,10\n`, 'bad.csv:2: low 1.2 is above min(open, close) 1'],
    [`${HEADER}\n1000,1,2,0.5,1.5,-1\n`, 'bad.csv:2: volume -1 is negative'],
    [`${HEADER}\n1000,1,2,0.5,1.5\n`, 'bad.csv:2: expected 6 columns, found 5'],
    [`${HEADER}\n1000,1,NaN,0.5,1.5,3\n`, 'bad.csv:2: high is not a number: "NaN"'],
    [`${HEADER}\n1000,1,,0.5,1.5,3\n`, 'bad.csv:2: high is not a number: ""'],
    [`${HEADER}\n1000.5,1,2,0.5,1.5,3\n`, 'bad.csv:2: timestamp 1000.5 is not a whole number'],
    ['', 'bad.csv:1: empty file'],
    [`${HEADER}\n`, 'no candles after the header'],
  ])('rejects %j with file:line', (text, expected) => {
    expect(errorOf(text)).toContain(expected);
  });

  it('reports every bad line, not only the first, and returns nothing', () => {
    const message = errorOf(`${HEADER}\n1000,1,2,0.5,1.5,-1\n2000,1,2,0.5,1.5,1\n3000,x,2,0.5,1.5,1\n`);
    expect(message).toContain('bad.csv:2:');
    expect(message).toContain('bad.csv:4:');
    expect(message).not.toContain('bad.csv:3:');
  });
});

describe('parseDecimal', () => {
  const encoder = new TextEncoder();
  const parse = (text: string) => {
    const bytes = encoder.encode(text);
    return parseDecimal(bytes, 0, bytes.length);
  };

  it('is correctly rounded, exactly like Number()', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = String(value);
        expect(Object.is(parse(text), Number(text)) || (value === 0 && parse(text) === 0)).toBe(true);
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.integer({ min: 0, max: 18 }), (digits, scale) => {
        const raw = digits.toString().padStart(scale + 1, '0');
        const text = scale === 0 ? raw : `${raw.slice(0, -scale)}.${raw.slice(-scale)}`;
        expect(parse(text)).toBe(Number(text));
      }),
    );
  });

  it('rejects what is not a plain number', () => {
    for (const text of ['', 'abc', '1.2.3', '1e', '--1', '0x10', 'Infinity']) expect(parse(text)).toBeNaN();
  });
});

describe('loadCandlesCsv', () => {
  it('matches the in-memory parser on a file bigger than one read chunk', () => {
    const rows = [HEADER];
    for (let i = 0; i < 40_000; i++) rows.push(`${i * 60_000},${100 + i},${102 + i},${99 + i},${101 + i},${i % 7}.25`);
    const dir = mkdtempSync(join(tmpdir(), 'keel-csv-'));
    const file = join(dir, 'SYN-USDT_1m.csv');
    writeFileSync(file, rows.join('\n'));
    const loaded = loadCandlesCsv(file);
    const parsed = parseCandlesCsv(rows.join('\n'), file);
    expect(loaded.length).toBe(40_000);
    expect([...loaded.close]).toEqual([...parsed.close]);
    expect(loaded.volume[39_999]).toBe(1.25);
  });

  it('names a missing file clearly', () => {
    expect(() => loadCandlesCsv('/nonexistent/BTC.csv')).toThrow('/nonexistent/BTC.csv: cannot open (no such file)');
  });

  it('derives the symbol from the file name', () => {
    expect(symbolFromFileName('/a/BTC-USDT_1h.csv')).toBe('BTC-USDT');
    expect(symbolFromFileName('plain.csv')).toBe('plain');
  });

  it.skipIf(!hasSharedData())('loads the real Binance hourly candles', () => {
    const series = loadCandlesCsv(dataFile('BTC-USDT_1h.csv'));
    expect(series.length).toBe(70006);
    expect(series.time[0]).toBe(Date.UTC(2018, 0, 1));
    expect(series.time[series.length - 1]).toBe(Date.UTC(2025, 11, 31, 23));
  });
});
