import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  external: ['@selur/compose'],
  // ky is ES-module only: the CommonJS build's `require("ky")` (require(esm), Node >= 20.19) gave
  // esbuild's interop the namespace as `default`, so `ky.create` was undefined for every CommonJS
  // consumer (the CLI among them). Bundled, both builds get ky's own code.
  noExternal: ['ky'],
});
