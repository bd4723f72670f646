/**
 * The `selur-compose` executable: turns on the compile cache (compile-cache.ts), then loads the
 * CLI (run.ts), so that every module after this small one, the CLI's and the SDK's, is compiled
 * from V8's cache when there is one (the command's own: see cache-profile.ts).
 *
 * dist/cli.js starts with a launcher (see tsup.config.ts) that runs Node with `--` before this
 * script, so Node reads none of the CLI's options (`--env-file` above all). dist/ is CommonJS
 * (a CommonJS main module starts ~20 ms sooner than an ES module, and Node 20's cache below works
 * on CommonJS modules only).
 */
import { createRequire } from 'node:module';
import { cacheProfile } from './cache-profile.js';
import { enableCompileCache } from './compile-cache.js';

// one cache folder per command (cache-profile.ts): each holds the code its command runs
enableCompileCache(process.env, cacheProfile(process.argv.slice(2)));
// not a static import: that would bundle run.ts into this file, compiled before the cache is on
createRequire(import.meta.url)('./run.js');
