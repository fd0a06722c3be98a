/** Where the candle CSVs are: KEEL_DATA_DIR, else ../shared/data beside the repository. */
import { resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..');

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KEEL_DATA_DIR || resolve(REPO_ROOT, '..', 'shared', 'data');
}
