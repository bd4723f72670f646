import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { isComposeError } from './errors/compose-error.js';
import { ComposeFileError } from './errors/compose-file-error.js';
import { InvalidArgumentError } from './errors/invalid-argument-error.js';
import { ComposeValidationError, type ValidationIssue } from './errors/validation-error.js';
import { isValidProjectName, sanitizeProjectName } from './spec/names.js';
import type { VariableLookup } from './spec/interpolate.js';
import { composeFormatOf, type ComposeFormat, type ParsedComposeFile } from './spec/compose-file.js';
import { parseDotenv } from './toml/dotenv.js';
import { loadSpec, type ComposeText } from './toml/load-spec.js';
import { parseTomlFile } from './toml/parse.js';
import { parseYamlFile } from './yaml/parse.js';
import { preloadJsYaml } from './yaml/fast-parse.js';
import { Project } from './project.js';

/**
 * Options of {@link loadProject}.
 *
 * @example
 * ```ts
 * await loadProject('compose.toml', { projectName: 'ci-42', env: { TAG: 'v2' }, overrideFiles: ['compose.ci.toml'], profiles: ['debug'] });
 * ```
 */
export interface LoadProjectOptions {
  /**
   * Project name; overrides the file's `name` and the folder name, and is what
   * `${COMPOSE_PROJECT_NAME}` reads in the file. @default the variable `COMPOSE_PROJECT_NAME`
   * (from `env`, the process environment or `.env`, as Docker Compose reads it), else the file's
   * `name`, else the folder's name
   */
  readonly projectName?: string | undefined;
  /** Extra variables for interpolation; they win over the process environment and `.env`. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /**
   * Files merged over the main one, in order (Compose merge rules), relative to the current
   * directory; each is TOML or YAML by its extension. @default the override file beside the main
   * one, when present: `compose.override.toml` for a TOML file; for a YAML file the first of
   * `compose.override.yml`, `compose.override.yaml`, `docker-compose.override.yml`,
   * `docker-compose.override.yaml` (see {@link findComposeFiles})
   */
  readonly overrideFiles?: readonly string[] | undefined;
  /** Profiles to activate: services with profiles run only when one of theirs is listed. @default [] */
  readonly profiles?: readonly string[] | undefined;
  /**
   * A file where loading remembers the documents that passed the JSON Schema, so that loading
   * the same document again skips that check (the CLI keeps one beside its compile cache). Only
   * the schema check: the other rules run every time, and a document with a problem is never
   * remembered, so an invalid file is always reported. The file holds a hash of each document
   * (never its text) under the validator's identity; it is created (mode 0600) when missing, read
   * only when this user owns it, and any problem with it only means checking as usual.
   * @default none: every load checks the schema
   */
  readonly schemaCache?: string | undefined;
}

/**
 * Options of {@link parseProject}.
 *
 * @example
 * ```ts
 * parseProject(text, { file: 'compose.toml', cwd: '/srv/shop', env: { TAG: 'v2' } });
 * ```
 */
export interface ParseProjectOptions {
  /** The file the text came from (for messages and positions). */
  readonly file?: string | undefined;
  /** The text's format. @default by `file`'s extension (`.yaml`/`.yml`: yaml), else toml */
  readonly format?: ComposeFormat | undefined;
  /** Extra variables for interpolation; they win over the process environment and `.env`. */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** Folder that relative paths resolve against, and where `.env` is read. @default the file's folder, else process.cwd() */
  readonly cwd?: string | undefined;
  /** Project name; overrides the text's `name` and is what `${COMPOSE_PROJECT_NAME}` reads. @default the variable `COMPOSE_PROJECT_NAME`, else the text's `name` */
  readonly projectName?: string | undefined;
  /** Profiles to activate. @default [] */
  readonly profiles?: readonly string[] | undefined;
}

function lookupFor(workingDir: string, env: Readonly<Record<string, string | undefined>> | undefined): VariableLookup {
  // own properties only: `${constructor}` or `$toString` must not read Object.prototype
  const own = (record: Readonly<Record<string, string | undefined>> | NodeJS.ProcessEnv | undefined, name: string) => {
    const value = record !== undefined && Object.hasOwn(record, name) ? record[name] : undefined;
    return typeof value === 'string' ? value : undefined;
  };
  const given: VariableLookup = (name) => own(env, name) ?? own(process.env, name);
  let dotenv: Record<string, string> = {};
  const path = resolve(workingDir, '.env');
  let text: string | undefined;
  try {
    if (existsSync(path)) text = readFileSync(path, 'utf8');
  } catch {
    // Unreadable: as if there were none.
  }
  if (text !== undefined) {
    try {
      // Like Docker Compose: `.env` interpolates from the environment (and its own earlier keys).
      dotenv = parseDotenv(text, { lookup: given });
    } catch (error) {
      throw new ComposeValidationError([{ code: 'env-file', path: '.env', message: (error as Error).message, file: path }], { cause: error });
    }
  }
  return (name) => given(name) ?? (Object.hasOwn(dotenv, name) ? dotenv[name] : undefined);
}

