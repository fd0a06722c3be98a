/** Prints benchmark results as an aligned table; every table names its baseline and the ratio against it. */
export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
      .join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(0)}/s`;
}

/** Best of `repeats` timed runs of `body` (after one warm-up run), in seconds: the least disturbed measurement. */
export function bestSeconds(repeats: number, body: () => void): number {
  body();
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeats; r++) {
    const started = performance.now();
    body();
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}

export function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}
