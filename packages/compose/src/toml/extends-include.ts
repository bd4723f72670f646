import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { ParsedComposeFile } from '../spec/compose-file.js';
import type { VariableLookup } from '../spec/interpolate.js';
import { IssueCollector, isRecord, joinPath, type SpecIssue } from '../spec/issues.js';
import { isBindSource } from '../spec/mount.js';
import { extendService, mergeComposeFiles } from '../spec/merge.js';
import { depthIssues } from '../spec/plain-data.js';
import { show } from '../spec/show.js';
import { parseDotenv } from './dotenv.js';
import { failLocated, interpolateAll, type Located } from './document-tools.js';

/** Parses one file's text (TOML or YAML, by its name). */
export type ComposeFileParser = (text: string, file: string) => ParsedComposeFile;

/** What resolving `extends` and `include` needs from the loader. */
export interface ResolveInput {
  /** Parses a file that `extends.file` or `include` names. */
  readonly parse: ComposeFileParser;
  /** The project's folder: relative paths of the given files are relative to it. */
  readonly workingDir: string;
  /** The project's variables: they win over an included project's `.env` / `env_file`. */
  readonly lookup: VariableLookup;
}

/** One of the given files after its `extends` and `include` were applied, and where its fields now come from. */
export interface ResolvedComposeFile {
  /** The file with `extends` merged in and `include`d resources added (neither key is left). */
  readonly parsed: ParsedComposeFile;
  /**
   * Locators for fields that came from elsewhere (a base service, an included file), lowest
   * priority first; the file itself comes after them.
   */
  readonly located: readonly Located[];
}

/** A file in the resolution: parsed, and the folder its relative paths are relative to. */
interface Source {
  readonly key: string;
  readonly parsed: ParsedComposeFile;
  readonly dir: string;
}

interface ResolvedService {
  readonly definition: unknown;
  /** Locators answering `services.<name>…` paths of this service, lowest priority first. */
  readonly located: readonly Located[];
}

interface Context extends ResolveInput {
  readonly files: Map<string, ParsedComposeFile>;
  readonly services: Map<string, ResolvedService>;
}

const servicePath = (name: string) => joinPath('services', name);

/** A locator that answers `to…` paths by asking `located` for the same field under `from`. */
function renamed(located: Located, from: string, to: string): Located {
  if (from === to) return located;
  return {
    file: located.file,
    locate: (path, exact) => {
      if (path !== to && !path.startsWith(`${to}.`) && !path.startsWith(`${to}[`)) return undefined;
      return located.locate(from + path.slice(to.length), exact);
    },
  };
}

function fail(source: Source, path: string, code: string, message: string, service?: string): never {
  failLocated([{ code, path, message, service }], [source.parsed]);
}

/** Reads and parses a file named by `extends.file` or `include`; a missing file is an issue at `path` of `from`. */
function load(ctx: Context, from: Source, path: string, file: string, dir: string, what: string): Source {
  let parsed = ctx.files.get(file);
  if (parsed === undefined) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      return fail(from, path, what, `cannot read ${what === 'extends' ? 'the file this service extends' : 'the included file'} ${file} (${why})`);
    }
    parsed = ctx.parse(text, file);
    const deep = depthIssues(parsed.document);
    if (deep.length > 0) failLocated(deep, [parsed]);
    ctx.files.set(file, parsed);
  }
  return { key: file, parsed, dir };
}

/** A relative host path of `fromDir`, written relative to `toDir` (`./x`, `../x`); anything else unchanged. */
function rebasePath(path: string, fromDir: string, toDir: string): string {
  if (fromDir === toDir || isAbsolute(path) || path.startsWith('~') || path.includes('$') || /^[a-z][a-z0-9+.-]*:\/\/|^git@/i.test(path)) return path;
  const moved = relative(toDir, resolve(fromDir, path));
  if (moved === '') return '.';
  return moved.startsWith('..') || isAbsolute(moved) ? moved : `./${moved}`;
}

/**
 * Rewrites the relative host paths of a service defined in a file of another folder (`build`
 * context, `env_file`, `label_file`, bind mounts) so that they mean the same from `toDir`: a
 * file's relative paths are relative to its own folder (Compose Specification, `extends` and
 * `include`).
 */
