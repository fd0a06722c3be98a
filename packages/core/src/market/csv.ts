/**
 * Candle CSV reader: `timestamp,open,high,low,close,volume`, timestamp in integer ms UTC, rows strictly ascending.
 *
 * This is the core's only I/O. Files are read in fixed-size chunks and parsed straight from bytes into a
 * CandleSeries sized by a first counting pass, so loading ten years of minutes costs the series' own 48 bytes a
 * candle plus one chunk, never a copy of the whole file. Any bad row fails the whole load with `file:line: what is
 * wrong` (up to MAX_REPORTED_ERRORS of them): a partial series is never returned.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { allocateSeries, type CandleSeries, sliceSeries } from './types.ts';

export const CANDLE_COLUMNS = ['timestamp', 'open', 'high', 'low', 'close', 'volume'] as const;
const CHUNK_BYTES = 1 << 20;
const MAX_REPORTED_ERRORS = 20;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const COMMA = 0x2c;

export class CsvError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[], more: number) {
    super(problems.join('\n') + (more > 0 ? `\n… and ${more} more problems` : ''));
    this.name = 'CsvError';
    this.problems = problems;
  }
}

export interface LoadCandlesOptions {
  /** Market name for the series; default: the file name up to its first `_` (`BTC-USDT_1h.csv` → `BTC-USDT`). */
  symbol?: string;
}

/** Loads and validates a candle CSV file. Throws CsvError naming every bad line (up to 20). */
export function loadCandlesCsv(path: string, options: LoadCandlesOptions = {}): CandleSeries {
  const symbol = options.symbol ?? symbolFromFileName(path);
  const fd = openOrExplain(path);
  try {
    const chunk = new Uint8Array(CHUNK_BYTES);
    const rowCapacity = countLines(fd, chunk);
    const parser = new CandleCsvParser(path, symbol, rowCapacity);
    let position = 0;
    for (;;) {
      const bytesRead = readSync(fd, chunk, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      parser.push(chunk.subarray(0, bytesRead));
      position += bytesRead;
    }
    return parser.finish();
  } finally {
    closeSync(fd);
  }
}

/** Parses candle CSV text held in memory (uploads, tests). Same rules and errors as loadCandlesCsv. */
export function parseCandlesCsv(text: string, source: string, symbol = symbolFromFileName(source)): CandleSeries {
  const bytes = new TextEncoder().encode(text);
  let lines = 1;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === NEWLINE) lines++;
  const parser = new CandleCsvParser(source, symbol, lines);
  parser.push(bytes);
  return parser.finish();
}

export function symbolFromFileName(path: string): string {
  const name = basename(path).replace(/\.csv$/i, '');
  const underscore = name.indexOf('_');
  return underscore > 0 ? name.slice(0, underscore) : name;
}

function openOrExplain(path: string): number {
  try {
    return openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CsvError([`${path}: cannot open (${code === 'ENOENT' ? 'no such file' : code})`], 0);
  }
}

function countLines(fd: number, chunk: Uint8Array): number {
  let lines = 1;
  let position = 0;
  for (;;) {
    const bytesRead = readSync(fd, chunk, 0, chunk.length, position);
    if (bytesRead === 0) return lines;
    for (let i = 0; i < bytesRead; i++) if (chunk[i] === NEWLINE) lines++;
    position += bytesRead;
  }
}

/** Column positions of the six candle fields in the file's header. */
type ColumnMap = Int32Array;

/**
 * Incremental byte-level parser. Lines may be split across chunks; the unfinished tail is carried over.
 * Rows go straight into the series' typed arrays.
 */
class CandleCsvParser {
  private readonly source: string;
  private readonly series: CandleSeries;
  private readonly problems: string[] = [];
  private problemCount = 0;
  private rows = 0;
  private lineNumber = 0;
  private columns: ColumnMap | null = null;
  private columnCount = 0;
  private carry: Uint8Array = new Uint8Array(0);
  private readonly fields = new Float64Array(CANDLE_COLUMNS.length);
  private readonly fieldStart = new Int32Array(64);
  private readonly fieldEnd = new Int32Array(64);

