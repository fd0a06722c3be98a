import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { chooseTfBackend } from './tf-backend.ts';

describe('chooseTfBackend', () => {
  it('initialises the best available backend once and says which (never the slow cpu fallback here)', async () => {
    const chosen = await chooseTfBackend();
    expect(tf.getBackend()).toBe(chosen);
    expect(['tensorflow', 'wasm']).toContain(chosen);
    expect(await chooseTfBackend()).toBe(chosen);
  });
});
