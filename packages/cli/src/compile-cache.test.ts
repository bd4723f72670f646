import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { compileCacheDirectory, enableCompileCache, installCompileCache, type CompileCache } from './compile-cache.js';

const root = mkdtempSync(join(tmpdir(), 'selur-compile-cache-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const require = createRequire(import.meta.url);
let installed: CompileCache | undefined;
afterEach(() => {
  installed?.uninstall();
  installed = undefined;
});

let count = 0;
/** A fresh CommonJS module (its own folder, so that nothing else is in its cache folder). */
function moduleFile(source: string): { file: string; cacheRoot: string } {
  const dir = mkdtempSync(join(root, `m${count++}-`));
  const file = join(dir, 'mod.cjs');
  writeFileSync(file, source);
  return { file, cacheRoot: join(dir, 'cache') };
}

/** Requires `file` anew (out of require's cache) with a compile cache in `cacheRoot`. */
function load(file: string, cacheRoot: string): { exports: Record<string, unknown>; cache: CompileCache } {
  installed?.uninstall();
  const cache = installCompileCache({ directory: cacheRoot });
  installed = cache;
  delete require.cache[file];
  return { exports: require(file) as Record<string, unknown>, cache };
}

/**
 * Loads `file` in a new Node process with the cache installed, and flushes it: V8 keeps compiled
 * scripts in memory too, so only a new process shows what the cache on disk gives.
 */
const DRIVER = join(root, 'driver.mjs');
writeFileSync(
  DRIVER,
  `import { createRequire } from 'node:module';
const [moduleUrl, file, cacheRoot, profile] = process.argv.slice(2);
const { installCompileCache } = await import(moduleUrl);
const cache = installCompileCache({ directory: cacheRoot, ...(profile ? { profile } : {}) });
const m = createRequire(import.meta.url)(file);
cache.flush();
console.log(JSON.stringify({ sum: m.sum, name: m.name, self: m.self, stats: cache.stats, directory: cache.directory }));
`,
);
const TSX = fileURLToPath(new URL('../../../node_modules/tsx/dist/loader.mjs', import.meta.url));
function loadInChild(file: string, cacheRoot: string, profile = ''): { sum: number; name: string; self: boolean; stats: CompileCache['stats']; directory: string } {
  const run = spawnSync(process.execPath, ['--import', TSX, DRIVER, new URL('./compile-cache.ts', import.meta.url).href, file, cacheRoot, profile], { encoding: 'utf8', timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as ReturnType<typeof loadInChild>;
}

const SOURCE = `#!/usr/bin/env node
const { basename } = require('node:path');
function lazy(n) { let s = 0; for (let i = 0; i < n; i++) s += i; return s; }
module.exports = { name: basename(__filename), dir: __dirname, sum: lazy(10), self: require.resolve('./mod.cjs') === __filename };
`;

function cacheFiles(cache: CompileCache): string[] {
  try {
    return readdirSync(cache.directory).filter((name) => name.endsWith('.cache'));
  } catch {
    return [];
  }
}

describe('the compile cache on Node 20 (vm.Script + cachedData)', () => {
  it('a first start compiles without a cache and writes one; the next start is a hit, and the module is the same', () => {
    const { file, cacheRoot } = moduleFile(SOURCE);
    const first = loadInChild(file, cacheRoot);
    expect(first).toMatchObject({ name: 'mod.cjs', sum: 45, self: true });
    expect(first.stats).toEqual({ hits: 0, misses: 1, rejected: 0, written: 1, skipped: 0 });
    expect(readdirSync(first.directory).filter((name) => name.endsWith('.cache'))).toHaveLength(1);
    expect(statSync(first.directory).mode & 0o777).toBe(0o700);
    const second = loadInChild(file, cacheRoot);
    expect(second).toMatchObject({ name: 'mod.cjs', sum: 45, self: true });
    expect(second.stats).toEqual({ hits: 1, misses: 0, rejected: 0, written: 0, skipped: 0 }); // an accepted cache is not rewritten
  });

  it('a profile has its own folder: a cache written under one is not read under another, and each is then a hit', () => {
    const { file, cacheRoot } = moduleFile(SOURCE);
    const version = loadInChild(file, cacheRoot, 'version');
    expect(version.stats).toMatchObject({ hits: 0, misses: 1, written: 1 });
    const ps = loadInChild(file, cacheRoot, 'ps');
    expect(ps.stats).toMatchObject({ hits: 0, misses: 1, written: 1 }); // not version's cache
    expect(ps.directory).not.toBe(version.directory);
    expect(ps.directory.startsWith(`${join(cacheRoot)}/`)).toBe(true);
    expect(readdirSync(ps.directory).filter((name) => name.endsWith('.cache'))).toHaveLength(1);
    expect(statSync(ps.directory).mode & 0o777).toBe(0o700);
    expect(loadInChild(file, cacheRoot, 'version').stats).toMatchObject({ hits: 1, misses: 0, written: 0 });
    expect(loadInChild(file, cacheRoot, 'ps').stats).toMatchObject({ hits: 1, misses: 0, written: 0 });
    // a name that is not a plain word stays inside the cache folder
    const odd = loadInChild(file, cacheRoot, '../../x');
    expect(odd.directory.startsWith(`${version.directory.slice(0, version.directory.lastIndexOf('/'))}/`)).toBe(true);
  });

  it('a module that may call import() is left to Node, whose loader it needs (import() works)', async () => {
    const { file, cacheRoot } = moduleFile(`module.exports = () => import('node:os');\n`);
    for (let start = 0; start < 2; start++) {
      const { exports, cache } = load(file, cacheRoot);
      cache.flush();
      expect(cache.stats).toEqual({ hits: 0, misses: 0, rejected: 0, written: 0, skipped: 1 });
      const os = (await (exports as unknown as () => Promise<{ tmpdir: unknown }>)()) as { tmpdir: unknown };
      expect(typeof os.tmpdir).toBe('function');
    }
  });

  it('a changed module is compiled anew (its key changed), not from the old cache', () => {
    const { file, cacheRoot } = moduleFile(SOURCE);
    loadInChild(file, cacheRoot);
    writeFileSync(file, SOURCE.replace('lazy(10)', 'lazy(11)'));
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    const changed = loadInChild(file, cacheRoot);
    expect(changed.sum).toBe(55);
    expect(changed.stats).toMatchObject({ hits: 0, misses: 1, written: 1 });
  });

  it('a corrupt cache file is rejected by V8: the module compiles as usual and the cache is rewritten', () => {
    const { file, cacheRoot } = moduleFile(SOURCE);
    const { directory } = loadInChild(file, cacheRoot);
    const path = join(directory, readdirSync(directory)[0]!);
    const bytes = readFileSync(path);
    bytes.fill(0x5a, 4 + bytes.readUInt32LE(0)); // the key stays, V8's data is garbage
    writeFileSync(path, bytes);
    const second = loadInChild(file, cacheRoot);
    expect(second.sum).toBe(45);
    expect(second.stats).toEqual({ hits: 0, misses: 0, rejected: 1, written: 1, skipped: 0 });
    expect(loadInChild(file, cacheRoot).stats).toMatchObject({ hits: 1, rejected: 0 });
  });

  it('a truncated cache file (no key) is a miss, not an error', () => {
    const { file, cacheRoot } = moduleFile(SOURCE);
    const { directory } = loadInChild(file, cacheRoot);
    writeFileSync(join(directory, readdirSync(directory)[0]!), Buffer.from([1, 0]));
    const second = loadInChild(file, cacheRoot);
    expect(second.sum).toBe(45);
    expect(second.stats).toMatchObject({ hits: 0, misses: 1, written: 1 });
  });

  it.runIf(process.getuid?.() === 0)("another user's cache file is not trusted (a miss)", () => {
    const { file, cacheRoot } = moduleFile(SOURCE);
    const { directory } = loadInChild(file, cacheRoot);
    chownSync(join(directory, readdirSync(directory)[0]!), 4242, 4242);
    expect(loadInChild(file, cacheRoot).stats).toMatchObject({ hits: 0, misses: 1 });
  });

  it('an unwritable cache folder never fails: the module loads, flush writes nothing', () => {
    const { file } = moduleFile(SOURCE);
    const blocker = join(root, `not-a-folder-${count++}`);
    writeFileSync(blocker, 'a file where the cache folder would be');
    const { exports, cache } = load(file, join(blocker, 'cache'));
    expect(exports['sum']).toBe(45);
    expect(() => cache.flush()).not.toThrow();
    expect(cache.stats.written).toBe(0);
  });

  it('an error in a module it compiled keeps its file and line in the stack', () => {
    const { file, cacheRoot } = moduleFile('\n\nmodule.exports = () => { throw new Error("boom"); };\n');
    const { exports, cache } = load(file, cacheRoot);
    expect(cache.stats.misses).toBe(1);
    let stack = '';
    try {
      (exports as unknown as () => void)();
    } catch (error) {
      stack = (error as Error).stack ?? '';
    }
    expect(stack).toContain(`${file}:3:`);
  });

  it('uninstall puts Node\'s compiler back', () => {
    const { file, cacheRoot } = moduleFile(SOURCE);
    const { cache } = load(file, cacheRoot);
    cache.uninstall();
    delete require.cache[file];
    require(file);
    expect(cache.stats.misses).toBe(1); // only the load before uninstall
  });
});

describe('enableCompileCache', () => {
  it('is off with NODE_DISABLE_COMPILE_CACHE', () => {
    expect(enableCompileCache({ NODE_DISABLE_COMPILE_CACHE: '1' })).toBe('off');
  });

  it.runIf(typeof (Module as { enableCompileCache?: unknown }).enableCompileCache !== 'function')('is off under coverage on Node 20 (its code would not be the code Node compiles)', () => {
    expect(enableCompileCache({ NODE_V8_COVERAGE: join(root, 'coverage') })).toBe('off');
  });

  it('puts caches in NODE_COMPILE_CACHE when set, else in the temporary folder', () => {
    expect(compileCacheDirectory({ NODE_COMPILE_CACHE: '/some/where' })).toBe('/some/where');
    expect(compileCacheDirectory({})).toBe(join(tmpdir(), 'node-compile-cache'));
  });
});