/** The variable that names the project, as in Docker Compose: read when no `projectName` is given, and set for the file when one is. */
const PROJECT_NAME_VARIABLE = 'COMPOSE_PROJECT_NAME';

function build(texts: ComposeText[], workingDir: string, options: ParseProjectOptions | LoadProjectOptions): Project {
  if (options.projectName !== undefined && !isValidProjectName(options.projectName))
    throw new InvalidArgumentError(`projectName must be lowercase letters, digits, '-' or '_', starting with a letter or digit; received ${JSON.stringify(options.projectName)}`, {
      field: 'projectName',
    });
  const variables = lookupFor(workingDir, options.env);
  // Docker Compose's order: the explicit name (`-p`), then COMPOSE_PROJECT_NAME, then the file's `name`, then the folder.
  const fromVariable = options.projectName === undefined ? variables(PROJECT_NAME_VARIABLE) || undefined : undefined;
  if (fromVariable !== undefined && !isValidProjectName(fromVariable))
    throw new InvalidArgumentError(`${PROJECT_NAME_VARIABLE} must be lowercase letters, digits, '-' or '_', starting with a letter or digit; received ${JSON.stringify(fromVariable)}`, {
      field: PROJECT_NAME_VARIABLE,
    });
  const projectName = options.projectName ?? fromVariable;
  // A name given from outside is what `${COMPOSE_PROJECT_NAME}` reads in the file.
  const lookup: VariableLookup = projectName === undefined ? variables : (name) => (name === PROJECT_NAME_VARIABLE ? projectName : variables(name));
  const warnings: ValidationIssue[] = [];
  const spec = loadSpec({
    texts,
    parse: parseComposeText,
    lookup,
    workingDir,
    fallbackName: sanitizeProjectName(basename(workingDir)),
    projectName,
    warnings,
    schemaCache: 'schemaCache' in options ? options.schemaCache : undefined,
  });
  const project = new Project(spec.name, { workingDir, files: texts.flatMap((t) => (t.file ? [t.file] : [])), warnings, variables: lookup });
  project.adoptSpec(spec);
  const profiled = Object.values(spec.services).some((s) => s.profiles.length > 0);
  return profiled ? project.withProfiles(...(options.profiles ?? [])) : project;
}

/** Parses one compose text as TOML or YAML (by its `format`, else its file's extension). */
function parseComposeText(t: ComposeText): ParsedComposeFile {
  return composeFormatOf(t.file, t.format) === 'yaml' ? parseYamlFile(t.text, t.file) : parseTomlFile(t.text, t.file);
}

/**
 * Parses compose text (TOML, or YAML with `format: 'yaml'` or a `.yaml`/`.yml` file name) into a
 * {@link Project} (synchronously): interpolation from `env`, the
 * process environment and `.env` in `cwd`; `env_file`s read relative to `cwd`; the JSON Schema
 * and semantic rules checked, every problem reported at once.
 *
 * @throws {@link TomlSyntaxError} / {@link YamlSyntaxError} (with line, column and the offending line) or {@link ComposeValidationError}; only `ComposeError`s.
 * @example
 * ```ts
 * const project = parseProject('version = "1.0"\n[services.api]\nimage = "api.ctp"\n', { projectName: 'demo' });
 * project.serviceNames(); // ['api']
 * parseProject('services:\n  api:\n    image: nginx\n', { format: 'yaml', projectName: 'demo' }).serviceNames(); // ['api']
 * ```
 */
export function parseProject(text: string, options: ParseProjectOptions = {}): Project {
  const workingDir = resolve(options.cwd ?? (options.file ? dirname(resolve(options.file)) : process.cwd()));
  if (typeof text !== 'string') throw new InvalidArgumentError(`parseProject: expected TOML or YAML text, received ${typeof text}`, { field: 'text' });
  if (options.format !== undefined && options.format !== 'toml' && options.format !== 'yaml')
    throw new InvalidArgumentError(`parseProject: format must be 'toml' or 'yaml', received ${JSON.stringify(options.format)}`, { field: 'format' });
  return build([{ text, file: options.file, format: options.format }], workingDir, options);
}

async function read(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ComposeFileError(file, error);
  }
}

