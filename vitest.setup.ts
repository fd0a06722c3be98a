/**
 * Property tests explore new random cases on every developer run; CI sets FAST_CHECK_SEED so its runs are
 * reproducible (a failure there replays exactly with the same seed locally).
 */
import fc from 'fast-check';

const seed = process.env.FAST_CHECK_SEED;
if (seed !== undefined && seed !== '') fc.configureGlobal({ seed: Number(seed) });
