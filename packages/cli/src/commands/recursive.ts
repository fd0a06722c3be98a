import { checkFeaturesRecursive, checkIndicatorsRecursive, type RecursiveRow } from '@keel/core/bias/recursive.ts';
import { loadCandlesCsv } from '@keel/core/market/csv.ts';
import { type Command, numberOption, requiredString, UsageError } from '../command.ts';

function offsetsOption(raw: unknown): number[] | undefined {
  if (raw === undefined) return undefined;
  const offsets = String(raw).split(',').map(Number);
  if (offsets.some((n) => !Number.isInteger(n) || n < 1))
    throw new UsageError('--offsets must be whole numbers ≥ 1, comma separated');
  return offsets;
}

export function recursiveTable(rows: RecursiveRow[]): string {
  const lines = [['output', 'warm-up', 'compared', 'max rel. diff', 'verdict']];
  for (const row of rows) {
    lines.push([
      row.name,
      Number.isFinite(row.warmup) ? String(row.warmup) : '∞',
      String(row.comparedValues),
      row.skipped ? '–' : row.maxRelativeDifference.toExponential(1),
      row.skipped
        ? `skipped (${row.skipped})`
        : row.firstDisagreement
          ? `DIFFERS at index ${row.firstDisagreement.index}`
          : 'ok',
    ]);
  }
  const widths = (lines[0] as string[]).map((_, i) => Math.max(...lines.map((l) => (l[i] as string).length)));
  return lines.map((l) => l.map((cell, i) => cell.padEnd(widths[i] as number)).join('  ')).join('\n');
}

export const recursiveCommand: Command = {
  name: 'recursive',
  summary: 'recursive-formula check: indicators and features from different history lengths agree after their warm-up',
  usage: '--csv FILE [--offsets N,N,…] [--tolerance 1e-6]',
  options: {
    csv: { type: 'string', valueName: 'FILE', description: 'candle CSV' },
    offsets: {
      type: 'string',
      valueName: 'N,N,…',
      description: 'start offsets (default: 4 spread over the first half)',
    },
    tolerance: { type: 'string', valueName: 'X', default: '1e-6', description: 'largest accepted relative difference' },
  },
  details: `
Each output is computed once on the whole file and once starting at each offset; after its declared warm-up the
two must agree within the tolerance. Exit status 1 when any output differs.`,
  run(values) {
    const series = loadCandlesCsv(requiredString(values, 'csv'));
    const startOffsets = offsetsOption(values.offsets);
    const options = {
      tolerance: numberOption(values, 'tolerance', { min: 0 }),
      ...(startOffsets ? { startOffsets } : {}),
    };
    const indicators = checkIndicatorsRecursive(series, options);
    const features = checkFeaturesRecursive(series, options);
    console.log(`Indicators\n${recursiveTable(indicators)}\n\nFeatures\n${recursiveTable(features)}`);
    return [...indicators, ...features].some((row) => row.firstDisagreement !== null) ? 1 : 0;
  },
};
