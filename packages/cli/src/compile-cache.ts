/**
 * A compile cache for the CLI's CommonJS modules: V8's code cache of each module kept on disk, so a
 * command does not parse and compile its ~1 MB of JavaScript (the CLI, the SDK, the schema
 * validator) on every start. On Node >= 22.1 this is Node's own `module.enableCompileCache()`.
 * Node 20 has no such API; there, {@link installCompileCache} compiles CommonJS modules itself with
 * `vm.Script` and `cachedData`, and writes a module's cache at exit from `createCachedData()`, so
 * the cache holds the functions compiled lazily while the command ran too (the validator's one huge
 * function above all), not only the top level.
 *
 * A cache file is keyed by the module's path, size and modification time, Node's version and
 * architecture and its V8 options; V8 checks it again (and rejects it, then it is rewritten).
 * A profile (the CLI's command: cache-profile.ts) gives each command its own folder of caches: a
 * cache holds the functions of the run that wrote it, and is not rewritten while V8 accepts it.
 * Nothing about the cache ever fails a command: an unreadable, unwritable or missing directory,
 * or a corrupt file, only means compiling as usual.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';

/** What {@link enableCompileCache} turned on. */
export type CompileCacheMode = 'node' | 'vm' | 'off';

/** Where caches go, and whether to use them (the environment decides, as for Node's own cache). */
export interface CompileCacheOptions {
  /** The folder; default NODE_COMPILE_CACHE, else `<tmpdir>/node-compile-cache`. */
  readonly directory?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * A folder of its own for these caches under the Node build's (Node 20): the CLI's command, so
   * that `ps` reads the code `ps` compiled and not the code of whichever command ran first.
   * Letters, digits and `-` (anything else becomes `-`).
   */
  readonly profile?: string;
}

/** The installed cache (Node 20): what it did so far, and how to write or remove it. */
export interface CompileCache {
  /** The folder of this Node's cache files. */
  readonly directory: string;
  /**
   * Modules compiled from a cache V8 accepted, without one, with one V8 rejected; cache files
   * written; modules left to Node (one that may call `import()`).
   */
  readonly stats: { hits: number; misses: number; rejected: number; written: number; skipped: number };
  /** Writes the cache of every module compiled without an accepted one (done at exit). */
  flush(): void;
  /** Puts Node's own compiler back (the exit write is dropped too). */
  uninstall(): void;
}

type CompileFn = (this: Module, content: string, filename: string, format?: string) => unknown;
interface ModuleInternals {
  prototype: { _compile: CompileFn; require(id: string): unknown };
  _resolveFilename(request: string, parent: Module, isMain: boolean, options?: unknown): string;
  _extensions: unknown;
  _cache: unknown;
  wrap(script: string): string;
}

/**
 * A short name for a module's cache file (FNV-1a, 32 bits, and the path's length): no node:crypto
 * at start. Two paths with one name only take turns in the file (the key inside tells them apart).
 */
function hashName(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return `${(hash >>> 0).toString(36)}-${text.length.toString(36)}`;
}

const HEADER_BYTES = 4;

/** Reads a cache file: its key line and the data; undefined when missing or not ours. */
function readEntry(path: string, key: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const stat = fstatSync(fd);
    const own = typeof process.getuid === 'function' ? process.getuid() : undefined;
    if (own !== undefined && stat.uid !== own) return undefined; // another user's file: not trusted
    const all = Buffer.allocUnsafe(stat.size);
    let at = 0;
    while (at < all.length) {
      const n = readSync(fd, all, at, all.length - at, null);
      if (n === 0) break;
      at += n;
    }
    if (at < HEADER_BYTES) return undefined;
    const keyLength = all.readUInt32LE(0);
    if (HEADER_BYTES + keyLength > at || all.toString('utf8', HEADER_BYTES, HEADER_BYTES + keyLength) !== key) return undefined;
    return all.subarray(HEADER_BYTES + keyLength, at);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function writeEntry(directory: string, path: string, key: string, data: Buffer): void {
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const keyBytes = Buffer.from(key, 'utf8');
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32LE(keyBytes.length, 0);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, Buffer.concat([header, keyBytes, data]), { mode: 0o600 });
  renameSync(temporary, path); // readers see the old file or the whole new one
}

/** The default folder: NODE_COMPILE_CACHE, else `<tmpdir>/node-compile-cache` (Node's own default). */
export function compileCacheDirectory(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const chosen = env['NODE_COMPILE_CACHE'];
  return chosen !== undefined && chosen !== '' ? chosen : join(tmpdir(), 'node-compile-cache');
}

/**
 * The file where the CLI remembers the compose documents that passed the JSON Schema (the SDK's
 * `loadProject` option `schemaCache`), so `ps` after `up` does not load and run the schema's
 * validator again: beside the compile caches (this user's own file), and off with them
 * (NODE_DISABLE_COMPILE_CACHE).
 */
