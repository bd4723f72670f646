import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

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

/**
 * Rewrites every non-ASCII character of the JavaScript files in `outDir` as a `\\uXXXX` escape (a
 * surrogate pair above U+FFFF), valid wherever esbuild leaves one: comments, string and regular
 * expression literals. Node reads a file with any character above U+00FF (an em dash in a comment)
 * as a two-byte string, slower to decode and to parse at every start; esbuild's `charset: 'ascii'`
 * leaves comments and regular expressions as they are. (Columns after such a character on its line
 * shift in the source map: comments, mostly.)
 */
export async function asciiOnly(outDir: string): Promise<void> {
  const names = (await readdir(outDir)).filter((name) => /\.c?js$/.test(name));
  await Promise.all(
    names.map(async (name) => {
      const file = `${outDir}/${name}`;
      const text = await readFile(file, 'utf8');
      if (/^[\x00-\x7f]*$/.test(text)) return;
      await writeFile(file, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
    }),
  );
}

/** Resolves the SDK's imports of `node:crypto` to build/lazy-crypto.ts (crypto loaded at first use). */
const lazyCrypto: Plugin = {
  name: 'lazy-node-crypto',
  setup(build) {
    const shim = fileURLToPath(new URL('build/lazy-crypto.ts', import.meta.url));
    build.onResolve({ filter: /^(node:)?crypto$/ }, (args) => (args.importer === shim ? undefined : { path: shim }));
  },
};

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
  splitting: true,
  esbuildPlugins: [lazyCrypto],
  // tsup's own plugin would strip `node:` and mark the built-ins external before lazyCrypto sees them
  removeNodeProtocol: false,
  onSuccess: async () => {
    await copyRuntimeFiles('dist');
    await asciiOnly('dist');
  },
});