  constructor(source: string, symbol: string, rowCapacity: number) {
    this.source = source;
    this.series = allocateSeries(symbol, rowCapacity);
  }

  push(bytes: Uint8Array): void {
    let lineStart = 0;
    let buffer = bytes;
    if (this.carry.length > 0) {
      const firstNewline = bytes.indexOf(NEWLINE);
      if (firstNewline < 0) {
        this.carry = concat(this.carry, bytes);
        return;
      }
      const joined = concat(this.carry, bytes.subarray(0, firstNewline));
      this.carry = new Uint8Array(0);
      this.line(joined, 0, joined.length);
      lineStart = firstNewline + 1;
      buffer = bytes;
    }
    for (;;) {
      const newline = buffer.indexOf(NEWLINE, lineStart);
      if (newline < 0) break;
      this.line(buffer, lineStart, newline);
      lineStart = newline + 1;
    }
    if (lineStart < buffer.length) this.carry = buffer.slice(lineStart);
  }

  finish(): CandleSeries {
    if (this.carry.length > 0) {
      const last = this.carry;
      this.carry = new Uint8Array(0);
      this.line(last, 0, last.length);
    }
    if (this.columns === null) this.problem(1, 'empty file: expected the header timestamp,open,high,low,close,volume');
    else if (this.rows === 0 && this.problemCount === 0) this.problem(this.lineNumber, 'no candles after the header');
    if (this.problemCount > 0) throw new CsvError(this.problems, this.problemCount - this.problems.length);
    // A view, not a copy: the capacity counted newlines, so only the header and blank lines are left over.
    return sliceSeries(this.series, 0, this.rows);
  }

  private line(bytes: Uint8Array, start: number, end: number): void {
    this.lineNumber++;
    if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end--;
    if (end === start) return; // blank lines (a trailing newline) carry no candle
    if (this.columns === null) {
      this.header(new TextDecoder().decode(bytes.subarray(start, end)));
      return;
    }
    this.row(bytes, start, end);
  }

  private header(text: string): void {
    const names = text.split(',').map((name) => name.trim().toLowerCase());
    const columns = new Int32Array(CANDLE_COLUMNS.length);
    const missing: string[] = [];
    CANDLE_COLUMNS.forEach((name, i) => {
      columns[i] = names.indexOf(name);
      if (columns[i] < 0) missing.push(name);
    });
    if (missing.length > 0) {
      this.problem(
        this.lineNumber,
        `header is missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (expected timestamp,open,high,low,close,volume)`,
      );
      this.columns = columns.fill(-1);
      return;
    }
    this.columns = columns;
    this.columnCount = names.length;
  }

  private row(bytes: Uint8Array, start: number, end: number): void {
    const columns = this.columns as ColumnMap;
    if (columns[0] === -1) return; // header already reported
    let fieldCount = 0;
    let fieldStart = start;
    for (let i = start; i <= end; i++) {
      if (i === end || bytes[i] === COMMA) {
        if (fieldCount < this.fieldStart.length) {
          this.fieldStart[fieldCount] = fieldStart;
          this.fieldEnd[fieldCount] = i;
        }
        fieldCount++;
        fieldStart = i + 1;
      }
    }
    if (fieldCount !== this.columnCount) {
      this.problem(this.lineNumber, `expected ${this.columnCount} columns, found ${fieldCount}`);
      return;
    }
    for (let f = 0; f < CANDLE_COLUMNS.length; f++) {
      const column = columns[f] as number;
      const value = parseDecimal(bytes, this.fieldStart[column] as number, this.fieldEnd[column] as number);
      if (Number.isNaN(value)) {
        const text = new TextDecoder().decode(bytes.subarray(this.fieldStart[column], this.fieldEnd[column]));
        this.problem(this.lineNumber, `${CANDLE_COLUMNS[f]} is not a number: ${JSON.stringify(text)}`);
        return;
      }
      this.fields[f] = value;
    }
    this.accept();
  }

