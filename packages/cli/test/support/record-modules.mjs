// Preloaded into the CLI under test with `NODE_OPTIONS=--import <this file>`: records every module
// the process resolves to the file named by SELUR_RECORD_MODULES, one URL per line (`node:<name>`
// for a built-in): through a resolve hook of the ES module loader (static and dynamic imports),
// and through CommonJS's resolver (every `require`: the built CLI is CommonJS).
import { appendFileSync } from 'node:fs';
import Module, { isBuiltin, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.env.SELUR_RECORD_MODULES;
if (file) {
  register('./record-modules-hooks.mjs', import.meta.url, { data: { file } });
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    const resolved = resolveFilename.call(this, request, ...rest);
    appendFileSync(file, `${isBuiltin(resolved) ? (resolved.startsWith('node:') ? resolved : `node:${resolved}`) : pathToFileURL(resolved).href}\n`);
    return resolved;
  };
  // Node loads a `node:` built-in before it would resolve anything
  const load = Module._load;
  Module._load = function (request, ...rest) {
    if (typeof request === 'string' && request.startsWith('node:')) appendFileSync(file, `${request}\n`);
    return load.call(this, request, ...rest);
  };
}
