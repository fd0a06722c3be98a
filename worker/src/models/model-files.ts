/**
 * PPO models on disk. A models directory holds one subdirectory per trained version (model.json, weights.bin,
 * manifest.json) and a CURRENT file naming the promoted version. `loadModel` accepts either a version directory or
 * a models directory (then it loads CURRENT's version), and refuses a missing, corrupt or mismatched model with a
 * ModelError; the bot then falls back to the rule agents (loadPpoAgentOrFallback says so in the log).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEATURE_NAMES } from '@keel/core/features/feature-names.ts';
import { decodeModel, MODEL_FILES, type ModelFiles, type PpoModel } from '@keel/core/ppo/model-artifacts.ts';
import { ModelError } from '@keel/core/ppo/model-error.ts';
import { ppoAgent } from '@keel/core/ppo/ppo-agent.ts';
import type { StrategyFactory } from '@keel/core/strategy/types.ts';
import type { Logger } from '../logger.ts';

/** In a models directory: the name of the promoted version. */
export const CURRENT_FILE = 'CURRENT';

/** The version directory `dir` designates: itself, or the one its CURRENT file names. */
export function resolveModelDir(dir: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ModelError(`model directory ${dir} does not exist`);
  const current = join(dir, CURRENT_FILE);
  if (existsSync(join(dir, MODEL_FILES.manifest)) || !existsSync(current)) return dir;
  const version = readFileSync(current, 'utf8').trim();
  if (version === '' || version.includes('/') || version.includes('..')) {
    throw new ModelError(`${current} does not name a model version (found ${JSON.stringify(version)})`);
  }
  return join(dir, version);
}

export function readModelFiles(dir: string): ModelFiles {
  const versionDir = resolveModelDir(dir);
  if (
    versionDir === dir &&
    !existsSync(join(dir, MODEL_FILES.manifest)) &&
    !existsSync(join(dir, MODEL_FILES.topology))
  ) {
    throw new ModelError(
      `${dir} is neither a model version (no ${MODEL_FILES.manifest}) nor a models directory with a promoted model (no ${CURRENT_FILE}); train one with \`keel train --out ${dir}\``,
    );
  }
  const read = (name: string): Buffer => {
    const path = join(versionDir, name);
    if (!existsSync(path)) throw new ModelError(`model directory ${versionDir} has no ${name}`);
    return readFileSync(path);
  };
  return {
    manifest: read(MODEL_FILES.manifest).toString('utf8'),
    topology: read(MODEL_FILES.topology).toString('utf8'),
    weights: new Uint8Array(read(MODEL_FILES.weights)),
  };
}

/** The model in `dir`, checked against this build's feature engine; throws ModelError with the directory named. */
export function loadModel(dir: string): PpoModel {
  const files = readModelFiles(dir);
  try {
    return decodeModel(files, FEATURE_NAMES);
  } catch (error) {
    if (error instanceof ModelError) throw new ModelError(`${resolveModelDir(dir)}: ${error.message}`);
    throw error;
  }
}

/** Writes a model version into `modelsDir/version` (created; an existing version is never overwritten). */
export function writeModelVersion(modelsDir: string, version: string, files: ModelFiles): string {
  if (existsSync(modelsDir) && !statSync(modelsDir).isDirectory()) {
    throw new ModelError(`${modelsDir} is a file, not a models directory`);
  }
  const versionDir = join(modelsDir, version);
  if (existsSync(versionDir)) throw new ModelError(`model version ${versionDir} already exists`);
  mkdirSync(versionDir, { recursive: true });
  writeFileSync(join(versionDir, MODEL_FILES.topology), files.topology);
  writeFileSync(join(versionDir, MODEL_FILES.weights), files.weights);
  writeFileSync(join(versionDir, MODEL_FILES.manifest), files.manifest);
  return versionDir;
}

/** Makes `version` the one `loadModel(modelsDir)` loads; the file is replaced atomically. */
export function promoteModelVersion(modelsDir: string, version: string): void {
  const temporary = join(modelsDir, `${CURRENT_FILE}.tmp`);
  writeFileSync(temporary, `${version}\n`);
  renameSync(temporary, join(modelsDir, CURRENT_FILE));
}

/** The promoted model in `modelsDir`, or null when it has none yet. */
export function currentModelDir(modelsDir: string): string | null {
  return existsSync(join(modelsDir, CURRENT_FILE)) ? resolveModelDir(modelsDir) : null;
}

/**
 * The PPO agent of the model in `dir`, or — when the model is missing, corrupt or made for other features — the
 * fallback (the rule agents), with a warning that says why.
 */
export function loadPpoAgentOrFallback(dir: string, fallback: StrategyFactory, logger: Logger): StrategyFactory {
  try {
    return ppoAgent(loadModel(dir));
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    logger.warn({ modelDir: dir, reason: error.message }, 'PPO model refused; falling back to the rule agents');
    return fallback;
  }
}
