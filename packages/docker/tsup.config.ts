import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', engine: 'src/engine.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  external: ['@selur/compose'],
});
