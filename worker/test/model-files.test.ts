import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEATURE_NAMES } from '@keel/core/features/feature-names.ts';
import { encodeModel } from '@keel/core/ppo/encode-model.ts';
import { MANIFEST_FORMAT, MANIFEST_FORMAT_VERSION, type ModelManifest } from '@keel/core/ppo/manifest.ts';
import type { ModelFiles } from '@keel/core/ppo/model-artifacts.ts';
import { ModelError } from '@keel/core/ppo/model-error.ts';
import { defaultNetworkShape, initialWeights } from '@keel/core/ppo/network-shape.ts';
import { featureInputScale } from '@keel/core/ppo/normalisation.ts';
import { PpoAgent } from '@keel/core/ppo/ppo-agent.ts';
import { SeededRandom } from '@keel/core/ppo/seeded-random.ts';
import { chooseTfBackend } from '@keel/core/ppo/tf-backend.ts';
import { smaCross } from '@keel/core/strategy/sma-cross.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import {
  CURRENT_FILE,
  currentModelDir,
  loadModel,
  loadPpoAgentOrFallback,
  promoteModelVersion,
  writeModelVersion,
} from '../src/models/model-files.ts';

const SCORE = { totalReturn: 0, sharpe: 0, maxDrawdown: 0, trades: 0, candles: 0 };

async function modelFiles(seed: number): Promise<ModelFiles> {
  const weights = initialWeights(defaultNetworkShape(), new SeededRandom(seed));
  const manifest: ModelManifest = {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_FORMAT_VERSION,
    version: `v${seed}`,
    createdAt: new Date(0).toISOString(),
    seed,
    features: [...FEATURE_NAMES],
    positionInputs: ['exposure'],
    normalisation: { method: 'divide-by-range-bound', scale: Array.from(featureInputScale()) },
    actions: { exposures: [0, 0.5, 1], labels: ['flat', 'half', 'full'], maxExposure: 1, rebalanceBand: 0.1 },
    network: { ...weights.shape, activation: 'tanh' },
    warmupCandles: 649,
    environment: { feeRate: 0.001, slippageBps: 5, maxExposure: 1, riskAversion: 0.5 },
    hyperParameters: {} as ModelManifest['hyperParameters'],
    trainWindows: [],
    validationWindows: [],
    training: { steps: 1, seconds: 1, stepsPerSecond: 1, backend: 'wasm', meanEpisodeReturn: 0, score: SCORE },
    validation: SCORE,
  };
  return encodeModel(weights, manifest);
}

describe('model files', () => {
  const root = mkdtempSync(join(tmpdir(), 'keel-models-'));
  let files: ModelFiles;
  beforeAll(async () => {
    await chooseTfBackend();
    files = await modelFiles(5);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes versions, loads the promoted one through CURRENT, and a version directly', async () => {
    const models = join(root, 'btc');
    expect(currentModelDir(models)).toBeNull();
    const first = writeModelVersion(models, 'v5', files);
    writeModelVersion(models, 'v6', await modelFiles(6));
    promoteModelVersion(models, 'v5');
    expect(readFileSync(join(models, CURRENT_FILE), 'utf8')).toBe('v5\n');
    expect(currentModelDir(models)).toBe(first);
    expect(loadModel(models).manifest.seed).toBe(5);
    expect(loadModel(join(models, 'v6')).manifest.seed).toBe(6);
    promoteModelVersion(models, 'v6');
    expect(loadModel(models).manifest.seed).toBe(6);
    expect(() => writeModelVersion(models, 'v5', files)).toThrow(/already exists/);
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    expect(() => writeModelVersion(file, 'v1', files)).toThrow(/a-file is a file, not a models directory/);
  });

  it('refuses a missing directory, a missing file and a CURRENT naming no version, saying which', () => {
    expect(() => loadModel(join(root, 'nowhere'))).toThrow(/model directory .*nowhere does not exist/);
    expect(() => loadModel(root)).toThrow(/is neither a model version \(no manifest.json\) nor a models directory/);
    const partial = writeModelVersion(root, 'partial', files);
    rmSync(join(partial, 'weights.bin'));
    expect(() => loadModel(partial)).toThrow(new RegExp(`${partial} has no weights.bin`));
    const dangling = join(root, 'dangling');
    writeModelVersion(dangling, 'v1', files);
    writeFileSync(join(dangling, CURRENT_FILE), '../../etc\n');
    expect(() => loadModel(dangling)).toThrow(/does not name a model version/);
  });

  it('names the directory of a corrupt model', () => {
    const corrupt = writeModelVersion(root, 'corrupt', { ...files, manifest: '{' });
    expect(() => loadModel(corrupt)).toThrow(ModelError);
    expect(() => loadModel(corrupt)).toThrow(new RegExp(`^${corrupt}: manifest.json is not valid JSON`));
  });

  it('gives the PPO agent for a good model, and falls back to the rule agents with a warning otherwise', () => {
    const lines: string[] = [];
    const logger = createLogger({ name: 'test', destination: { write: (line: string) => lines.push(line) } });
    const fallback = smaCross();
    const good = writeModelVersion(root, 'good', files);
    expect(loadPpoAgentOrFallback(good, fallback, logger)(['ETH-USDT'])).toBeInstanceOf(PpoAgent);
    expect(lines).toEqual([]);
    const wrongFeatures = writeModelVersion(root, 'wrong-features', {
      ...files,
      manifest: files.manifest.replace('"volume_z"', '"volume_zscore"'),
    });
    expect(loadPpoAgentOrFallback(wrongFeatures, fallback, logger)).toBe(fallback);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] as string);
    expect(line.msg).toBe('PPO model refused; falling back to the rule agents');
    expect(line.reason).toMatch(/another feature set .*"volume_zscore" in the model, "volume_z" in the engine/);
    expect(existsSync(wrongFeatures)).toBe(true);
  });
});
