import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FeatureEngine } from './feature-engine.ts';
import { FEATURE_NAMES } from './feature-names.ts';

describe('features/README.md', () => {
  it('lists every feature, in vector order, with the warm-up the engine derives for the defaults', () => {
    const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `([a-z0-9_]+)`\s*\|.*\|\s*(\d+)\s*\|$/gm)].map((match) => ({
      name: match[1],
      warmup: Number(match[2]),
    }));
    const engine = new FeatureEngine({ symbols: ['ETH-USDT'] });
    expect(rows).toEqual(FEATURE_NAMES.map((name) => ({ name, warmup: engine.featureWarmups[name] })));
    expect(readme).toContain(`(${engine.warmupCandles} with the defaults`);
  });
});
