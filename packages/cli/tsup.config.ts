import { writeFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

/** The first two lines of dist/cli.js: a shell script to the shell, a string and a comment to JavaScript. */
const LAUNCHER = '#!/bin/sh\n":" //; exec node -- "$0" "$@"';

export default defineConfig({
  // cli.js turns the compile cache on, then requires run.js (the CLI): see src/cli.ts.
  entry: { cli: 'src/cli.ts', run: 'src/run.ts' },
  // CommonJS: a CommonJS main module starts ~20 ms sooner than an ES module, Node 20's compile
  // cache (src/compile-cache.ts) covers CommonJS modules only, and `require('@selur/compose')`
  // loads the SDK's CommonJS build, one file. Files keep the `.js` name (bin, docs and benches
  // name dist/cli.js): dist/package.json says they are CommonJS in this `"type": "module"` package.
  format: ['cjs'],
  outExtension: () => ({ js: '.js' }),
  // import.meta.url in CommonJS: the file's own URL
  shims: true,
  // `import()` of a package becomes a `require` too: the runtime packages and the OpenTelemetry
  // ones load their CommonJS builds, which share the SDK's CommonJS build with the CLI (an ES
  // module build would load a second copy of the SDK, its own error classes and all).
  esbuildOptions(options) {
    options.supported = { ...options.supported, 'dynamic-import': false };
  },
  dts: false,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  // The launcher: Node 20 reads `--env-file` anywhere on its command line, even after the script
  // (`node cli.js up --env-file x` fails with exit 9 or loads x into process.env), and so does a
  // `#!/usr/bin/env node` shebang. So the file starts as a shell script that runs Node with `--`
  // before the script (Node reads no option after it), then is the CLI itself: to JavaScript the
  // second line is a string and a comment. `$0` is the path the file was run by (a symlink in
  // node_modules/.bin too: Node resolves it). See test/launcher.test.ts.
  banner: { js: LAUNCHER },
  onSuccess: () => writeFile('dist/package.json', '{ "type": "commonjs" }\n'),
  external: ['@selur/compose', '@selur/compose-docker', '@selur/compose-kubernetes', '@selur/compose-selur', '@selur/compose-swarm'],
});
