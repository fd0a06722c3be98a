/**
 * Line-protocol points the time-series store refused (it was down), kept on disk until it is back: appended in
 * order and fsync'd per batch, so a worker crash during an outage loses nothing that was handed to the buffer.
 * Bounded: a batch that would take the file past `maxBytes` is refused (the caller logs and counts it) rather
 * than filling the disk the trading database may share.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

export class DiskPointBuffer {
  readonly path: string;
  readonly maxBytes: number;

  constructor(path: string, maxBytes: number) {
    this.path = path;
    this.maxBytes = maxBytes;
    mkdirSync(dirname(path), { recursive: true });
  }

  get sizeBytes(): number {
    return existsSync(this.path) ? statSync(this.path).size : 0;
  }

  get isEmpty(): boolean {
    return this.sizeBytes === 0;
  }

  /** Appends the lines durably; false (nothing written) when they do not fit under maxBytes. */
  append(lines: readonly string[]): boolean {
    if (lines.length === 0) return true;
    const text = `${lines.join('\n')}\n`;
    if (this.sizeBytes + Buffer.byteLength(text) > this.maxBytes) return false;
    const fd = openSync(this.path, 'a');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return true;
  }

  /** Every buffered line, oldest first. */
  lines(): string[] {
    if (this.isEmpty) return [];
    return readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
  }

  /** Atomically replaces the buffer with `lines` (what is still unsent after a partial replay); [] empties it. */
  replaceWith(lines: readonly string[]): void {
    const next = `${this.path}.next`;
    const fd = openSync(next, 'w');
    try {
      if (lines.length > 0) writeSync(fd, `${lines.join('\n')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(next, this.path);
  }
}
