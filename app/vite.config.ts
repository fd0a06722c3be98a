import adapter from '@sveltejs/adapter-node';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [
    sveltekit({
      // KEEL_APP_OUT: build elsewhere than app/build (the benchmark does, not to disturb a server running from it).
      adapter: adapter({ out: process.env.KEEL_APP_OUT ?? 'build' }),
      compilerOptions: { runes: true },
    }),
  ],
});