function rebaseService(service: unknown, fromDir: string, toDir: string): unknown {
  if (!isRecord(service) || fromDir === toDir) return service;
  const out: Record<string, unknown> = { ...service };
  const move = (p: unknown) => (typeof p === 'string' ? rebasePath(p, fromDir, toDir) : p);
  const build = out['build'];
  if (typeof build === 'string') out['build'] = move(build);
  else if (isRecord(build) && typeof build['context'] === 'string') out['build'] = { ...build, context: move(build['context']) };
  for (const field of ['env_file', 'label_file']) {
    const value = out[field];
    const item = (v: unknown) => (isRecord(v) && typeof v['path'] === 'string' ? { ...v, path: move(v['path']) } : move(v));
    if (Array.isArray(value)) out[field] = value.map(item);
    else if (value !== undefined) out[field] = item(value);
  }
  const volumes = out['volumes'];
  if (Array.isArray(volumes)) {
    out['volumes'] = volumes.map((v) => {
      if (typeof v === 'string') {
        const colon = v.indexOf(':');
        const source = colon < 0 ? v : v.slice(0, colon);
        return colon > 0 && isBindSource(source) && source.startsWith('.') ? `${rebasePath(source, fromDir, toDir)}${v.slice(colon)}` : v;
      }
      if (isRecord(v) && typeof v['source'] === 'string' && (v['type'] === 'bind' || (v['type'] === undefined && v['source'].startsWith('.'))))
        return { ...v, source: move(v['source']) };
      return v;
    });
  }
  return out;
}

/** The `extends` of a service: `{ service, file? }` (a string is a service of the same file). */
function extendsOf(source: Source, name: string, value: unknown): { service: string; file?: string } {
  const at = joinPath(servicePath(name), 'extends');
  if (typeof value === 'string') return { service: value };
  if (isRecord(value)) {
    for (const key of Object.keys(value))
      if (key !== 'service' && key !== 'file') fail(source, joinPath(at, key), 'extends', `unknown key '${key}': extends takes service and file`, name);
    const service = value['service'];
    const file = value['file'];
    if (typeof service !== 'string' || service === '') fail(source, at, 'extends', `extends needs the name of a service (service: NAME), received ${show(value)}`, name);
    if (file !== undefined && (typeof file !== 'string' || file === '')) fail(source, joinPath(at, 'file'), 'extends', `extends.file must be a path, received ${show(file)}`, name);
    return file === undefined ? { service } : { service, file };
  }
  return fail(source, at, 'extends', `extends must be a service name or { service, file }, received ${show(value)}`, name);
}

/**
 * The definition of service `name` of `source` with its `extends` chain merged in (recursively,
 * cycles refused), and the locators of its fields. Memoised per file and service.
 */
function resolveService(ctx: Context, source: Source, name: string, chain: readonly string[]): ResolvedService {
  // the folder is part of the key: a file reached through include and through extends has different ones
  const key = `${source.dir}\u0001${source.key}\u0000${name}`;
  const done = ctx.services.get(key);
  if (done) return done;
  const services = source.parsed.document['services'] as Record<string, unknown>;
  const raw = services[name];
  const own: Located = { file: source.parsed.file, locate: (p, exact) => source.parsed.locate(p, exact) };
  if (!isRecord(raw) || raw['extends'] === undefined) return { definition: raw, located: [own] };
  const ext = extendsOf(source, name, raw['extends']);
  const at = joinPath(servicePath(name), 'extends');
  let target = source;
  if (ext.file !== undefined) {
    const file = resolve(source.dir, ext.file);
    target = file === source.key ? source : load(ctx, source, joinPath(at, 'file'), file, dirname(file), 'extends');
  }
  const targetKey = `${target.dir}\u0001${target.key}\u0000${ext.service}`;
  if (chain.includes(targetKey) || targetKey === key) {
    const names = [...chain, key, targetKey].map((k) => k.split('\u0000')[1]);
    fail(source, at, 'extends-cycle', `service '${name}' extends itself through ${names.join(' → ')}; remove one extends of the cycle`, name);
  }
  const targetServices = target.parsed.document['services'];
  if (!isRecord(targetServices) || !Object.hasOwn(targetServices, ext.service)) {
    const where = target === source ? 'this file' : (target.parsed.file ?? ext.file);
    const known = isRecord(targetServices) ? Object.keys(targetServices) : [];
    fail(source, at, 'extends', `service '${name}' extends '${ext.service}', which ${where} does not define (it defines: ${known.join(', ') || 'no service'})`, name);
  }
  const base = resolveService(ctx, target, ext.service, [...chain, key]);
  const baseDefinition = target === source ? base.definition : rebaseService(base.definition, target.dir, source.dir);
  const { extends: _extends, ...rest } = raw;
  const prefix = ['services', name];
  const resets = source.parsed.resets.filter((r) => r.length > 2 && r[0] === prefix[0] && r[1] === prefix[1]).map((r) => r.slice(2));
  const definition = extendService(baseDefinition, rest, resets);
  const resolved: ResolvedService = {
    definition,
    located: [...base.located.map((l) => renamed(l, servicePath(ext.service), servicePath(name))), own],
  };
  ctx.services.set(key, resolved);
  return resolved;
}

