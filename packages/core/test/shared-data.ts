/**
 * Where tests and benchmarks find the real market data: `../shared/data` beside the repository (never copied into
 * it), or KEEL_DATA_DIR.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export const sharedDataDir = process.env.KEEL_DATA_DIR ?? join(repoRoot, '..', 'shared', 'data');

export function hasSharedData(): boolean {
  return existsSync(join(sharedDataDir, 'BTC-USDT_1h.csv'));
}

export function dataFile(name: string): string {
  return join(sharedDataDir, name);
}
