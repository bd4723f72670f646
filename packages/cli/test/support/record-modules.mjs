// Preloaded into the CLI under test with `NODE_OPTIONS=--import <this file>`: registers a resolve hook
// that appends every module URL the process resolves (ESM imports, static and dynamic, and the
// `require`s made through the ESM loader) to the file named by SELUR_RECORD_MODULES, one per line.
import { register } from 'node:module';

const file = process.env.SELUR_RECORD_MODULES;
if (file) register('./record-modules-hooks.mjs', import.meta.url, { data: { file } });