/**
 * The main compose file names, in order of preference, in each folder: this SDK's own
 * `compose.toml` first, then Docker Compose's names in Docker Compose's order.
 *
 * @example
 * ```ts
 * COMPOSE_FILE_NAMES; // ['compose.toml', 'compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml']
 * ```
 */
export const COMPOSE_FILE_NAMES: readonly string[] = ['compose.toml', 'compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
/** Override file names beside a YAML main file, in order of preference (as Docker Compose). */
const YAML_OVERRIDE_NAMES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

/**
 * The compose files found in a folder or the nearest of its parents, the way Docker Compose
 * finds them.
 *
 * @example
 * ```ts
 * const found = findComposeFiles(process.cwd());
 * if (found) console.log(found.file, found.overrides, found.ignored);
 * ```
 */
export interface FoundComposeFiles {
  /** The main file (absolute). */
  readonly file: string;
  /** The override file beside it, if any (absolute): merged over the main file by default. */
  readonly overrides: readonly string[];
  /** Other main or override candidates in the same folder that lost (worth a warning). */
  readonly ignored: readonly string[];
}

const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;

/** The default override of a main file: `compose.override.toml` for TOML, the first existing YAML override name for YAML. */
function defaultOverridesOf(file: string): { overrides: string[]; ignored: string[] } {
  const dir = dirname(file);
  const names = composeFormatOf(file) === 'yaml' ? YAML_OVERRIDE_NAMES : ['compose.override.toml'];
  const present = names.map((n) => join(dir, n)).filter((p) => p !== file && isFile(p));
  return { overrides: present.slice(0, 1), ignored: present.slice(1) };
}

/**
 * Finds the compose files as Docker Compose does: in `dir`, then in each parent up to the root,
 * the first folder holding one of {@link COMPOSE_FILE_NAMES} wins; in it, the first name of that
 * list that exists is the main file (`compose.toml` before `compose.yaml`, `compose.yml`,
 * `docker-compose.yml`, `docker-compose.yaml`: a folder with both a TOML and a YAML file is a
 * selur project that also keeps a file for Docker). Its override is the one beside it:
 * `compose.override.toml` for a TOML file; for a YAML file the first of `compose.override.yml`,
 * `compose.override.yaml`, `docker-compose.override.yml`, `docker-compose.override.yaml`. The
 * candidates that lost are listed in `ignored`, so a caller can warn about them as Docker
 * Compose does. Undefined when no folder up to the root has one.
 *
 * @example
 * ```ts
 * const found = findComposeFiles('/srv/shop/api'); // finds /srv/shop/compose.yaml if api/ has none
 * if (found) await loadProject(found.file);
 * ```
 */
export function findComposeFiles(dir: string = process.cwd()): FoundComposeFiles | undefined {
  for (let folder = resolve(dir); ; ) {
    const candidates = COMPOSE_FILE_NAMES.map((n) => join(folder, n)).filter(isFile);
    const [file, ...others] = candidates;
    if (file !== undefined) {
      const { overrides, ignored } = defaultOverridesOf(file);
      return { file, overrides, ignored: [...others, ...ignored] };
    }
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

/**
 * Loads a compose file, TOML or YAML by its extension (and its override files), into a
 * {@link Project}. The project's name is `options.projectName`, else the file's `name`, else its
 * folder's name (made valid). Relative paths resolve against the file's folder. To find the file
 * as Docker Compose does, use {@link findComposeFiles}.
 *
 * @throws {@link ComposeFileError}, {@link TomlSyntaxError}, {@link YamlSyntaxError} or {@link ComposeValidationError}; only `ComposeError`s.
 * @example
 * ```ts
 * const project = await loadProject('compose.toml', { profiles: ['debug'], env: { TAG: 'v2' } });
 * console.log(project.toToml());
 * const fromDocker = await loadProject('docker-compose.yml'); // + docker-compose.override.yml when present
 * console.log(fromDocker.toYaml());
 * ```
 */
export async function loadProject(path: string, options: LoadProjectOptions = {}): Promise<Project> {
  try {
    const file = resolve(path);
    const workingDir = dirname(file);
    const overrides = options.overrideFiles?.map((f) => resolve(f)) ?? defaultOverridesOf(file).overrides;
    const files = [file, ...overrides];
    // loaded while the files are read
    const yaml = files.some((f) => composeFormatOf(f) === 'yaml') ? preloadJsYaml() : undefined;
    const texts: ComposeText[] = [];
    for (const f of files) texts.push({ text: await read(f), file: f });
    await yaml;
    return build(texts, workingDir, options);
  } catch (error) {
    if (isComposeError(error)) throw error;
    throw new ComposeFileError(path, error);
  }
}