  private accept(): void {
    const [time, open, high, low, close, volume] = this.fields as unknown as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const problem = candleProblem(time, open, high, low, close, volume);
    if (problem !== null) {
      this.problem(this.lineNumber, problem);
      return;
    }
    const { series, rows } = this;
    if (rows > 0) {
      const previous = series.time[rows - 1] as number;
      if (time === previous) {
        this.problem(this.lineNumber, `duplicate timestamp ${time} (${new Date(time).toISOString()})`);
        return;
      }
      if (time < previous) {
        this.problem(this.lineNumber, `timestamp ${time} is before the previous row's ${previous}: rows must ascend`);
        return;
      }
    }
    series.time[rows] = time;
    series.open[rows] = open;
    series.high[rows] = high;
    series.low[rows] = low;
    series.close[rows] = close;
    series.volume[rows] = volume;
    this.rows = rows + 1;
  }

  private problem(line: number, what: string): void {
    this.problemCount++;
    if (this.problems.length < MAX_REPORTED_ERRORS) this.problems.push(`${this.source}:${line}: ${what}`);
  }
}

/** Why a candle is impossible, or null when it is a valid candle. */
export function candleProblem(
  time: number,
  open: number,
  high: number,
  low: number,
  close: number,
  volume: number,
): string | null {
  if (!Number.isSafeInteger(time) || time < 0) return `timestamp ${time} is not a whole number of ms since 1970`;
  if (!(open > 0 && high > 0 && low > 0 && close > 0)) return 'prices must be positive';
  if (!Number.isFinite(open + high + low + close + volume)) return 'values must be finite';
  if (high < Math.max(open, close)) return `high ${high} is below max(open, close) ${Math.max(open, close)}`;
  if (low > Math.min(open, close)) return `low ${low} is above min(open, close) ${Math.min(open, close)}`;
  if (volume < 0) return `volume ${volume} is negative`;
  return null;
}

const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const DOT = 0x2e;
const MINUS = 0x2d;
const PLUS = 0x2b;
const SPACE = 0x20;
/** Powers of ten that doubles hold exactly: dividing an exact mantissa by one rounds once, correctly. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);
const MAX_EXACT_MANTISSA = 2 ** 53;

/**
 * Parses a plain decimal (`-12.345`) from bytes, correctly rounded like Number(): the digits are read as one
 * integer mantissa and divided once by an exact power of ten. Anything else (exponents, > 15 digits) falls back
 * to Number() on the text; NaN when the field is not a number.
 */
export function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && bytes[start] === SPACE) start++;
  while (end > start && bytes[end - 1] === SPACE) end--;
  if (start === end) return Number.NaN;
  let i = start;
  let negative = false;
  if (bytes[i] === MINUS || bytes[i] === PLUS) {
    negative = bytes[i] === MINUS;
    i++;
  }
  let mantissa = 0;
  let fractionDigits = 0;
  let digits = 0;
  let seenDot = false;
  for (; i < end; i++) {
    const byte = bytes[i] as number;
    if (byte >= DIGIT_0 && byte <= DIGIT_9) {
      mantissa = mantissa * 10 + (byte - DIGIT_0);
      digits++;
      if (seenDot) fractionDigits++;
    } else if (byte === DOT && !seenDot) {
      seenDot = true;
    } else {
      return slowParse(bytes, start, end);
    }
  }
  if (digits === 0) return Number.NaN;
  if (mantissa >= MAX_EXACT_MANTISSA || fractionDigits >= EXACT_POWERS_OF_TEN.length) {
    return slowParse(bytes, start, end);
  }
  const value = mantissa / (EXACT_POWERS_OF_TEN[fractionDigits] as number);
  return negative ? -value : value;
}

function slowParse(bytes: Uint8Array, start: number, end: number): number {
  const text = new TextDecoder().decode(bytes.subarray(start, end));
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return Number.NaN;
  return Number(text);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a, 0);
  joined.set(b, a.length);
  return joined;
}
