import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let library: typeof Yaml | undefined;

/**
 * @internal The `yaml` package, loaded the first time a YAML file is read or written. It is the
 * largest module the core depends on and most projects never need it, so `import('@selur/compose')`
 * does not pay for it. Synchronous (a `require`), because `parseProject` and `toYaml` are.
 */
export function yamlLibrary(): typeof Yaml {
  if (library === undefined) {
    // ESM: resolve from this module's URL; the CJS build has __filename (and no import.meta).
    const requireHere = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
    library = requireHere('yaml') as typeof Yaml;
  }
  return library;
}
