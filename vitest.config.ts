import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@selur/compose/vitest': src('./packages/compose/src/vitest.ts'),
      '@selur/compose/otel': src('./packages/compose/src/otel.ts'),
      '@selur/compose-docker/engine': src('./packages/docker/src/engine.ts'),
      '@selur/compose-docker': src('./packages/docker/src/index.ts'),
      '@selur/compose-swarm': src('./packages/swarm/src/index.ts'),
      '@selur/compose-selur': src('./packages/selur/src/index.ts'),
      '@selur/compose-kubernetes': src('./packages/kubernetes/src/index.ts'),
      '@selur/compose': src('./packages/compose/src/index.ts'),
    },
  },
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          include: ['packages/compose/src/**/*.test.ts', 'packages/compose/test/**/*.test.ts', 'packages/cli/src/**/*.test.ts', 'examples/**/*.test.ts'],
          // fails the run when a test leaves service processes running
          globalSetup: ['packages/compose/test/support/leak-guard.ts'],
        },
      },
      {
        extends: true,
        test: {
          // The selur stack: ct drivers, Svalinn and Vörðr clients against in-process servers, selurRuntime.
          name: 'selur',
          include: ['packages/selur/src/**/*.test.ts', 'packages/selur/test/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          // The built selur-compose binary as a subprocess (global setup builds it first).
          name: 'cli',
          include: ['packages/cli/test/**/*.test.ts'],
          globalSetup: ['packages/cli/test/global-setup.ts', 'packages/compose/test/support/leak-guard.ts'],
        },
      },
      {
        extends: true,
        test: {
          // Real containers: the global setup FAILS (never skips) when no Docker engine answers.
          name: 'docker',
          include: ['packages/docker/src/**/*.test.ts', 'packages/docker/test/**/*.test.ts'],
          globalSetup: ['packages/docker/test/global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          // The Swarm runtime's mapping (pure). Its real suite (packages/swarm/test) needs an engine in
          // Swarm mode and runs apart: vitest.swarm.config.ts, through scripts/swarm-suite.mjs.
          name: 'swarm',
          include: ['packages/swarm/src/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          // Manifests, schema validation, a fake API server on 127.0.0.1, and a real `podman kube
          // play` run: the podman test FAILS (never skips) when podman is missing.
          name: 'kubernetes',
          include: ['packages/kubernetes/src/**/*.test.ts', 'packages/kubernetes/test/**/*.test.ts'],
        },
      },
    ],
  },
});