function applyExtends(ctx: Context, source: Source, located: Located[]): Record<string, unknown> {
  const document = source.parsed.document;
  const services = document['services'];
  if (!isRecord(services) || !Object.values(services).some((s) => isRecord(s) && s['extends'] !== undefined)) return document;
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(services)) {
    const value = services[name];
    if (!isRecord(value) || value['extends'] === undefined) {
      out[name] = value;
      continue;
    }
    const resolved = resolveService(ctx, source, name, []);
    out[name] = resolved.definition;
    // the file's own locator is in the list anyway (last, so it wins); the bases' come before it
    located.push(...resolved.located.slice(0, -1));
  }
  return { ...document, services: out };
}

/** One `include` entry in its long form. */
interface IncludeEntry {
  readonly paths: string[];
  readonly projectDirectory?: string | undefined;
  readonly envFiles: string[];
}

function includeEntry(source: Source, path: string, value: unknown): IncludeEntry {
  const strings = (v: unknown, at: string, what: string): string[] => {
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || list.length === 0 || !list.every((p) => typeof p === 'string' && p !== ''))
      fail(source, at, 'include', `${what} must be a path or a list of paths, received ${show(v)}`);
    return list as string[];
  };
  if (typeof value === 'string') return { paths: strings(value, path, 'an include entry'), envFiles: [] };
  if (!isRecord(value)) return fail(source, path, 'include', `an include entry is a path or { path, project_directory, env_file }, received ${show(value)}`);
  for (const key of Object.keys(value))
    if (key !== 'path' && key !== 'project_directory' && key !== 'env_file')
      fail(source, joinPath(path, key), 'include', `unknown key '${key}': include takes path, project_directory and env_file`);
  const directory = value['project_directory'];
  if (directory !== undefined && (typeof directory !== 'string' || directory === ''))
    fail(source, joinPath(path, 'project_directory'), 'include', `project_directory must be a path, received ${show(directory)}`);
  return {
    paths: strings(value['path'], joinPath(path, 'path'), 'include.path'),
    projectDirectory: directory as string | undefined,
    envFiles: value['env_file'] === undefined ? [] : strings(value['env_file'], joinPath(path, 'env_file'), 'include.env_file'),
  };
}

