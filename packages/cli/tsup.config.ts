import { defineConfig } from 'tsup';

/** The first two lines of dist/cli.js: a shell script to the shell, a string and a comment to JavaScript. */
const LAUNCHER = '#!/bin/sh\n":" //; exec node -- "$0" "$@"';

export default defineConfig({
  entry: { cli: 'src/cli.ts' },
  format: ['esm'],
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
  external: ['@selur/compose', '@selur/compose-docker', '@selur/compose-kubernetes', '@selur/compose-selur', '@selur/compose-swarm'],
});