export function schemaCacheFile(env: Readonly<Record<string, string | undefined>> = process.env): string | undefined {
  if (env['NODE_DISABLE_COMPILE_CACHE'] !== undefined) return undefined;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'u';
  return join(compileCacheDirectory(env), `selur-schema-${uid}`);
}

/**
 * Compiles CommonJS modules through a code cache in `options.directory` (Node 20's loader: it
 * replaces `Module.prototype._compile`). The caches of modules compiled without one are written at
 * exit (or by `flush()`).
 */
export function installCompileCache(options: CompileCacheOptions = {}): CompileCache {
  const M = Module as unknown as ModuleInternals;
  const original = M.prototype._compile;
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'u';
  // one folder per Node build and user; V8's options change the code, so they are in the key
  const build = join(options.directory ?? compileCacheDirectory(options.env), `selur-cjs-${process.version}-${process.arch}-${String(uid)}`);
  const directory = options.profile === undefined ? build : join(build, options.profile.replace(/[^A-Za-z0-9-]/g, '-') || '-');
  const flags = process.execArgv.join(' ');
  const stats = { hits: 0, misses: 0, rejected: 0, written: 0, skipped: 0 };
  const pending: { script: vm.Script; path: string; key: string }[] = [];
  function compile(this: Module, content: string, filename: string, format?: string): unknown {
    // an ES module loaded by `require` (Node >= 20.19 passes its format) is Node's to compile
    if (format !== undefined && format !== 'commonjs') return original.call(this, content, filename, format);
    // `import()` in a script compiled from V8's cache fails on Node 20 (its loader callback is not
    // restored with the code): a module that may use it is Node's to compile
    if (content.includes('import(')) {
      stats.skipped++;
      return original.call(this, content, filename);
    }
    let key: string;
    try {
      const stat = statSync(filename);
      key = `${filename}\u0000${stat.size}\u0000${stat.mtimeMs}\u0000${content.length}\u0000${flags}`;
    } catch {
      return original.call(this, content, filename);
    }
    const path = join(directory, `${hashName(filename)}.cache`);
    const cachedData = readEntry(path, key);
    // a `#!` line is only valid at the very start of a script: the wrapper moves it
    const source = content.startsWith('#!') ? `//${content.slice(2)}` : content;
    const script = new vm.Script(M.wrap(source), {
      filename,
      ...(cachedData === undefined ? {} : { cachedData }),
    });
    if (cachedData === undefined) stats.misses++;
    else if (script.cachedDataRejected === true) stats.rejected++;
    else stats.hits++;
    if (cachedData === undefined || script.cachedDataRejected === true) pending.push({ script, path, key });
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
    const self = this as Module & { exports: unknown; path: string };
    const require = Object.assign((id: string) => self.require(id), {
      resolve: Object.assign((request: string, opts?: unknown) => M._resolveFilename(request, self, false, opts), {
        paths: (request: string) => (Module as unknown as { _resolveLookupPaths(r: string, p: Module): string[] | null })._resolveLookupPaths(request, self),
      }),
      main: (process as { mainModule?: Module }).mainModule,
      extensions: M._extensions,
      cache: M._cache,
    });
    return wrapper.call(self.exports, self.exports, require, self, filename, self.path);
  }

  function flush(): void {
    for (const { script, path, key } of pending.splice(0)) {
      try {
        writeEntry(directory, path, key, script.createCachedData());
        stats.written++;
      } catch {
        // a read-only or full disk: the next start compiles as usual
      }
    }
  }

  const onExit = () => flush();
  M.prototype._compile = compile;
  process.once('exit', onExit);
  return {
    directory,
    stats,
    flush,
    uninstall() {
      if (M.prototype._compile === compile) M.prototype._compile = original;
      process.removeListener('exit', onExit);
      pending.length = 0;
    },
  };
}

/**
 * Turns on a compile cache for the modules loaded after it: Node's own on Node >= 22.1
 * (`module.enableCompileCache`, which honours NODE_COMPILE_CACHE), {@link installCompileCache}
 * on older Nodes, with `profile`'s own folder there (Node's own cache has one folder for all).
 * Off when NODE_DISABLE_COMPILE_CACHE is set, or where the cached code would differ from what
 * Node runs (source maps, coverage). Never throws.
 */
export function enableCompileCache(env: Readonly<Record<string, string | undefined>> = process.env, profile?: string): CompileCacheMode {
  try {
    if (env['NODE_DISABLE_COMPILE_CACHE'] !== undefined) return 'off';
    const own = (Module as { enableCompileCache?: (directory?: string) => unknown }).enableCompileCache;
    if (typeof own === 'function') {
      own();
      return 'node';
    }
    if (env['NODE_V8_COVERAGE'] !== undefined || (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true) return 'off';
    installCompileCache({ env, ...(profile === undefined ? {} : { profile }) });
    return 'vm';
  } catch {
    return 'off';
  }
}
