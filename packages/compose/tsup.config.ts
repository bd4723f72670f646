import { copyFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';

/**
 * Files the bundle reads at run time: the process runtime's zygote (Perl) and spawner thread
 * (CommonJS), and the compose schema validator compiled ahead of time (scripts/gen-validator.mjs,
 * loaded by src/spec/schema-validator.ts). The runtime finds them beside the module that reads them
 * (src/adapters/process/spawn/helper-source.ts, through `import.meta.url`), so they are copied
 * next to the bundle.
 */
export const runtimeFiles = ['src/adapters/process/spawn/zygote.pl', 'src/adapters/process/spawn/spawn-worker.cjs', 'src/spec/compose-validator.cjs'];

/** Copies {@link runtimeFiles} into `outDir` (a path relative to this package, or absolute). */
export async function copyRuntimeFiles(outDir: string): Promise<void> {
  const from = (file: string) => fileURLToPath(new URL(file, import.meta.url));
  const to = outDir.startsWith('/') ? outDir : from(`${outDir}/`);
  await Promise.all(runtimeFiles.map((file) => copyFile(from(file), `${to.replace(/\/$/, '')}/${basename(file)}`)));
}

export default defineConfig({
  entry: { index: 'src/index.ts', vitest: 'src/vitest.ts', otel: 'src/otel.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  external: ['vitest', '@opentelemetry/api'],
  // The CommonJS build has no import.meta.url: tsup's shim gives it the bundle's own file URL.
  shims: true,
  onSuccess: () => copyRuntimeFiles('dist'),
});
