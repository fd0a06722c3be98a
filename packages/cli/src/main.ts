#!/usr/bin/env node
/**
 * `keel`: Keel's command-line tool (`npm run keel -- <command>`). Every command answers `--help`.
 * Failures print one clear line (a CSV error names file:line) and exit non-zero; no stack traces for user errors.
 */
import { BacktestError } from '@keel/core/backtest/engine.ts';
import { CsvError } from '@keel/core/market/csv.ts';
import { ResampleError } from '@keel/core/market/resample.ts';
import { ModelError } from '@keel/core/ppo/model-error.ts';
import { EnvironmentOptionsError } from '@keel/core/ppo/trading-environment.ts';
import { TrainingDataError } from '@keel/core/ppo/training-data.ts';
import { TrainingError } from '@keel/core/ppo/training-error.ts';
import { StrategyOptionsError } from '@keel/core/strategy/sma-cross.ts';
import { DatabaseError, DataDirLockedError, KeyringError, MigrationError } from '@keel/db';
import { type Command, helpText, runCommand, UsageError } from './command.ts';
import { backtestCommand } from './commands/backtest.ts';
import { dbCommand } from './commands/db.ts';
import { demoCommand } from './commands/demo.ts';
import { evaluateCommand } from './commands/evaluate.ts';
import { indicatorsCommand } from './commands/indicators.ts';
import { keysCommand } from './commands/keys.ts';
import { lookaheadCommand } from './commands/lookahead.ts';
import { recursiveCommand } from './commands/recursive.ts';
import { startCommand } from './commands/start.ts';
import { trainCommand } from './commands/train.ts';

const commands: Command[] = [
  startCommand,
  demoCommand,
  backtestCommand,
  trainCommand,
  evaluateCommand,
  indicatorsCommand,
  lookaheadCommand,
  recursiveCommand,
  dbCommand,
  keysCommand,
];

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'keel — AI-driven crypto trading: backtests, bias checks and the trading platform',
    '',
    'Usage: keel <command> [options]     (from the repository: npm run keel -- <command> [options])',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Run `keel <command> --help` for a command’s options.',
  ].join('\n');
}

/** Errors a user can fix (bad input, bad options): shown as one line, without a stack trace. */
const USER_ERRORS = [
  CsvError,
  ResampleError,
  BacktestError,
  StrategyOptionsError,
  DatabaseError,
  MigrationError,
  KeyringError,
  DataDirLockedError,
  ModelError,
  TrainingError,
  TrainingDataError,
  EnvironmentOptionsError,
];

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = commands.find((c) => c.name === rest[0]);
    console.log(topic ? helpText(topic) : overview());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`keel: unknown command "${name}". Commands: ${commands.map((c) => c.name).join(', ')}`);
    return 2;
  }
  try {
    return await runCommand(command, rest);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`keel ${name}: ${error.message}\nRun \`keel ${name} --help\` for usage.`);
      return 2;
    }
    if (USER_ERRORS.some((type) => error instanceof type)) {
      console.error(`keel ${name}: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
