/**
 * A progress bar for long commands, on stderr so stdout stays the result. On a terminal it redraws one line in
 * place; elsewhere (a log file, CI) it prints a plain line every tenth of the way, so logs stay readable.
 */
const BAR_WIDTH = 30;
const LOG_EVERY = 0.1;

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): boolean;
}

export class ProgressBar {
  private readonly stream: ProgressStream;
  private readonly total: number;
  private nextLoggedFraction = LOG_EVERY;

  constructor(total: number, stream: ProgressStream = process.stderr) {
    this.total = total;
    this.stream = stream;
  }

  /** Shows `done` of the total, with `detail` (e.g. a rate) after the count. */
  update(done: number, detail: string): void {
    const fraction = Math.min(1, done / this.total);
    const count = `${done.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')}`;
    if (this.stream.isTTY) {
      const filled = Math.round(fraction * BAR_WIDTH);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
      this.stream.write(`\r${bar} ${(fraction * 100).toFixed(0).padStart(3)}% ${count} ${detail}\x1b[K`);
      return;
    }
    if (fraction + 1e-9 >= this.nextLoggedFraction || fraction === 1) {
      this.stream.write(`${(fraction * 100).toFixed(0)}% ${count} ${detail}\n`);
      while (this.nextLoggedFraction <= fraction + 1e-9) this.nextLoggedFraction += LOG_EVERY;
    }
  }

  /** Ends the bar's line on a terminal. */
  finish(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
