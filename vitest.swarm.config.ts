import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/**
 * The real Swarm suite (packages/swarm/test): it needs an engine in Swarm mode, which only
 * `scripts/swarm-suite.mjs` sets up (and always leaves afterwards). Never part of the default
 * `vitest run`; `pnpm test` runs it after the main suite through that script.
 */
export default defineConfig({
  resolve: base.resolve,
  test: {
    name: 'swarm-real',
    include: ['packages/swarm/test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    // The CLI step runs the built binary: build the packages first, as the CLI suite does.
    globalSetup: ['packages/cli/test/global-setup.ts'],
  },
});
