import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'edge/**/*.test.ts',
      'worker/test/**/*.test.ts',
      'app/src/**/*.test.ts',
      'app/e2e/**/*.test.ts',
      'supabase/functions/**/*.test.ts',
      'deploy/**/*.test.ts',
    ],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
