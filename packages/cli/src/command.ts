/**
 * The shape every `keel` command has: its own options, its own `--help`, and one `run`. Options are parsed with
 * node:util parseArgs in strict mode, so a misspelt flag is an error, never silently ignored.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { description: string; valueName?: string };

export interface Command {
  name: string;
  summary: string;
  /** Usage line after `keel <name>`, e.g. `--csv FILE [--out FILE]`. */
  usage: string;
  options: Record<string, OptionSpec>;
  /** Text after the option list: details, examples. */
  details?: string;
  allowPositionals?: boolean;
  run(values: Record<string, unknown>, positionals: string[]): Promise<number> | number;
}

/** A mistake in how the command was called: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function helpText(command: Command): string {
  const lines = [`keel ${command.name} — ${command.summary}`, '', `Usage: keel ${command.name} ${command.usage}`, ''];
  const entries = Object.entries({ ...command.options, help: helpOption });
  const labels = entries.map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '    ';
    const value = spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : '';
    return `  ${short}--${name}${value}`;
  });
  const width = Math.max(...labels.map((label) => label.length)) + 2;
  entries.forEach(([, spec], i) => {
    const shownDefault = spec.default !== undefined && spec.type === 'string' ? ` (default ${spec.default})` : '';
    lines.push(`${(labels[i] as string).padEnd(width)}${spec.description}${shownDefault}`);
  });
  if (command.details) lines.push('', command.details.trim());
  return lines.join('\n');
}

const helpOption: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

export async function runCommand(command: Command, args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: { ...command.options, help: helpOption },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (parsed.values.help) {
    console.log(helpText(command));
    return 0;
  }
  return command.run(parsed.values as Record<string, unknown>, parsed.positionals);
}

/** Reads a numeric option, refusing anything that is not a finite number within bounds. */
export function numberOption(
  values: Record<string, unknown>,
  name: string,
  bounds: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const raw = values[name];
  const value = typeof raw === 'string' ? Number(raw) : Number.NaN;
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value)) {
    throw new UsageError(`--${name} must be a number, got ${JSON.stringify(raw)}`);
  }
  if (bounds.integer && !Number.isInteger(value)) throw new UsageError(`--${name} must be a whole number, got ${raw}`);
  if (bounds.min !== undefined && value < bounds.min) throw new UsageError(`--${name} must be at least ${bounds.min}`);
  if (bounds.max !== undefined && value > bounds.max) throw new UsageError(`--${name} must be at most ${bounds.max}`);
  return value;
}

export function requiredString(values: Record<string, unknown>, name: string): string {
  const raw = values[name];
  if (typeof raw !== 'string' || raw === '') throw new UsageError(`--${name} is required`);
  return raw;
}

export function requiredStrings(values: Record<string, unknown>, name: string): string[] {
  const raw = values[name];
  const list = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  if (list.length === 0) throw new UsageError(`--${name} is required`);
  return list;
}