/** The variables of an included project: its `.env` (or `env_file`s), under the including project's. */
function includedLookup(ctx: Context, source: Source, at: string, entry: IncludeEntry, projectDir: string): VariableLookup {
  const files = entry.envFiles.length > 0 ? entry.envFiles.map((f) => resolve(source.dir, f)) : [resolve(projectDir, '.env')];
  const values: Record<string, string> = {};
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      if (entry.envFiles.length === 0) continue; // the default .env is optional
      return fail(source, joinPath(at, 'env_file'), 'include', `cannot read env_file ${file} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
    }
    try {
      Object.assign(values, parseDotenv(text, { lookup: (name) => ctx.lookup(name) ?? (Object.hasOwn(values, name) ? values[name] : undefined) }));
    } catch (error) {
      return fail(source, joinPath(at, 'env_file'), 'env-file', `${file}: ${(error as Error).message}`);
    }
  }
  return (name) => ctx.lookup(name) ?? (Object.hasOwn(values, name) ? values[name] : undefined);
}

/** Writes `$` as `$$` in every string, so that interpolating the result again gives it back unchanged. */
function escapeDollars(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('$') ? value.replaceAll('$', '$$$$') : value;
  if (Array.isArray(value)) return value.map(escapeDollars);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) Object.defineProperty(out, key, { value: escapeDollars(value[key]), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

const RESOURCES = ['services', 'volumes', 'networks', 'secrets', 'configs'] as const;

/**
 * Applies a file's top-level `include` (Compose Specification, "Include"): each entry is loaded
 * as a project of its own (its files merged, its own `extends` and `include` applied, its
 * variables from its `.env` or `env_file` under the including project's), its relative paths
 * rewritten for the including project's folder, and its resources added. A resource that the
 * including file also defines differently is refused: Compose does not merge them.
 */
function applyInclude(ctx: Context, source: Source, document: Record<string, unknown>, chain: readonly string[], located: Located[]): Record<string, unknown> {
  const include = document['include'];
  const { include: _include, ...rest } = document;
  if (include === undefined || include === null) return rest;
  const list = Array.isArray(include) ? include : fail(source, 'include', 'include', `include must be a list of paths or { path, project_directory, env_file }, received ${show(include)}`);
  const out: Record<string, unknown> = { ...rest };
  list.forEach((value, index) => {
    const at = joinPath('include', index);
    const entry = includeEntry(source, at, value);
    const files = entry.paths.map((p) => resolve(source.dir, p));
    const projectDir = entry.projectDirectory === undefined ? dirname(files[0] as string) : resolve(source.dir, entry.projectDirectory);
    const looped = files.find((f) => f === source.key || chain.includes(f));
    if (looped !== undefined) fail(source, at, 'include-cycle', `including ${looped} again would loop: ${[...chain, source.key, looped].join(' → ')}`);
    const includedLocated: Located[] = [];
    const resolvedFiles = files.map((file) => {
      const loaded = load(ctx, source, at, file, projectDir, 'include');
      const resolved = resolveSource(ctx, loaded, [...chain, source.key], includedLocated);
      includedLocated.push(loaded.parsed);
      return resolved;
    });
    const merged = mergeComposeFiles(resolvedFiles);
    const issues = new IssueCollector();
    const interpolated = interpolateAll(merged, includedLookup(ctx, source, at, entry, projectDir), issues) as Record<string, unknown>;
    if (issues.issues.length > 0) failLocated(issues.issues, includedLocated);
    const imported = escapeDollars(interpolated) as Record<string, unknown>;
    const conflicts: SpecIssue[] = [];
    for (const kind of RESOURCES) {
      const from = imported[kind];
      if (!isRecord(from)) continue;
      const to: Record<string, unknown> = isRecord(out[kind]) ? { ...(out[kind] as Record<string, unknown>) } : {};
      for (const name of Object.keys(from)) {
        let value = from[name];
        if (kind === 'services') value = rebaseService(value, projectDir, source.dir);
        else if ((kind === 'secrets' || kind === 'configs') && isRecord(value) && typeof value['file'] === 'string')
          value = { ...value, file: rebasePath(value['file'], projectDir, source.dir) };
        if (Object.hasOwn(to, name) && !deepEqual(to[name], value)) {
          conflicts.push({
            code: 'include-conflict',
            path: joinPath(kind, name),
            message: `${kind}.${name} is also defined by the included ${entry.paths.join(', ')} (${at}), differently; Compose does not merge them: rename one, or change it in an override file`,
            service: kind === 'services' ? name : undefined,
          });
          continue;
        }
        Object.defineProperty(to, name, { value, enumerable: true, writable: true, configurable: true });
      }
      out[kind] = to;
    }
    if (conflicts.length > 0) failLocated(conflicts, [source.parsed]);
    located.push(...includedLocated);
  });
  return out;
}

/** A file with its `extends` and then its `include` applied (in Docker Compose's order). */
function resolveSource(ctx: Context, source: Source, chain: readonly string[], located: Located[]): ParsedComposeFile {
  const extended = applyExtends(ctx, source, located);
  const document = extended['include'] === undefined ? extended : applyInclude(ctx, source, extended, chain, located);
  return document === source.parsed.document ? source.parsed : { ...source.parsed, document };
}

/**
 * Applies `extends` (service and file, recursively, cycles refused) and `include` (recursively,
 * cycles refused, conflicts refused) to each given compose file, before the files are merged.
 * Each given file's relative paths are relative to `workingDir`; a file reached through
 * `extends.file` or `include` keeps its own folder for its relative paths, rewritten so that they
 * mean the same from the project. Problems are located `ComposeValidationError`s.
 */
export function resolveComposeFiles(files: readonly ParsedComposeFile[], input: ResolveInput): ResolvedComposeFile[] {
  const ctx: Context = { ...input, files: new Map(), services: new Map() };
  return files.map((parsed, i) => {
    const located: Located[] = [];
    const source: Source = { key: parsed.file === undefined ? `<text ${i}>` : resolve(parsed.file), parsed, dir: input.workingDir };
    return { parsed: resolveSource(ctx, source, [], located), located };
  });
}

/** True when some file uses `extends` or `include` (else there is nothing to resolve). */
export function usesExtendsOrInclude(files: readonly ParsedComposeFile[]): boolean {
  return files.some((f) => {
    if (f.document['include'] !== undefined) return true;
    const services = f.document['services'];
    return isRecord(services) && Object.values(services).some((s) => isRecord(s) && s['extends'] !== undefined);
  });
}
