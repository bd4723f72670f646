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
    // The CJS build gets import.meta.url from tsup's shims.
    library = createRequire(import.meta.url)('yaml') as typeof Yaml;
  }
  return library;
}
