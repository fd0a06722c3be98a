/**
 * Compiles talib-oracle.c against the TA-Lib C sources shipped in the npm package `talib` (only its
 * sources are used: its install script, which would build a Node addon, is not approved) and caches the
 * binary under node_modules/.cache/keel/talib-oracle/<hash of the sources>/, so the ~2 s compile runs
 * once per change of the harness or of TA-Lib.
 *
 * Run directly (`node packages/core/test/oracle/build-oracle.ts`) to build and print the binary's path.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** A failure to produce the oracle binary, with what to do about it. */
export class OracleBuildError extends Error {
  override name = 'OracleBuildError';
}

const HARNESS_SOURCE = path.join(import.meta.dirname, 'talib-oracle.c');

/**
 * The ta_func sources the oracle links: one per function it calls, plus what those call in turn.
 * TA_BBANDS and TA_STOCH go through TA_MA, whose switch over every moving-average type pulls in
 * DEMA, TEMA, WMA, TRIMA, KAMA, MAMA and T3 even though only SMA is used; TA_STDDEV and TA_VAR supply
 * BBANDS' deviation; TA_TRANGE supplies ATR's true range; ta_utility.c holds the shared globals.
 */
const TA_FUNC_SOURCES = [
  'ta_SMA.c',
  'ta_EMA.c',
  'ta_RSI.c',
  'ta_MACD.c',
  'ta_BBANDS.c',
  'ta_MA.c',
  'ta_DEMA.c',
  'ta_TEMA.c',
  'ta_WMA.c',
  'ta_TRIMA.c',
  'ta_KAMA.c',
  'ta_MAMA.c',
  'ta_T3.c',
  'ta_STDDEV.c',
  'ta_VAR.c',
  'ta_ATR.c',
  'ta_TRANGE.c',
  'ta_STOCH.c',
  'ta_ADX.c',
  'ta_OBV.c',
  'ta_MFI.c',
  'ta_CCI.c',
  'ta_WILLR.c',
  'ta_ROC.c',
  'ta_utility.c',
] as const;

const TA_COMMON_SOURCES = ['ta_global.c', 'ta_retcode.c', 'ta_version.c'] as const;

/** -w: TA-Lib's generated sources warn a lot, and none of it is ours to fix. */
const COMPILER_FLAGS = ['-O2', '-w'] as const;

const BINARY_NAME = 'talib-oracle';

export interface BuildOracleOptions {
  /** Directory of the npm package `talib`; default: resolved from this file like an import would. */
  talibDir?: string;
  /** Where cached binaries live; default: node_modules/.cache/keel/talib-oracle beside that package. */
  cacheDir?: string;
  /** C compiler command; default: $CC, else the first of `cc`, `gcc` that runs. */
  compiler?: string;
}

/** Builds the oracle if no binary for the current sources is cached, and returns the binary's path. */
export function buildTalibOracle(options: BuildOracleOptions = {}): string {
  const talibDir = options.talibDir ?? locateTalibPackage();
  const libDir = path.join(talibDir, 'src', 'lib');
  const sources = [
    HARNESS_SOURCE,
    ...TA_FUNC_SOURCES.map((file) => path.join(libDir, 'src', 'ta_func', file)),
    ...TA_COMMON_SOURCES.map((file) => path.join(libDir, 'src', 'ta_common', file)),
  ];
  for (const source of sources) {
    if (!existsSync(source)) {
      throw new OracleBuildError(`TA-Lib source missing: ${source} (reinstall devDependencies: npm install)`);
    }
  }
  const nodeModulesDir = path.dirname(talibDir);
  const cacheDir = options.cacheDir ?? path.join(nodeModulesDir, '.cache', 'keel', BINARY_NAME);
  // The package.json stands in for the headers: they only change with talib's version.
  const binary = path.join(cacheDir, hashFiles([path.join(talibDir, 'package.json'), ...sources]), BINARY_NAME);
  if (existsSync(binary)) return binary;

  const compiler = options.compiler ?? findCompiler();
  mkdirSync(path.dirname(binary), { recursive: true });
  // Compile beside the final path and rename, so parallel test workers never run a half-written binary.
  const partial = `${binary}.${process.pid}.partial`;
  const includeDirs = ['include', 'src/ta_common', 'src/ta_func'].flatMap((dir) => ['-I', path.join(libDir, dir)]);
  try {
    execFileSync(compiler, [...COMPILER_FLAGS, ...includeDirs, ...sources, '-lm', '-o', partial], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    rmSync(partial, { force: true });
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? String(error);
    throw new OracleBuildError(`compiling the TA-Lib oracle with ${compiler} failed:\n${stderr}`);
  }
  renameSync(partial, binary);
  return binary;
}

function locateTalibPackage(): string {
  // Walk the node_modules folders an import from here would search; talib's "exports" hides package.json.
  const searched = createRequire(import.meta.url).resolve.paths('talib') ?? [];
  for (const nodeModules of searched) {
    const candidate = path.join(nodeModules, 'talib');
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
  }
  throw new OracleBuildError('the npm package `talib` is not installed: run `npm install` at the repository root');
}

function findCompiler(): string {
  const candidates = process.env.CC ? [process.env.CC] : ['cc', 'gcc'];
  for (const candidate of candidates) {
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not installed: try the next one
    }
  }
  throw new OracleBuildError(
    `no C compiler found (tried ${candidates.join(', ')}); the TA-Lib oracle needs one: apt-get install gcc`,
  );
}

function hashFiles(files: readonly string[]): string {
  const hash = createHash('sha256');
  hash.update(COMPILER_FLAGS.join(' '));
  for (const file of files) {
    hash.update(path.basename(file));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 16);
}

if (import.meta.main) {
  console.log(buildTalibOracle());
}
